import { parse } from 'yaml';
import { silentLogger, type Logger } from '../../logging';
import type { NodeNetwork } from '../network/node-network';
import { LabKubeCluster } from './cluster';
import { MimicMachine, type MachineKind } from './machine';
import type { ClusterRegistry, NodeEnv } from './node-join';
import { BOOTSTRAP_SCRIPT, runBootstrap, type PhaseHooks, type RunResult } from './phases';

/**
 * The lab's node mimic: what happens inside a machine after it boots, since no kubelet or kubeadm runs here (as
 * Cluster API's and CAPV's own tests do). Machines come from the SSH host twins (phases run over SSH) and the
 * vCenter twin (a VM powered on with guestinfo user data: `bootCloudInit`). The clusters they build are real lab
 * Kubernetes API servers on the node network, announced to listeners (the BGP twin) as they appear and go.
 */
export interface ClusterEvent {
  type: 'added' | 'removed';
  cluster: LabKubeCluster;
}

export interface CloudInitBoot {
  /** Where the VM runs (the ESXi host of the scenario). */
  host: string;
  userData: string;
  metadata?: string;
  /** Called with each guestinfo.akb.bootstrap value the script reports. */
  report?: (value: string) => void;
}

interface WriteFileEntry {
  path?: string;
  content?: string;
  permissions?: string;
  encoding?: string;
}

export class NodeMimic {
  private readonly machines = new Map<string, MimicMachine>();
  private readonly clusterMap = new Map<string, LabKubeCluster>();
  private readonly listeners = new Set<(e: ClusterEvent) => void>();
  /** cloud-init runs its per-instance modules once per instance-id. */
  private readonly bootedInstances = new Map<string, string>();
  private readonly env: NodeEnv;
  /** akb's script takes a lock: runs on one machine take turns (a retry waits for the run it replaces). */
  private readonly turns = new Map<string, Promise<unknown>>();

  constructor(
    readonly network: NodeNetwork,
    private readonly logger: Logger = silentLogger,
  ) {
    const registry: ClusterRegistry = {
      get: (name) => this.clusterMap.get(name),
      create: (name, caPem) => {
        const existing = this.clusterMap.get(name);
        if (existing) return existing;
        const c = new LabKubeCluster(name, caPem, network, logger);
        this.clusterMap.set(name, c);
        this.listeners.forEach((l) => l({ type: 'added', cluster: c }));
        return c;
      },
      remove: async (name) => {
        const c = this.clusterMap.get(name);
        if (!c) return;
        this.clusterMap.delete(name);
        this.listeners.forEach((l) => l({ type: 'removed', cluster: c }));
        await c.stop();
      },
      byEndpoint: (endpoint) => {
        const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(endpoint);
        const owner = m ? network.list().find((b) => b.address === m[1] && b.port === Number(m[2]))?.owner : undefined;
        return owner ? this.clusterMap.get(owner.split('/')[0] ?? '') : undefined;
      },
    };
    this.env = { network, clusters: registry };
  }

  clusters(): LabKubeCluster[] {
    return [...this.clusterMap.values()];
  }

  cluster(name: string): LabKubeCluster | undefined {
    return this.clusterMap.get(name);
  }

  onCluster(listener: (e: ClusterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  machine(id: string, init: { kind: MachineKind; host: string; hostname: string }): MimicMachine {
    let m = this.machines.get(id);
    if (!m) {
      m = new MimicMachine(id, init.kind, init.host, init.hostname);
      this.machines.set(id, m);
    }
    return m;
  }

  get(id: string): MimicMachine | undefined {
    return this.machines.get(id);
  }

  /** Runs `bootstrap.sh <arg>` on a machine (an SSH host twin's exec). */
  run(id: string, arg: string, hooks: PhaseHooks = {}): Promise<RunResult> {
    const m = this.machines.get(id);
    if (!m) return Promise.resolve({ code: 127, stdout: [], stderr: [`${BOOTSTRAP_SCRIPT}: No such file or directory`] });
    if (arg === 'status') return runBootstrap(m, arg, this.env, hooks);
    const previous = this.turns.get(id) ?? Promise.resolve();
    const mine = previous.catch(() => undefined).then(() => runBootstrap(m, arg, this.env, { reset: (x) => this.leave(x), ...hooks }));
    this.turns.set(id, mine);
    return mine;
  }

  /**
   * A VM powered on with cloud-init user data (the vCenter twin's entry point): on the first boot of an
   * instance, write_files then runcmd, as cloud-init does; later boots of the same instance run nothing again.
   * Resolves when runcmd finished (its output is in /var/log/cloud-init-output.log on the machine).
   */
  async bootCloudInit(id: string, boot: CloudInitBoot): Promise<RunResult> {
    const meta = (boot.metadata ? parse(boot.metadata) : {}) as { 'instance-id'?: string; 'local-hostname'?: string };
    const instance = meta['instance-id'] ?? id;
    if (this.bootedInstances.get(id) === instance) return { code: 0, stdout: [], stderr: [] };
    this.bootedInstances.set(id, instance);
    if (!boot.userData.startsWith('#cloud-config')) return { code: 1, stdout: [], stderr: ['cloud-init: user data is not #cloud-config'] };
    const doc = (parse(boot.userData) ?? {}) as { hostname?: string; write_files?: WriteFileEntry[]; runcmd?: Array<string | string[]> };
    const m = this.machine(id, { kind: 'vm', host: boot.host, hostname: doc.hostname ?? meta['local-hostname'] ?? id });
    for (const f of doc.write_files ?? []) {
      if (!f.path) continue;
      const content =
        f.encoding === 'b64' || f.encoding === 'base64' ? Buffer.from(f.content ?? '', 'base64').toString('utf8') : (f.content ?? '');
      m.write(f.path, content, f.permissions ? parseInt(f.permissions, 8) : 0o644);
    }
    const log: string[] = [];
    let result: RunResult = { code: 0, stdout: [], stderr: [] };
    for (const cmd of doc.runcmd ?? []) {
      const words = Array.isArray(cmd) ? cmd : cmd.split(/\s+/);
      if (words[0] !== BOOTSTRAP_SCRIPT || words.length !== 2) {
        log.push(`runcmd: ${words.join(' ')}: the lab runs only akb's bootstrap script`);
        result = { code: 127, stdout: [], stderr: [log.at(-1) as string] };
        break;
      }
      result = await this.run(id, words[1] as string, { ...(boot.report ? { report: boot.report } : {}) });
      log.push(...result.stdout, ...result.stderr);
      if (result.code !== 0) break;
    }
    m.write('/var/log/cloud-init-output.log', `${log.join('\n')}\n`, 0o640);
    return result;
  }

  /** The machine's node leaves its cluster (kubeadm reset, or the VM is gone). The last node takes the cluster with it. */
  private async leave(m: MimicMachine): Promise<void> {
    if (!m.joined) return;
    const c = this.clusterMap.get(m.joined.cluster);
    if (c) {
      await c.removeNode(m.joined.node);
      if (c.nodes().length === 0) await this.env.clusters.remove(c.name);
    }
    m.joined = undefined;
  }

  /** A VM was destroyed (or a host wiped): it leaves its cluster and is forgotten. */
  async destroy(id: string): Promise<void> {
    const m = this.machines.get(id);
    if (!m) return;
    await this.leave(m);
    this.machines.delete(id);
    this.bootedInstances.delete(id);
  }

  async stop(): Promise<void> {
    for (const c of this.clusterMap.values()) await c.stop();
    this.clusterMap.clear();
  }
}
