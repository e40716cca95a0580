import type { Bundle } from './bundle-types';
import { correlate } from './correlate';
import { withEcmpProblems } from './ecmp';
import type { TopologyGraph } from './graph';

/**
 * The whole graph of a bundle: correlation plus the analyses whose findings become problems (ECMP).
 * The one function behind `akb graph`, the live service and every "fresh graph" comparison, so the live
 * picture and a capture can never disagree by construction.
 */
export function buildGraph(bundle: Bundle): TopologyGraph {
  return withEcmpProblems(correlate(bundle), bundle);
}
