/**
 * Lookup structures over an akb-graph/v1 graph that every view step needs: nodes by id, edges by end,
 * and the physical facts the graph only states implicitly (vPC pairs, anchor leaves, a node's leaves).
 * Built once per graph revision; pure.
 */
import type { GraphEdge, GraphEdgeKind, GraphNode, TopologyGraph } from '../topology/graph';

export interface GraphIndex {
  graph: TopologyGraph;
  node: ReadonlyMap<string, GraphNode>;
  /** Edges touching a node id, in graph order. */
  edgesOf: ReadonlyMap<string, readonly GraphEdge[]>;
  edge: ReadonlyMap<string, GraphEdge>;
  /** Leaf id → the other leaf of its vPC pair (the leaf's `vpcPeer`, from the APIC; else `protpaths-A-B` link paths). */
  vpcPeer: ReadonlyMap<string, string>;
  /** Leaves that have at least one BGP session with the cluster (the floating L3Out anchors). */
  anchors: ReadonlySet<string>;
  /** Problems per subject id. */
  problemsOf: ReadonlyMap<string, TopologyGraph['problems']>;
}

const PROTPATHS = /\/protpaths-(\d+)-(\d+)\//;

export function indexGraph(graph: TopologyGraph): GraphIndex {
  const node = new Map(graph.nodes.map((n) => [n.id, n]));
  const edge = new Map(graph.edges.map((e) => [e.id, e]));
  const edgesOf = new Map<string, GraphEdge[]>();
  const push = (id: string, e: GraphEdge) => {
    const list = edgesOf.get(id);
    if (list) list.push(e);
    else edgesOf.set(id, [e]);
  };
  const vpcPeer = new Map<string, string>();
  const anchors = new Set<string>();
  for (const e of graph.edges) {
    push(e.source, e);
    if (e.target !== e.source) push(e.target, e);
    if (e.kind === 'bgp') anchors.add(e.target);
    if (e.kind === 'link' && typeof e.data.path === 'string') {
      const m = PROTPATHS.exec(e.data.path);
      if (m) {
        const [a, b] = [`leaf:${m[1]}`, `leaf:${m[2]}`];
        vpcPeer.set(a, b);
        vpcPeer.set(b, a);
      }
    }
  }
  // What the APIC says the pairs are wins over what the cabling implies.
  for (const n of graph.nodes) {
    const peer = n.data.vpcPeer;
    if (n.kind === 'leaf' && typeof peer === 'string') vpcPeer.set(n.id, peer);
  }
  const problemsOf = new Map<string, TopologyGraph['problems']>();
  for (const p of graph.problems) problemsOf.set(p.subject, [...(problemsOf.get(p.subject) ?? []), p]);
  return { graph, node, edge, edgesOf, vpcPeer, anchors, problemsOf };
}

/** Ids at the other end of `id`'s edges of the given kinds (both directions unless `dir` says). */
export function neighbours(ix: GraphIndex, id: string, kinds?: readonly GraphEdgeKind[], dir: 'out' | 'in' | 'both' = 'both'): string[] {
  const out: string[] = [];
  for (const e of ix.edgesOf.get(id) ?? []) {
    if (kinds && !kinds.includes(e.kind)) continue;
    if (e.source === id && dir !== 'in') out.push(e.target);
    else if (e.target === id && dir !== 'out') out.push(e.source);
  }
  return out;
}

/** The node a pod runs on, or null. */
export function nodeOfPod(ix: GraphIndex, podId: string): string | null {
  return neighbours(ix, podId, ['runs-on'], 'out')[0] ?? null;
}

/** The hypervisor a Kubernetes node runs on, or null (bare metal, or not discovered). */
export function hypervisorOfNode(ix: GraphIndex, nodeId: string): string | null {
  return neighbours(ix, nodeId, ['runs-on'], 'out')[0] ?? null;
}

/** The leaves physically under a Kubernetes node: through its hypervisor, or its own links if bare metal. */
export function leavesOfNode(ix: GraphIndex, nodeId: string): string[] {
  const hv = hypervisorOfNode(ix, nodeId);
  return uniq(neighbours(ix, hv ?? nodeId, ['link'], 'out'));
}

export function uniq<T>(items: Iterable<T>): T[] {
  return [...new Set(items)];
}

/** Every IP a node carries in its data, whatever its kind. */
export function ipsOf(n: GraphNode): string[] {
  const d = n.data;
  const lists = [d.ips, d.clusterIPs, d.externalIPs, d.loadBalancerIPs].flatMap((v) =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [],
  );
  const single = [d.ip, d.tepIp].filter((v): v is string => typeof v === 'string' && v !== '');
  return uniq([...single, ...lists]);
}
