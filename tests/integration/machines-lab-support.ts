import ssh2 from 'ssh2';
import { NodeNetwork, startGatewayProxy, type GatewayProxy } from '../../lib/lab/network';
import { NodeMimic } from '../../lib/lab/nodes';
import { startSshHostTwin, type SshHostTwin } from '../../lib/lab/ssh';
import { generateBootstrapSecrets, nodeBootstrap, type BootstrapSecrets } from '../../provisioner/bootstrap/index';
import type { MachineBootstrap, MachineContext, MachineEvent, MachineProvider, MachineRef } from '../../provisioner/providers/machines';
import { createSshProvider } from '../../provisioner/providers/ssh/provider';
import type { ResolvedSpec } from '../../provisioner/spec/defaults';
import { resolvedOf, workedExampleDoc } from '../../provisioner/test-support/fixtures';

/**
 * The lab's machines without the rest of the lab: a node network with its gateway proxy, the node mimic, and one
 * SSH host twin per node of the worked example (3 masters, 1 worker, dual stack), every node placed on its
 * bare-metal host and reached through the proxy, as akb reaches a site behind a jump host.
 */
export interface MachinesLab {
  network: NodeNetwork;
  proxy: GatewayProxy;
  mimic: NodeMimic;
  twins: Map<string, SshHostTwin>;
  r: ResolvedSpec;
  /** The spec document `r` was resolved from (a plain object, as a spec file would hold). */
  doc: ReturnType<typeof workedExampleDoc>;
  /** The OpenSSH private key the host twins accept. */
  clientKey: string;
  secrets: BootstrapSecrets;
  provider: MachineProvider;
  ref(node: string): MachineRef;
  boot(node: string): MachineBootstrap;
  context(): MachineContext & { events: MachineEvent[] };
  /** ensure + waitForBootstrap, as the engine's machine step does. */
  bootstrap(node: string, boot?: MachineBootstrap): Promise<void>;
  /** Adds a host twin for one more node (a worker at `ipv4`) to the spec. */
  addWorker(name: string, ipv4: string, ipv6: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startMachinesLab(edit: (doc: ReturnType<typeof workedExampleDoc>) => void = () => {}): Promise<MachinesLab> {
  const network = new NodeNetwork();
  const proxy = await startGatewayProxy(network);
  const mimic = new NodeMimic(network);
  const client = ssh2.utils.generateKeyPairSync('ed25519');
  const twins = new Map<string, SshHostTwin>();
  const doc = workedExampleDoc();
  // Small pod blocks, so the pod subnet has room for the workers tests add.
  (doc.cluster as Record<string, unknown>).podBlockSize = { ipv4: 28, ipv6: 122 };
  edit(doc);
  const nodes = (doc.cluster as { nodes: Array<Record<string, unknown>> }).nodes;
  const user = 'akbadmin';
  const addTwin = async (n: Record<string, unknown>) => {
    const twin = await startSshHostTwin({
      host: String(n.name),
      address: String(n.ipv4),
      user,
      authorizedKey: client.public,
      mimic,
      network,
    });
    twins.set(String(n.name), twin);
    n.placement = { type: 'bare-metal', sshHost: n.ipv4, sshUser: user, hostKey: twin.fingerprint };
  };
  for (const n of nodes) await addTwin(n);
  (doc.cluster as Record<string, unknown>).proxyUrl = proxy.socksUrl;
  const lab: MachinesLab = {
    network,
    proxy,
    mimic,
    twins,
    r: resolvedOf(doc),
    doc,
    clientKey: client.private,
    secrets: generateBootstrapSecrets(String((doc.cluster as { name: string }).name)),
    provider: createSshProvider({ auth: { privateKey: client.private }, proxyUrl: proxy.socksUrl }),
    ref: (name) => ({ cluster: lab.r.spec.cluster.name, node: lab.r.spec.cluster.nodes.find((n) => n.name === name)! }),
    boot: (name) => nodeBootstrap(lab.r, lab.secrets, lab.ref(name).node),
    context: () => {
      const events: MachineEvent[] = [];
      return { events, signal: new AbortController().signal, emit: (e) => events.push(e) };
    },
    bootstrap: async (name, boot = lab.boot(name)) => {
      const ctx = lab.context();
      await lab.provider.ensure(lab.ref(name), boot, ctx);
      await lab.provider.waitForBootstrap(lab.ref(name), boot, ctx, { timeoutMs: 60_000 });
    },
    addWorker: async (name, ipv4, ipv6) => {
      const n: Record<string, unknown> = { name, role: 'worker', rack: '1', ipv4, ipv6 };
      await addTwin(n);
      nodes.push(n);
      lab.r = resolvedOf(doc);
    },
    stop: async () => {
      await lab.provider.close();
      for (const t of twins.values()) await t.stop();
      await mimic.stop();
      await proxy.stop();
    },
  };
  return lab;
}
