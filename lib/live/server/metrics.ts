/**
 * The live service's Prometheus metrics, on a registry of its own (not prom-client's global one), so
 * several services in one process (tests, the lab next to a real cluster) never share or clash.
 *
 * Values are pushed in by whoever knows them (the service on publish, the HTTP API at scrape time):
 * this module only shapes them into Prometheus families.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SourceState, SourceStatus } from '../../shared/source-status';

const SOURCE_STATES: readonly SourceState[] = ['starting', 'synced', 'degraded', 'down'];

export interface PublishObservation {
  /** From the first source change of a coalesced batch to the publish of the resulting graph. */
  latencyMs: number;
  /** Serialized size of the patch sent to clients; null for a full snapshot (the first graph). */
  patchBytes: number | null;
}

export interface LiveMetrics {
  readonly registry: Registry;
  /** The Content-Type of `text()` (Prometheus text exposition format). */
  readonly contentType: string;
  observePublish(observation: PublishObservation): void;
  setRevision(revision: number): void;
  setSources(sources: Record<string, SourceStatus>): void;
  setWebsocketClients(count: number): void;
  /**
   * Takes a snapshot of the APIC client's request counters (which only grow) and advances the
   * exported counters by the difference. A snapshot smaller than the last one means a new client
   * started counting from zero (reconnect with a fresh client): its whole value is new requests.
   */
  setApicRequestCounts(counts: Record<string, number>): void;
  text(): Promise<string>;
}

export interface MetricsOptions {
  /** Also export Node's process metrics (CPU, memory, event-loop lag, GC); default true. */
  processMetrics?: boolean;
}

/** Publish latencies: from a few ms (coalescing window 100 ms) to tens of seconds (a slow APIC resync). */
const LATENCY_BUCKETS_S = [0.01, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Patch sizes: 256 B (one pod flips) to 16 MiB (a fabric-wide change on a 2,000-node graph). */
const PATCH_BUCKETS_BYTES = [256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216];

export function createMetrics(opts: MetricsOptions = {}): LiveMetrics {
  const registry = new Registry();
  if (opts.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const revision = new Gauge({
    name: 'akb_graph_revision',
    help: 'Revision of the last published topology graph (0 before the first).',
    registers: [registry],
  });
  const sourceState = new Gauge({
    name: 'akb_source_state',
    help: 'State of each data source: 1 for the state it is in, 0 for the others.',
    labelNames: ['source', 'state'] as const,
    registers: [registry],
  });
  const sourceStale = new Gauge({
    name: 'akb_source_stale',
    help: '1 when the data held from a source may be out of date.',
    labelNames: ['source'] as const,
    registers: [registry],
  });
  const clients = new Gauge({
    name: 'akb_websocket_clients',
    help: 'Browsers (websocket clients) connected to the live graph.',
    registers: [registry],
  });
  const apicRequests = new Counter({
    name: 'akb_apic_requests_total',
    help: 'Requests sent to the APIC, by kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'akb_publish_latency_seconds',
    help: 'Time from the first source event of a coalesced batch to the publish of the resulting graph.',
    buckets: LATENCY_BUCKETS_S,
    registers: [registry],
  });
  const patchSize = new Histogram({
    name: 'akb_patch_bytes',
    help: 'Serialized size of each graph patch published to clients.',
    buckets: PATCH_BUCKETS_BYTES,
    registers: [registry],
  });
  const snapshots = new Counter({
    name: 'akb_snapshots_published_total',
    help: 'Graphs published as a full snapshot rather than a patch.',
    registers: [registry],
  });

  const lastApicCounts = new Map<string, number>();
  const knownSources = new Set<string>();

  return {
    registry,
    contentType: registry.contentType,
    observePublish({ latencyMs, patchBytes }) {
      latency.observe(Math.max(0, latencyMs) / 1000);
      if (patchBytes === null) snapshots.inc();
      else patchSize.observe(patchBytes);
    },
    setRevision(n) {
      revision.set(n);
    },
    setSources(sources) {
      // A source that disappeared (lab stopped, APIC unconfigured) must not keep exporting its old state.
      for (const name of knownSources) {
        if (sources[name]) continue;
        for (const state of SOURCE_STATES) sourceState.remove({ source: name, state });
        sourceStale.remove({ source: name });
        knownSources.delete(name);
      }
      for (const [name, status] of Object.entries(sources)) {
        knownSources.add(name);
        for (const state of SOURCE_STATES) sourceState.set({ source: name, state }, status.state === state ? 1 : 0);
        sourceStale.set({ source: name }, status.stale ? 1 : 0);
      }
    },
    setWebsocketClients(n) {
      clients.set(n);
    },
    setApicRequestCounts(counts) {
      for (const [kind, value] of Object.entries(counts)) {
        if (!Number.isFinite(value) || value < 0) continue;
        const last = lastApicCounts.get(kind) ?? 0;
        const delta = value >= last ? value - last : value;
        // Touch every kind (inc by 0) so the family lists all kinds from the first scrape.
        apicRequests.inc({ kind }, delta);
        lastApicCounts.set(kind, value);
      }
    },
    text: () => registry.metrics(),
  };
}

/** The size the hub sends for a patch, for `observePublish`. */
export function patchBytes(patch: unknown): number | null {
  return patch === null || patch === undefined ? null : Buffer.byteLength(JSON.stringify(patch));
}
