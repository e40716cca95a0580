import type { KubeObject } from '../../k8s/models/object';
import type { Logger } from '../../logging';
import type { ApicTree } from '../apic';
import type { KubeStore } from '../k8s';
import { endpointMos } from '../model/apic-l3out';
import type { Scenario } from '../model/schema';
import { defaultNodeMac, type LabWorld, type NodeState } from '../model/world';
import { ApicSync } from '../sync';
import { HOST_ANNOTATION, VLAN_ANNOTATION } from './store-wire';

/**
 * The endpoints the leaves learn for the nodes of clusters the lab's machines built: each node's MAC and address on
 * the path its host is cabled to (fvCEp, fvIp, fvRsCEpToPathEp, as for the scenario's own nodes), so the
 * visualiser finds every node under its leaves. Its own ApicSync scope: what it learned goes when the node does.
 */
export class BuiltClusterEndpoints {
  private readonly sync: ApicSync;
  private readonly stores = new Map<string, { store: KubeStore; unsubscribe: () => void }>();
  private scheduled: NodeJS.Immediate | undefined;

  constructor(
    tree: ApicTree,
    private readonly world: () => LabWorld,
    private readonly logger: Logger,
  ) {
    this.sync = new ApicSync(tree);
  }

  add(name: string, store: KubeStore): void {
    if (this.stores.has(name)) return;
    this.stores.set(name, { store, unsubscribe: store.subscribe(() => this.schedule()) });
    this.schedule();
  }

  remove(name: string): void {
    this.stores.get(name)?.unsubscribe();
    this.stores.delete(name);
    this.schedule();
  }

  private schedule(): void {
    this.scheduled ??= setImmediate(() => {
      this.scheduled = undefined;
      try {
        this.write();
      } catch (err) {
        this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'lab: learning built nodes’ endpoints failed');
      }
    });
  }

  private write(): void {
    const w = this.world();
    const nodes = [...this.stores.values()].flatMap(({ store }) => store.list('nodes').items.flatMap((n) => nodeState(w.scenario, n)));
    this.sync.apply(endpointMos({ ...w, nodes }));
  }

  stop(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    for (const s of this.stores.values()) s.unsubscribe();
    this.stores.clear();
  }
}

/** A Node of a built cluster as the wire sees it: its host's cabling, its InternalIP, its VLAN. */
function nodeState(s: Scenario, n: KubeObject): NodeState[] {
  const annotations = (n.metadata.annotations ?? {}) as Record<string, string>;
  const labels = (n.metadata.labels ?? {}) as Record<string, string>;
  const host = annotations[HOST_ANNOTATION];
  const status = (n as { status?: { addresses?: Array<{ type: string; address: string }> } }).status;
  const ip = status?.addresses?.find((a) => a.type === 'InternalIP' && !a.address.includes(':'))?.address;
  if (!host || !ip) return [];
  const rack = Number(labels['akb.io/rack']);
  return [
    {
      name: n.metadata.name,
      role: 'node-role.kubernetes.io/control-plane' in labels ? 'master' : 'worker',
      rack: Number.isInteger(rack) && rack > 0 ? rack : 1,
      ip,
      vlan: Number(annotations[VLAN_ANNOTATION] ?? s.l3out.vlan),
      mac: defaultNodeMac(s, n.metadata.name, host),
      podCidr: '',
      host,
      // The machine is up (its kubelet registered the Node): the leaf learns it whether or not a CNI runs yet.
      ready: true,
      schedulable: true,
    },
  ];
}
