import type { WireMo } from '../../aci/mo';
import type { Logger } from '../../logging';
import type { ApicTree, TreeChange } from '../apic';
import { classSpec } from '../apic/classes';
import type { KubeStore } from '../k8s';
import type { SessionTruth } from '../model/bgp';
import type { RouteTruth } from '../model/routes';
import type { ServiceState } from '../model/services';
import { ApicSync, type ApicSyncStats } from '../sync';
import { readClusterConfig } from './cluster-config';
import { ClusterIndex } from './cluster-index';
import { deriveTwin, routeScopes } from './derive';
import { readFabricConfig } from './fabric-config';
import { leafBgpMos, routeMos, type LeafNaming } from './operational';
import type { DecidedSession, WireFacts } from './sessions';

/** One cluster whose nodes speak BGP to the fabric: its Kubernetes API store and what the lab knows of its wire. */
export interface TwinCluster {
  name: string;
  store: KubeStore;
  wire: WireFacts;
  /** Its services with their addresses and endpoints (what the nodes' speakers may advertise). */
  services(): readonly ServiceState[];
}

export type SessionsListener = (previous: readonly SessionTruth[], next: readonly SessionTruth[]) => void;

/** Classes whose change can move a session or a route: configuration, and the switches themselves. */
function relevant(change: TreeChange): boolean {
  return change.mo.className === 'fabricNode' || classSpec(change.mo.className)?.attrs !== undefined;
}

function truthOf(s: DecidedSession): SessionTruth {
  return { node: s.node, nodeIp: s.nodeIp, peerIp: s.peerIp, leaf: s.leaf, state: s.state, reason: s.reason, detail: s.detail };
}

/**
 * The twin: BGP sessions and routes that follow from the configuration on both sides, as on a real fabric. It reads
 * the lab APIC's MIT (the L3Outs, the fabric AS, the VRFs' ECMP policy) and each cluster's Kubernetes objects (its
 * CNI's BGP configuration, its nodes), decides every session the way the two speakers would (sessions.ts), installs
 * the routes the established ones carry, and writes what a leaf would show — bgpPeer/bgpPeerEntry and
 * uribv4Route/uribv4Nexthop — back into the MIT. It recomputes on the next tick after any relevant change on either
 * server (kubectl apply, an APIC POST), or at once when the lab's world changes (`recompute()`).
 *
 * Clusters can be added at any time (a cluster whose API server starts later). The core is pure (the readers and
 * decideSessions/installRoutes); this class is the glue that listens and writes.
 */
export class LabTwin {
  private readonly clusters = new Map<string, { cluster: TwinCluster; index: ClusterIndex }>();
  private readonly operational: ApicSync;
  private readonly listeners = new Set<SessionsListener>();
  private readonly unlistenTree: () => void;
  private scheduled: NodeJS.Immediate | undefined;
  private writing = false;
  private decided: DecidedSession[] = [];
  private installed: RouteTruth[] = [];
  /** `vrf|prefix` → the signature of its routes as last written. */
  private routeSignatures = new Map<string, string>();

  constructor(
    private readonly tree: ApicTree,
    private readonly naming: LeafNaming,
    private readonly logger: Logger,
  ) {
    this.operational = new ApicSync(tree);
    this.unlistenTree = tree.onChange((changes) => {
      if (!this.writing && changes.some(relevant)) this.invalidate();
    });
  }

  /** Starts following a cluster; returns how to stop. */
  addCluster(cluster: TwinCluster): () => void {
    if (this.clusters.has(cluster.name)) throw new Error(`twin: cluster ${cluster.name} is already followed`);
    const index = new ClusterIndex(cluster.store, () => this.invalidate());
    this.clusters.set(cluster.name, { cluster, index });
    this.invalidate();
    return () => {
      index.close();
      this.clusters.delete(cluster.name);
      this.invalidate();
    };
  }

  follows(name: string): boolean {
    return this.clusters.has(name);
  }

  onSessions(listener: SessionsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  sessions(): SessionTruth[] {
    return this.decided.map(truthOf);
  }

  routes(): RouteTruth[] {
    return this.installed;
  }

  /** A recompute on the next tick: many changes in one burst (a kubectl apply of a whole file) cost one. */
  invalidate(): void {
    this.scheduled ??= setImmediate(() => {
      this.scheduled = undefined;
      try {
        this.recompute();
      } catch (err) {
        this.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'lab twin recompute failed');
      }
    });
  }

  /** Decides every session and route now and writes what the leaves show; returns what it wrote. */
  recompute(): ApicSyncStats {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    const fabric = readFabricConfig(this.tree);
    const clusters = [...this.clusters.values()].map(({ cluster, index }) => ({
      config: readClusterConfig(index.objects()),
      wire: cluster.wire,
      services: cluster.services(),
    }));
    const derived = deriveTwin(fabric, clusters);
    // What the leaves show, rewritten where it changed: the BGP objects (few) every time, the routes by prefix.
    const scopes = new Map<string, WireMo[]>([
      ['bgp', fabric.leaves.flatMap((l) => leafBgpMos(l.id, fabric.svis, derived.sessions, this.naming, fabric.fabricAs))],
    ]);
    const routes = routeScopes(derived);
    for (const [key, scope] of routes)
      if (this.routeSignatures.get(key) !== scope.signature)
        scopes.set(
          `route|${key}`,
          routeMos(scope.routes, scope.vrf, this.naming, fabric.fabricAs, () => scope.tag),
        );
    for (const key of this.routeSignatures.keys()) if (!routes.has(key)) scopes.set(`route|${key}`, []);
    this.routeSignatures = new Map([...routes].map(([key, scope]) => [key, scope.signature]));
    this.writing = true;
    let written: ApicSyncStats;
    try {
      written = this.operational.applyScoped(scopes);
    } finally {
      this.writing = false;
    }
    const previous = this.sessions();
    this.decided = derived.sessions;
    this.installed = derived.routesByVrf.flatMap((v) => v.routes);
    const next = this.sessions();
    for (const listener of this.listeners) listener(previous, next);
    return written;
  }

  stop(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.unlistenTree();
    for (const { index } of this.clusters.values()) index.close();
    this.clusters.clear();
  }
}
