/** The lab's SSH host twins. */
export { startSshHostTwin, type SshHostTwin, type SshHostTwinOptions } from './host-twin';
