/**
 * The live topology service: sources → bundle-shaped snapshot → graph → patch → hub.
 *
 * Changes from any source are coalesced over a short window, then the whole graph is recomputed from
 * the sources' current state with the same pure function `akb graph` uses on a captured bundle, so the
 * live picture and a fresh capture can never disagree by construction. Only the difference is published.
 */
import type { Logger } from '../../logging';
import { silentLogger } from '../../logging';
import { BUNDLE_FORMAT, type Bundle } from '../../topology/bundle-types';
import type { TopologyGraph } from '../../topology/graph';
import type { GraphPatch } from '../../topology/patch';
import type { InputChange } from '../../topology/incremental';
import type { SourceStatus } from '../../shared/source-status';

/** A data source feeding the graph: the Kubernetes API or the APIC. */
export interface LiveSource {
  readonly name: string;
  status(): SourceStatus;
  /** Writes this source's current objects into the bundle being assembled. */
  fill(bundle: Bundle): void;
  /** Called on any change of data or status. Returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
  /**
   * Every change to the objects this source holds, one object at a time, as the incremental graph takes them (the
   * same objects `fill` writes). Subscribe before `start`: the initial listing arrives as changes too.
   */
  onInputs(listener: (changes: readonly InputChange[]) => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Re-reads everything in full now (the periodic safety resync, on demand); what differed arrives as changes. */
  resync(): Promise<void>;
}

export interface GraphFunctions {
  correlate(bundle: Bundle): TopologyGraph;
  diff(a: TopologyGraph, b: TopologyGraph): GraphPatch;
  isEmptyPatch(patch: GraphPatch): boolean;
}

export interface PublishTarget {
  /** `bundle` is the snapshot the graph was computed from (analyses that need more than the graph use it). */
  publish(graph: TopologyGraph, patch: GraphPatch | null, bundle: Bundle): void;
  setSources(sources: Record<string, SourceStatus>): void;
}

export interface LiveServiceOptions {
  sources: LiveSource[];
  fabric: Bundle['fabric'];
  graph: GraphFunctions;
  target: PublishTarget;
  coalesceMs?: number;
  logger?: Logger;
  /** Observes each publish (metrics): how long from the first coalesced change to publish. */
  onPublish?: (info: { revision: number; latencyMs: number; patch: GraphPatch | null }) => void;
}

export class LiveService {
  private current: TopologyGraph | null = null;
  private revision = 0;
  private timer: NodeJS.Timeout | null = null;
  private firstChangeAt: number | null = null;
  /** How long the last recompute held the event loop (ms). */
  private lastRecomputeMs = 0;
  /** Whether the published graph was computed while every source was synced (not from a half-listed start). */
  private currentFromSyncedSources = false;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly logger: Logger;

  constructor(private readonly opts: LiveServiceOptions) {
    this.logger = opts.logger ?? silentLogger;
  }

  async start(): Promise<void> {
    for (const source of this.opts.sources) this.unsubscribe.push(source.onChange(() => this.schedule()));
    await Promise.all(this.opts.sources.map((s) => s.start()));
    this.recompute();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const off of this.unsubscribe.splice(0)) off();
    await Promise.all(this.opts.sources.map((s) => s.stop()));
  }

  /** The last published graph (null before the first computation). */
  graph(): TopologyGraph | null {
    return this.current;
  }

  sourceStatuses(): Record<string, SourceStatus> {
    return Object.fromEntries(this.opts.sources.map((s) => [s.name, s.status()]));
  }

  /** Every source re-reads everything in full now; resolves once they have (APIC) or have started to (Kubernetes). */
  async resyncSources(): Promise<void> {
    await Promise.all(this.opts.sources.map((s) => s.resync()));
  }

  /** Ready once every source has synced at least once and a graph was published. */
  ready(): boolean {
    return this.current !== null && this.currentFromSyncedSources && this.allSynced();
  }

  private allSynced(): boolean {
    return this.opts.sources.every((s) => s.status().state === 'synced');
  }

  /** The bundle the current graph is computed from (support bundle, `akb capture` equivalence). */
  bundle(now: Date = new Date()): Bundle {
    const bundle: Bundle = { format: BUNDLE_FORMAT, capturedAt: now.toISOString(), fabric: this.opts.fabric, apic: {}, k8s: {} };
    for (const source of this.opts.sources) source.fill(bundle);
    return bundle;
  }

  private schedule(): void {
    this.firstChangeAt ??= Date.now();
    if (this.timer) return;
    // The window stretches to the last recompute's duration: on a fabric where one recompute takes seconds,
    // back-to-back recomputes would leave no time to read sockets, and subscriptions and watches would starve.
    // Recomputing at most half the time keeps the sources flowing; small clusters keep the configured window.
    const wait = Math.max(this.opts.coalesceMs ?? 100, this.lastRecomputeMs);
    this.timer = setTimeout(() => {
      this.timer = null;
      const started = performance.now();
      try {
        this.recompute();
      } finally {
        this.lastRecomputeMs = performance.now() - started;
      }
    }, wait);
  }

  private recompute(): void {
    const startedAt = this.firstChangeAt ?? Date.now();
    this.firstChangeAt = null;
    this.opts.target.setSources(this.sourceStatuses());
    // No first graph while a source is still on its initial listing: it would be partial, replaced moments later,
    // and on a large fabric each of those correlations holds the event loop for seconds, slowing the listing itself.
    // A source that fails instead (down, degraded) does not hold the graph back: the others are shown.
    if (this.current === null && this.opts.sources.some((s) => s.status().state === 'starting')) return;
    let next: TopologyGraph;
    const fromSynced = this.allSynced();
    const bundle = this.bundle();
    try {
      next = this.opts.graph.correlate(bundle);
    } catch (err) {
      // The correlator is pure and total by design; if it ever throws, keep the last good graph.
      this.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'correlation failed; keeping the previous graph');
      return;
    }
    const previous = this.current;
    const published: TopologyGraph = { ...next, revision: this.revision + 1, generatedAt: new Date().toISOString() };
    const patch = previous ? this.opts.graph.diff(previous, published) : null;
    if (patch && this.opts.graph.isEmptyPatch(patch)) {
      this.currentFromSyncedSources ||= fromSynced;
      return;
    }
    this.currentFromSyncedSources = fromSynced;
    this.revision = published.revision;
    this.current = published;
    this.opts.target.publish(published, patch, bundle);
    this.opts.onPublish?.({ revision: this.revision, latencyMs: Date.now() - startedAt, patch });
  }
}
