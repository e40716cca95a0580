import ssh2 from 'ssh2';
import { silentLogger, type Logger } from '../logging';
import type { HostSpec } from './model';
import { NodeNetwork } from './network/node-network';
import { startGatewayProxy, type GatewayProxy } from './network/gateway-proxy';
import { NodeMimic } from './nodes/mimic';
import { startSshHostTwin, type SshHostTwin } from './ssh/host-twin';

/**
 * The lab's machines: the node network and its gateway proxy (the one way in from where akb runs, as a jump host),
 * the node mimic that turns bootstrapped machines into clusters, and an SSH host twin for every bare-metal host
 * of the scenario that has an address and no node yet (a host ready to be provisioned). The vCenter twin boots
 * its VMs through `mimic.bootCloudInit`.
 */
export const LAB_SSH_USER = 'akb';

export interface LabMachines {
  network: NodeNetwork;
  gateway: GatewayProxy;
  mimic: NodeMimic;
  sshHosts: SshHostTwin[];
  /** The key the SSH host twins accept for LAB_SSH_USER (OpenSSH private key; the public one-line form). */
  clientKey: { privateKey: string; publicKey: string };
  stop(): Promise<void>;
}

export async function startLabMachines(opts: { hosts: HostSpec[]; occupied: ReadonlySet<string>; logger?: Logger }): Promise<LabMachines> {
  const logger = opts.logger ?? silentLogger;
  const network = new NodeNetwork();
  const mimic = new NodeMimic(network, logger);
  const key = ssh2.utils.generateKeyPairSync('ed25519', { comment: 'akb-lab' });
  const sshHosts: SshHostTwin[] = [];
  const gateway = await startGatewayProxy(network, { logger });
  try {
    for (const h of opts.hosts) {
      if (h.kind !== 'baremetal' || h.address === undefined || opts.occupied.has(h.name)) continue;
      sshHosts.push(
        await startSshHostTwin({ host: h.name, address: h.address, user: LAB_SSH_USER, authorizedKey: key.public, mimic, network, logger }),
      );
    }
  } catch (err) {
    for (const s of sshHosts) await s.stop();
    await gateway.stop();
    throw err;
  }
  return {
    network,
    gateway,
    mimic,
    sshHosts,
    clientKey: { privateKey: key.private, publicKey: key.public },
    stop: async () => {
      for (const s of sshHosts) await s.stop();
      await mimic.stop();
      await gateway.stop();
    },
  };
}
