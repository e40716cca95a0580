/**
 * Phase 1, correlation against its floor: the inputs must at least be read once, so the time to JSON.parse the
 * bundle is the floor; the full correlation (validation of the parsed input, then `buildGraph`: correlation and the ECMP analysis, as the service runs it) is measured from
 * that parsed input. Runs are interleaved so machine noise hits both sides alike; medians are reported.
 */
import type { Bundle } from '../lib/topology/bundle-types';
import { validateBundle } from '../lib/topology/bundle';
import { buildGraph } from '../lib/topology/build-graph';
import { median, peakRssMb, round, timeSync } from './stats';

export interface CorrelationResult {
  bundleBytes: number;
  graphNodes: number;
  graphEdges: number;
  runs: number;
  parseMs: number | null;
  validateMs: number | null;
  correlateMs: number | null;
  /** validate + correlate */
  totalMs: number | null;
  /** totalMs / parseMs: how many times the floor the correlation costs. */
  ratioToParse: number | null;
  peakRssMb: number;
}

export function measureCorrelation(bundle: Bundle, runs: number): CorrelationResult {
  const text = JSON.stringify(bundle);
  const parse: number[] = [];
  const validate: number[] = [];
  const corr: number[] = [];
  let nodes = 0;
  let edges = 0;
  for (let i = 0; i < runs; i++) {
    const parsed = timeSync(() => JSON.parse(text) as unknown);
    const valid = timeSync(() => validateBundle(parsed.value));
    const graph = timeSync(() => buildGraph(valid.value));
    parse.push(parsed.ms);
    validate.push(valid.ms);
    corr.push(graph.ms);
    nodes = graph.value.nodes.length;
    edges = graph.value.edges.length;
  }
  const parseMs = median(parse);
  const validateMs = median(validate);
  const correlateMs = median(corr);
  const totalMs = validateMs !== null && correlateMs !== null ? validateMs + correlateMs : null;
  return {
    bundleBytes: Buffer.byteLength(text),
    graphNodes: nodes,
    graphEdges: edges,
    runs,
    parseMs: round(parseMs),
    validateMs: round(validateMs),
    correlateMs: round(correlateMs),
    totalMs: round(totalMs),
    ratioToParse: totalMs !== null && parseMs ? round(totalMs / parseMs) : null,
    peakRssMb: peakRssMb(),
  };
}
