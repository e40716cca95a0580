/**
 * The storm's events and, for each, a predicate that is true once a graph shows the change. Every event touches
 * a target with no change still in flight, so an earlier event's predicate can never be overtaken by a later one,
 * and the client's graph is exact for every target not in flight: events are planned from it (and the static
 * scenario), as the lab runs in another process.
 */
import type { Scenario } from '../lib/lab';
import type { TopologyGraph } from '../lib/topology/graph';

export type StormKind = 'scale-deployment' | 'kill-pod' | 'set-traffic-policy' | 'session-down' | 'session-up';

/** What a predicate may look at: built once per client revision. */
export interface GraphIndex {
  nodeData(id: string): Record<string, unknown> | undefined;
  edgeData(id: string): Record<string, unknown> | undefined;
  /** Ids of the pods of a Deployment (`pod:<namespace>/<workload>-<hash>-<suffix>`). */
  podIds(namespace: string, workload: string): readonly string[];
}

export interface PlannedEvent {
  kind: StormKind;
  /** The lab event, as `lab.event` takes it. */
  input: Record<string, unknown>;
  /** Keys of the targets it touches; none may be in flight when it is sent. */
  targets: string[];
  isVisible(index: GraphIndex): boolean;
}

export function indexGraph(g: TopologyGraph): GraphIndex {
  const nodes = new Map(g.nodes.map((n) => [n.id, n]));
  const edges = new Map(g.edges.map((e) => [e.id, e]));
  let byWorkload: Map<string, string[]> | null = null;
  return {
    nodeData: (id) => nodes.get(id)?.data,
    edgeData: (id) => edges.get(id)?.data,
    podIds(namespace, workload) {
      if (!byWorkload) {
        // One pass per revision: a Deployment's pod is `<workload>-<replicaset hash>-<suffix>`.
        byWorkload = new Map();
        for (const n of g.nodes) {
          if (n.kind !== 'pod') continue;
          const cut = n.id.lastIndexOf('-', n.id.lastIndexOf('-') - 1);
          if (cut < 0) continue;
          const key = n.id.slice(0, cut);
          const list = byWorkload.get(key);
          if (list) list.push(n.id);
          else byWorkload.set(key, [n.id]);
        }
      }
      return byWorkload.get(`pod:${namespace}/${workload}`) ?? [];
    },
  };
}

/** Deterministic 32-bit PRNG (mulberry32): the same storm on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The mix: 30% scale, 30% pod kills, 20% service policy, 20% BGP sessions. */
const MIX: readonly ('scale-deployment' | 'kill-pod' | 'set-traffic-policy' | 'session')[] = [
  'scale-deployment',
  'kill-pod',
  'set-traffic-policy',
  'session',
  'scale-deployment',
  'kill-pod',
  'set-traffic-policy',
  'kill-pod',
  'scale-deployment',
  'session',
];

export interface SessionRef {
  edgeId: string;
  node: string;
  leaf: number;
}

/** The BGP sessions of a graph, as lab events address them (node name, leaf id). */
export function sessionsOf(g: TopologyGraph): SessionRef[] {
  const out: SessionRef[] = [];
  for (const e of g.edges) {
    if (e.kind !== 'bgp' || e.data.state !== 'established') continue;
    const leaf = Number(e.target.replace(/^leaf:/, ''));
    if (!e.source.startsWith('node:') || !Number.isInteger(leaf)) continue;
    out.push({ edgeId: e.id, node: e.source.slice('node:'.length), leaf });
  }
  return out;
}

export class StormPlanner {
  private readonly random: () => number;
  private step = 0;
  private sessionCursor = 0;
  private readonly downSessions = new Set<string>();

  private readonly deployments: Scenario['cluster']['workloads'];
  /** The policy exists only on services that reach nodes from outside (NodePort, LoadBalancer). */
  private readonly policyServices: Scenario['cluster']['services'];

  constructor(
    seed: number,
    scenario: Scenario,
    private readonly sessions: readonly SessionRef[],
  ) {
    this.random = prng(seed);
    this.deployments = scenario.cluster.workloads.filter((w) => w.kind === 'Deployment');
    this.policyServices = scenario.cluster.services.filter((x) => x.type === 'NodePort' || x.type === 'LoadBalancer');
  }

  /** The next event whose targets are all free, or null if none could be found (everything in flight). */
  next(index: GraphIndex, inFlight: ReadonlySet<string>): PlannedEvent | null {
    for (let attempt = 0; attempt < 20; attempt++) {
      const kind = MIX[this.step++ % MIX.length]!;
      const ev = this.plan(kind, index, inFlight);
      if (ev && ev.targets.every((t) => !inFlight.has(t))) {
        if (ev.kind === 'session-down') this.downSessions.add(ev.targets[0]!);
        if (ev.kind === 'session-up') {
          this.downSessions.delete(ev.targets[0]!);
          // Only once its up is sent does the cursor move on: an up still waiting for its down keeps its turn.
          this.sessionCursor++;
        }
        return ev;
      }
    }
    return null;
  }

  private pick<T>(items: readonly T[]): T | undefined {
    return items[Math.floor(this.random() * items.length)];
  }

  private plan(kind: (typeof MIX)[number], index: GraphIndex, inFlight: ReadonlySet<string>): PlannedEvent | null {
    switch (kind) {
      case 'scale-deployment':
      case 'kill-pod': {
        const d = this.pick(this.deployments);
        if (!d) return null;
        const target = `workload:${d.namespace}/${d.name}`;
        if (inFlight.has(target)) return null;
        const pods = index.podIds(d.namespace, d.name);
        if (kind === 'kill-pod') {
          const pod = this.pick(pods);
          if (!pod) return null;
          const count = pods.length;
          // Visible once the pod is gone and its replacement is there.
          return {
            kind,
            input: { kind, namespace: d.namespace, name: pod.slice(pod.indexOf('/') + 1) },
            targets: [target],
            isVisible: (ix) => ix.nodeData(pod) === undefined && ix.podIds(d.namespace, d.name).length === count,
          };
        }
        // Up or down by one, never to zero (a deployment at zero would make later kills impossible).
        const replicas = pods.length <= 1 || this.random() < 0.5 ? pods.length + 1 : pods.length - 1;
        return {
          kind,
          input: { kind, namespace: d.namespace, name: d.name, replicas },
          targets: [target],
          isVisible: (ix) => ix.podIds(d.namespace, d.name).length === replicas,
        };
      }
      case 'set-traffic-policy': {
        const svc = this.pick(this.policyServices);
        if (!svc) return null;
        const id = `service:${svc.namespace}/${svc.name}`;
        const policy = index.nodeData(id)?.externalTrafficPolicy === 'Local' ? 'Cluster' : 'Local';
        return {
          kind,
          input: { kind, namespace: svc.namespace, name: svc.name, policy },
          targets: [id],
          isVisible: (ix) => ix.nodeData(id)?.externalTrafficPolicy === policy,
        };
      }
      case 'session': {
        // Each session goes down, then comes back up before the next one is touched: the fabric stays mostly healthy.
        const s = this.sessions[this.sessionCursor % Math.max(1, this.sessions.length)];
        if (!s) return null;
        const down = !this.downSessions.has(s.edgeId);
        const k: StormKind = down ? 'session-down' : 'session-up';
        return {
          kind: k,
          input: { kind: k, leaf: s.leaf, node: s.node },
          targets: [s.edgeId],
          // A session that is down may also vanish from the leaf's table: either way it is no longer established.
          isVisible: (ix) => (down ? ix.edgeData(s.edgeId)?.state !== 'established' : ix.edgeData(s.edgeId)?.state === 'established'),
        };
      }
    }
  }
}
