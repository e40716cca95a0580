/**
 * `akb-graph/v1`: the topology graph format (shared/docs/CONTRACTS.md §2). A public interface:
 * fields may be added, never renamed or removed without a new format version.
 */
export const GRAPH_FORMAT = 'akb-graph/v1' as const;

export type AsnSource = 'calico' | 'kube-router' | 'cilium' | null;

export type GraphNodeKind = 'spine' | 'leaf' | 'hypervisor' | 'k8s-node' | 'pod' | 'service';
export type GraphEdgeKind = 'link' | 'runs-on' | 'bgp' | 'secondary-link' | 'secondary-attachment' | 'selects';
export type Severity = 'error' | 'warning' | 'info';

export interface GraphNode {
  /** Stable across revisions and captures, e.g. `leaf:204`, `node:worker-1`, `pod:default/web-1`. */
  id: string;
  kind: GraphNodeKind;
  name: string;
  data: Record<string, unknown>;
}

export interface GraphEdge {
  /** Deterministic from content (kind, ends, ports): the same fact keeps the same id. */
  id: string;
  kind: GraphEdgeKind;
  source: string;
  target: string;
  data: Record<string, unknown>;
}

export interface RouteNextHop {
  ip: string;
  /** `node:<name>` when the next hop is a Kubernetes node, else null. */
  node: string | null;
  tag: string;
  /** `leaf:<id>`/`spine:<id>` when the next hop is a fabric TEP (a route learned through the fabric); absent otherwise. */
  fabricNode?: string;
}

/** One entry per (leaf, prefix) in the cluster's VRF. */
export interface Route {
  leaf: string;
  prefix: string;
  nextHops: RouteNextHop[];
  /** Every next hop's tag equals the cluster ASN. */
  kubernetes: boolean;
  /** Service ids whose advertised IPs this prefix carries. */
  services: string[];
}

export interface Problem {
  severity: Severity;
  /** Stable kebab-case identifier, e.g. `bgp-session-not-established`. */
  code: string;
  /** A node or edge id, or `cluster` for cluster-wide problems (e.g. `asn-not-detected`). */
  subject: string;
  message: string;
}

export interface TopologyGraph {
  format: typeof GRAPH_FORMAT;
  revision: number;
  generatedAt: string;
  cluster: { asn: number | null; asnSource: AsnSource };
  fabric: { tenant: string; vrf: string; l3out?: string };
  nodes: GraphNode[];
  edges: GraphEdge[];
  routes: Route[];
  problems: Problem[];
}
