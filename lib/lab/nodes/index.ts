/** The lab's node mimic: machines that run akb's bootstrap script and join the lab's clusters. */
export { NodeMimic, type ClusterEvent, type CloudInitBoot } from './mimic';
