/**
 * The live topology service on the incremental graph: every object a source changes goes straight into the
 * incremental correlation (lib/topology/incremental), whose cost is proportional to what the change touches; after
 * a short coalescing window the dirty units are redone in slices of a few milliseconds (so websocket pings, watches
 * and APIC pushes keep flowing while a large initial load settles) and what changed is published as the patch.
 *
 * The ECMP findings, which read the whole picture, come from the analysis (ecmp-analysis.ts, in a worker thread)
 * and are merged in as their own patch when it reports. `buildGraph(bundle)` of the same inputs stays the reference:
 * once the inputs are still and the analysis has reported, the published graph equals it (tests/integration).
 */
import type { Logger } from '../../logging';
import { silentLogger } from '../../logging';
import { BUNDLE_FORMAT, type Bundle } from '../../topology/bundle-types';
import { compareProblems } from '../../topology/correlate/builder';
import type { Problem, TopologyGraph } from '../../topology/graph';
import { IncrementalGraph, type InputChange } from '../../topology/incremental';
import { patchOf } from '../../topology/incremental/patch';
import { isEmptyPatch, type GraphPatch } from '../../topology/patch';
import type { SourceStatus } from '../../shared/source-status';
import type { AnalysisResult, EcmpAnalyser } from './ecmp-analysis';
import type { LiveSource } from './service';

export interface IncrementalPublishTarget {
  /** A new revision: `graph()` materialises it (only when someone needs the whole graph: a new websocket client). */
  publish(revision: number, graph: () => TopologyGraph, patch: GraphPatch | null): void;
  setSources(sources: Record<string, SourceStatus>): void;
  /** What the ECMP analysis found in the churn history. */
  analysed?(result: AnalysisResult): void;
}

export interface IncrementalServiceOptions {
  sources: LiveSource[];
  fabric: Bundle['fabric'];
  target: IncrementalPublishTarget;
  analyser: EcmpAnalyser;
  coalesceMs?: number;
  /** The longest stretch of correlation work between two turns of the event loop (ms). */
  sliceMs?: number;
  logger?: Logger;
  onPublish?: (info: { revision: number; latencyMs: number; patch: GraphPatch | null }) => void;
  /** Each settle's work: how long the units took in all, and the longest slice (the bench's per-update cost). */
  onSettled?: (info: { workMs: number; longestSliceMs: number }) => void;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Input changes applied (and sent to the analysis) at a time: small enough for a slice, large enough to batch. */
const FEED_CHUNK = 2_000;

export class IncrementalLiveService {
  private readonly engine: IncrementalGraph;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly logger: Logger;
  private revision = 0;
  private generatedAt = new Date().toISOString();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private pending = false;
  private firstChangeAt: number | null = null;
  private currentFromSyncedSources = false;
  /** The analysis's ECMP problems as published, by `code\0subject`. */
  private ecmp = new Map<string, Problem>();
  private inputBatches = 0;
  private cached: TopologyGraph | null = null;
  private stopped = false;
  private readonly queue: (readonly InputChange[])[] = [];
  private offset = 0;

  constructor(private readonly opts: IncrementalServiceOptions) {
    this.logger = opts.logger ?? silentLogger;
    this.engine = new IncrementalGraph(opts.fabric);
    opts.analyser.onResult((r) => this.analysed(r));
  }

  async start(): Promise<void> {
    for (const source of this.opts.sources) {
      this.unsubscribe.push(source.onInputs((changes) => this.input(changes)));
      this.unsubscribe.push(source.onChange(() => this.schedule()));
    }
    await Promise.all(this.opts.sources.map((s) => s.start()));
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const off of this.unsubscribe.splice(0)) off();
    await Promise.all(this.opts.sources.map((s) => s.stop()));
    await this.opts.analyser.stop();
  }

  /** The last published graph (null before the first), materialised once per revision. */
  graph(): TopologyGraph | null {
    if (this.revision === 0) return null;
    if (this.cached?.revision !== this.revision) this.cached = this.materialise();
    return this.cached;
  }

  sourceStatuses(): Record<string, SourceStatus> {
    return Object.fromEntries(this.opts.sources.map((s) => [s.name, s.status()]));
  }

  async resyncSources(): Promise<void> {
    await Promise.all(this.opts.sources.map((s) => s.resync()));
  }

  ready(): boolean {
    return this.revision > 0 && this.currentFromSyncedSources && this.allSynced();
  }

  bundle(now: Date = new Date()): Bundle {
    const bundle: Bundle = { format: BUNDLE_FORMAT, capturedAt: now.toISOString(), fabric: this.opts.fabric, apic: {}, k8s: {} };
    for (const source of this.opts.sources) source.fill(bundle);
    return bundle;
  }

  private allSynced(): boolean {
    return this.opts.sources.every((s) => s.status().state === 'synced');
  }

  /**
   * Changes are queued as they arrive and applied in the run's slices: a resync or a first listing brings a whole
   * class at once (195,000 next hops at 2,000 nodes), which applied in one go would hold the loop for seconds.
   */
  private input(changes: readonly InputChange[]): void {
    if (changes.length === 0) return;
    this.queue.push(changes);
    this.schedule();
  }

  /** Applies queued changes until the deadline; true when none are left. */
  private drain(deadline: number): boolean {
    while (this.queue.length > 0) {
      const batch = this.queue[0]!;
      const end = Math.min(batch.length, this.offset + FEED_CHUNK);
      for (let i = this.offset; i < end; i++) this.engine.apply(batch[i]!);
      this.opts.analyser.feed(this.offset === 0 && end === batch.length ? batch : batch.slice(this.offset, end));
      this.inputBatches++;
      if (end === batch.length) {
        this.queue.shift();
        this.offset = 0;
      } else this.offset = end;
      if (performance.now() > deadline) return this.queue.length === 0;
    }
    return true;
  }

  private schedule(wait = this.opts.coalesceMs ?? 100): void {
    this.firstChangeAt ??= Date.now();
    if (this.running) {
      this.pending = true;
      return;
    }
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, wait);
  }

  /** Settles in slices, then publishes what changed; changes arriving meanwhile are taken by the same run or the next. */
  private async run(): Promise<void> {
    this.running = true;
    try {
      const slice = this.opts.sliceMs ?? 10;
      let workMs = 0;
      let longest = 0;
      for (;;) {
        const t0 = performance.now();
        const done = this.drain(t0 + slice) && this.engine.settle(t0 + slice);
        const ms = performance.now() - t0;
        workMs += ms;
        longest = Math.max(longest, ms);
        if (done || this.stopped) break;
        await yieldToLoop();
      }
      if (workMs > 0) this.opts.onSettled?.({ workMs, longestSliceMs: longest });
      if (!this.stopped) this.publishCorrelation();
    } catch (err) {
      this.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'incremental correlation failed');
    } finally {
      this.running = false;
      if (this.pending) {
        this.pending = false;
        this.schedule();
      }
    }
  }

  private publishCorrelation(): void {
    const startedAt = this.firstChangeAt ?? Date.now();
    this.firstChangeAt = null;
    this.opts.target.setSources(this.sourceStatuses());
    // No first graph while a source is still on its initial listing (it would be partial, replaced moments later);
    // its objects are correlated as they arrive, so the first graph follows the last listing closely.
    if (this.revision === 0 && this.opts.sources.some((s) => s.status().state === 'starting')) return;
    const fromSynced = this.allSynced();
    const changes = this.engine.takeChanges();
    if (this.revision === 0) {
      this.commit(null, fromSynced, startedAt);
      return;
    }
    const patch = patchOf(changes, this.revision, this.revision + 1, new Date().toISOString());
    if (isEmptyPatch(patch)) {
      this.currentFromSyncedSources ||= fromSynced;
      return;
    }
    this.commit(patch, fromSynced, startedAt);
  }

  private commit(patch: GraphPatch | null, fromSynced: boolean, startedAt: number): void {
    this.revision++;
    this.generatedAt = patch?.generatedAt ?? new Date().toISOString();
    this.currentFromSyncedSources = fromSynced;
    this.opts.target.publish(this.revision, () => this.graph()!, patch);
    this.opts.onPublish?.({ revision: this.revision, latencyMs: Date.now() - startedAt, patch });
    this.opts.analyser.request();
  }

  /** The analysis reported: its ECMP problems replace the previous ones, as a patch of their own. */
  private analysed(result: AnalysisResult): void {
    if (this.stopped) return;
    this.opts.target.analysed?.(result);
    const next = new Map(result.problems.map((p) => [`${p.code}\u0000${p.subject}`, p]));
    const added: Problem[] = [];
    const changed: Problem[] = [];
    const removed: [string, string][] = [];
    for (const [key, p] of next) {
      const before = this.ecmp.get(key);
      if (!before) added.push(p);
      else if (JSON.stringify(before) !== JSON.stringify(p)) changed.push(p);
    }
    for (const [key, p] of this.ecmp) if (!next.has(key)) removed.push([p.code, p.subject]);
    this.ecmp = next;
    // The inputs moved on while it ran: ask again, so the last word is an analysis of the last inputs.
    if (result.seen < this.inputBatches) this.opts.analyser.request();
    if (this.revision === 0 || added.length + changed.length + removed.length === 0) return;
    const empty = { added: [], changed: [], removed: [] };
    const patch: GraphPatch = {
      format: 'akb-graph-patch/v1',
      fromRevision: this.revision,
      revision: this.revision + 1,
      generatedAt: new Date().toISOString(),
      nodes: empty,
      edges: empty,
      routes: empty,
      problems: { added: added.sort(compareProblems), changed: changed.sort(compareProblems), removed: removed.sort() },
    };
    this.commitAnalysis(patch);
  }

  private commitAnalysis(patch: GraphPatch): void {
    this.revision++;
    this.generatedAt = patch.generatedAt;
    this.opts.target.publish(this.revision, () => this.graph()!, patch);
  }

  private materialise(): TopologyGraph {
    const g = this.engine.graph(this.revision, this.generatedAt);
    if (this.ecmp.size === 0) return g;
    return { ...g, problems: [...g.problems, ...this.ecmp.values()].sort(compareProblems) };
  }
}
