/** The node mimic: what happens inside a lab machine after it boots with akb's bootstrap artefacts. */
export { NodeMimic, type ClusterEvent, type CloudInitBoot } from './mimic';
export { LabKubeCluster } from './cluster';
export { MimicMachine, type MachineKind, type MachineFile } from './machine';
export type { RunResult, PhaseHooks } from './phases';
