/** What the canvas draws: graph elements, pod badges and tier groups, with the edges between them. */
import type { GraphEdgeKind, GraphNodeKind, Severity } from '../topology/graph';

export type ViewNodeKind = GraphNodeKind | 'pod-badge' | 'group';

/** Tiers top to bottom. Pods hang under their node inside the node's column (see layout.ts). */
export const TIER: Record<GraphNodeKind, number> = { spine: 0, leaf: 1, hypervisor: 2, 'k8s-node': 3, pod: 4, service: 5 };

export interface PodCounts {
  total: number;
  byNamespace: Record<string, number>;
  byStatus: Record<string, number>;
}

export interface ViewNode {
  /** The graph id for a single element; `pods:<node view id>` for a badge; `group:<kind>:<rack>` for a group. */
  id: string;
  kind: ViewNodeKind;
  /** The graph kind this stands for (itself, `pod` for badges, the grouped kind for groups). */
  memberKind: GraphNodeKind;
  tier: number;
  label: string;
  sublabel: string;
  /** Graph node ids this view node stands for. */
  members: string[];
  /** The view node it hangs under, for layout order: pod → node, node → hypervisor or leaf, hypervisor → leaf. */
  parent: string | null;
  /** Worst problem severity among the members, or null. */
  severity: Severity | null;
  /** Leaf with BGP sessions to the cluster. */
  anchor: boolean;
  /** The other leaf of a vPC pair. */
  vpcPeer: string | null;
  /** Pod counts, for badges and groups of nodes. */
  pods: PodCounts | null;
}

export interface ViewEdge {
  /** The graph edge id when it stands for one edge; else `<kind>:<source>-><target>`. */
  id: string;
  kind: GraphEdgeKind;
  source: string;
  target: string;
  label: string;
  /** BGP: `established` when every member is, else the first other state; secondary: the type. */
  state: string | null;
  members: string[];
  severity: Severity | null;
}

export interface ViewModel {
  nodes: ViewNode[];
  edges: ViewEdge[];
  /** Whether pods were collapsed into badges, and which tiers were grouped (the canvas says so). */
  collapsedPods: boolean;
  groupedTiers: GraphNodeKind[];
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export function worse(a: Severity | null, b: Severity | null): Severity | null {
  if (!a) return b;
  if (!b) return a;
  return RANK[a] >= RANK[b] ? a : b;
}
