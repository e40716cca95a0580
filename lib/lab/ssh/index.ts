/** SSH host twins: the scenario's free bare-metal hosts, reached over SSH through the node network. */
export { startSshHostTwin, type SshHostTwin, type SshHostTwinOptions } from './host-twin';
