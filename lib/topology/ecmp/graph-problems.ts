import type { Bundle } from '../bundle-types';
import type { TopologyGraph } from '../graph';
import { compareProblems } from '../correlate/builder';
import { analyseEcmp } from './analyse';
import { findingsAsProblems } from './findings';

/**
 * The graph with the ECMP findings added to its problems, so the problems page, the graph overlay and
 * live patches carry them like any other problem. Pure; compose it after `correlate` where the graph is
 * computed, e.g. `graph: { correlate: (b) => withEcmpProblems(correlate(b), b), ... }`.
 */
export function withEcmpProblems(graph: TopologyGraph, bundle: Bundle): TopologyGraph {
  const extra = findingsAsProblems(analyseEcmp(bundle, graph).findings);
  if (extra.length === 0) return graph;
  return { ...graph, problems: [...graph.problems, ...extra].sort(compareProblems) };
}
