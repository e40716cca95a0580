/**
 * Filters: which graph nodes and edges stay visible. Filters narrow workloads (pods, services, nodes by
 * label); the fabric (spines, leaves, hypervisors) is context and stays unless its kind is filtered out.
 */
import type { GraphEdge, GraphNode } from '../topology/graph';
import { DEFAULT_KINDS, type ViewFilters } from './view-state';

function labelsOf(n: GraphNode): Record<string, unknown> {
  const l = n.data.labels;
  return typeof l === 'object' && l !== null ? (l as Record<string, unknown>) : {};
}

/** `key` matches any value; `key=value` matches exactly. */
export function matchesLabels(n: GraphNode, selectors: readonly string[]): boolean {
  const labels = labelsOf(n);
  return selectors.every((sel) => {
    const eq = sel.indexOf('=');
    if (eq < 0) return sel in labels;
    return labels[sel.slice(0, eq)] === sel.slice(eq + 1);
  });
}

export function nodeVisible(n: GraphNode, f: ViewFilters): boolean {
  const kinds = f.kinds.length > 0 ? f.kinds : DEFAULT_KINDS;
  if (!kinds.includes(n.kind)) return false;
  const workload = n.kind === 'pod' || n.kind === 'service';
  if (workload && f.namespaces.length > 0 && !f.namespaces.includes(String(n.data.namespace ?? ''))) return false;
  if ((workload || n.kind === 'k8s-node') && f.labels.length > 0 && !matchesLabels(n, f.labels)) return false;
  return true;
}

export function edgeVisible(e: GraphEdge, f: ViewFilters): boolean {
  if (e.kind === 'bgp' && f.bgpStates.length > 0) return f.bgpStates.includes(String(e.data.state ?? ''));
  if ((e.kind === 'secondary-link' || e.kind === 'secondary-attachment') && f.secondary.length > 0)
    return f.secondary.includes(String(e.data.type ?? ''));
  return true;
}

/** Values present in the graph for each filter, to offer as choices. */
export function filterChoices(
  nodes: readonly GraphNode[],
  edges: readonly GraphEdge[],
): { namespaces: string[]; bgpStates: string[]; secondary: string[] } {
  const ns = new Set<string>();
  for (const n of nodes) if ((n.kind === 'pod' || n.kind === 'service') && typeof n.data.namespace === 'string') ns.add(n.data.namespace);
  const bgp = new Set<string>();
  const sec = new Set<string>();
  for (const e of edges) {
    if (e.kind === 'bgp') bgp.add(String(e.data.state ?? ''));
    if (e.kind === 'secondary-link' || e.kind === 'secondary-attachment') sec.add(String(e.data.type ?? ''));
  }
  return { namespaces: [...ns].sort(), bgpStates: [...bgp].sort(), secondary: [...sec].sort() };
}
