/** The problems list: every problem, most severe first, each with the view that shows its subject. */
import type { Problem, TopologyGraph } from '../topology/graph';
import { focusOf, viewToParams, DEFAULT_VIEW } from './view-state';

const ORDER: Record<Problem['severity'], number> = { error: 0, warning: 1, info: 2 };

export interface ProblemRow extends Problem {
  /** Home-page query that selects the subject (and focuses it when it is a leaf, node, pod or service). */
  href: string;
}

/** The node id an edge subject hangs on (`bgp:node:a->leaf:1#ip` → `node:a`), else the subject itself. */
export function subjectNode(graph: TopologyGraph, subject: string): string | null {
  if (graph.nodes.some((n) => n.id === subject)) return subject;
  const edge = graph.edges.find((e) => e.id === subject);
  return edge ? edge.source : null;
}

export function problemRows(graph: TopologyGraph): ProblemRow[] {
  return [...graph.problems]
    .sort(
      (a, b) =>
        ORDER[a.severity] - ORDER[b.severity] ||
        a.code.localeCompare(b.code) ||
        a.subject.localeCompare(b.subject, 'en', { numeric: true }),
    )
    .map((p) => {
      const node = subjectNode(graph, p.subject);
      const params = node ? viewToParams({ ...DEFAULT_VIEW, focus: focusOf(node), selected: node }) : new URLSearchParams();
      const q = params.toString();
      return { ...p, href: q ? `/?${q}` : '/' };
    });
}
