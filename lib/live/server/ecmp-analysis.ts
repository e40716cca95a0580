/**
 * The ECMP analysis of the live inputs, away from the correlation's hot path. The analysis (expected against
 * installed paths for every service prefix, lib/topology/ecmp) and the churn history read the whole bundle and
 * graph, so they cannot be incremental per object; they run on their own cadence over their own copy of the inputs,
 * fed with the same changes as the incremental graph, and what they find (the ECMP problems, the history's delta)
 * is merged into the live graph by the service. In a worker thread (ecmp-worker.ts) it never holds the service's
 * event loop; `InThreadAnalysis` is the same work in the service's thread, for where a worker cannot start.
 */
import type { WireMo } from '../../aci/mo';
import type { KubeObject } from '../../k8s/models/object';
import { BUNDLE_FORMAT, type Bundle } from '../../topology/bundle-types';
import { compareProblems } from '../../topology/correlate/builder';
import { analyseEcmp, findingsAsProblems } from '../../topology/ecmp';
import type { Problem } from '../../topology/graph';
import { IncrementalGraph, type InputChange } from '../../topology/incremental';
import { EcmpHistory, type HistoryDelta } from './ecmp-history';

/** What one analysis found: the ECMP problems of the graph as it stood, and what changed in the churn history. */
export interface AnalysisResult {
  /** How many input batches the analysis had seen: results of older inputs than the service's are superseded. */
  seen: number;
  problems: Problem[];
  history: HistoryDelta;
  /** Time the analysis took (ms), for the cadence and the metrics. */
  ms: number;
}

/** The inputs as a bundle and an incremental graph of them: everything `buildGraph` reads, kept by change. */
export class AnalysisState {
  private readonly k8s = new Map<string, Map<string, KubeObject>>();
  private readonly apic = new Map<string, Map<string, WireMo>>();
  private readonly graph: IncrementalGraph;
  private readonly history = new EcmpHistory();
  private seen = 0;

  constructor(private readonly fabric: Bundle['fabric']) {
    this.graph = new IncrementalGraph(fabric);
  }

  apply(changes: readonly InputChange[]): void {
    this.seen++;
    for (const c of changes) {
      this.graph.apply(c);
      if (c.source === 'apic') put(this.apic, c.cls, c.dn, c.mo);
      else put(this.k8s, c.resource, c.key, c.object);
    }
  }

  analyse(at: Date = new Date()): AnalysisResult {
    const started = performance.now();
    this.graph.settle();
    this.graph.takeChanges();
    const correlated = this.graph.graph(0, at.toISOString());
    const bundle = this.bundle(at);
    const problems = findingsAsProblems(analyseEcmp(bundle, correlated).findings);
    const graph = problems.length ? { ...correlated, problems: [...correlated.problems, ...problems].sort(compareProblems) } : correlated;
    const history = this.history.observe(graph, bundle, at);
    return { seen: this.seen, problems, history, ms: performance.now() - started };
  }

  private bundle(at: Date): Bundle {
    const k8s: Bundle['k8s'] = {};
    for (const [key, objects] of this.k8s) k8s[key] = [...objects.values()];
    const apic: Bundle['apic'] = {};
    for (const [cls, mos] of this.apic) apic[cls] = [...mos.values()];
    return { format: BUNDLE_FORMAT, capturedAt: at.toISOString(), fabric: this.fabric, apic, k8s };
  }
}

function put<T>(maps: Map<string, Map<string, T>>, group: string, key: string, value: T | null): void {
  let m = maps.get(group);
  if (!m) maps.set(group, (m = new Map()));
  if (value === null) m.delete(key);
  else m.set(key, value);
}

/** Where the service sends its inputs for analysis and hears the results. */
export interface EcmpAnalyser {
  /** Every input change, in the order the incremental graph got them. */
  feed(changes: readonly InputChange[]): void;
  /** Analyse the inputs fed so far, once the analysis in progress (if any) is done: requests meanwhile coalesce. */
  request(): void;
  onResult(listener: (result: AnalysisResult) => void): void;
  stop(): Promise<void>;
}

/** The analysis in the service's own thread, at most half the time (the pause after each run is as long as the run). */
export class InThreadAnalysis implements EcmpAnalyser {
  private readonly state: AnalysisState;
  private listener: ((r: AnalysisResult) => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastMs = 0;

  constructor(fabric: Bundle['fabric']) {
    this.state = new AnalysisState(fabric);
  }

  feed(changes: readonly InputChange[]): void {
    this.state.apply(changes);
  }

  request(): void {
    this.timer ??= setTimeout(() => {
      this.timer = null;
      const result = this.state.analyse();
      this.lastMs = result.ms;
      this.listener?.(result);
    }, this.lastMs);
  }

  onResult(listener: (result: AnalysisResult) => void): void {
    this.listener = listener;
  }

  stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return Promise.resolve();
  }
}
