import ssh2 from 'ssh2';
import { silentLogger, type Logger } from '../logging';
import type { HostSpec, Scenario } from './model';
import { annotatedWire, type LabTwin } from './twin';
import type { BuiltClusterEndpoints } from './twin/built-endpoints';
import { NodeNetwork } from './network/node-network';
import { startGatewayProxy, type GatewayProxy } from './network/gateway-proxy';
import { NodeMimic } from './nodes/mimic';
import { startSshHostTwin, type SshHostTwin } from './ssh/host-twin';
import { LAB_SSH_USER } from './ssh/user';

/**
 * The lab's machines: the node network and its gateway proxy (the one way in from where akb runs, as a jump host),
 * the node mimic that turns bootstrapped machines into clusters, and an SSH host twin for every bare-metal host
 * of the scenario that has an address and no node yet (a host ready to be provisioned). The vCenter twin boots
 * its VMs through `mimic.bootCloudInit`.
 */
export { LAB_SSH_USER } from './ssh/user';

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

/**
 * Every cluster the node mimic builds peers with the fabric like the scenario's own: the twin follows its store, its
 * nodes cabled as their hosts are (lab.akb.io/host), and the leaves learn their endpoints, until its last node leaves. A name the twin already follows
 * (the scenario's own cluster) is left alone.
 */
export function followBuiltClusters(
  machines: LabMachines,
  twin: LabTwin,
  endpoints: BuiltClusterEndpoints,
  scenario: () => Scenario,
): void {
  const followed = new Map<string, () => void>();
  machines.mimic.onCluster((e) => {
    const name = e.cluster.name;
    if (e.type === 'removed') {
      followed.get(name)?.();
      followed.delete(name);
      endpoints.remove(name);
      return;
    }
    if (followed.has(name) || twin.follows(name)) return;
    followed.set(
      name,
      twin.addCluster({ name, store: e.cluster.store, wire: annotatedWire(e.cluster.store, scenario), services: () => [] }),
    );
    endpoints.add(name, e.cluster.store);
  });
}
