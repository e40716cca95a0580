/**
 * The results file's shape, as a zod schema: the parent validates what each scale's worker process wrote,
 * and the smoke test holds the file to it, so a missing field fails loudly with its path.
 */
import { z } from 'zod';
import { SCALE_NAMES } from './scales';

const ms = z.number().nonnegative().nullable();
const latency = z.object({ count: z.number().int().nonnegative(), p50: ms, p95: ms, p99: ms, max: ms });

export const scaleResultSchema = z.object({
  scale: z.object({
    name: z.enum(SCALE_NAMES),
    nodes: z.number().int(),
    pods: z.number().int(),
    leaves: z.number().int(),
    services: z.number().int(),
    correlationRuns: z.number().int(),
  }),
  world: z.object({ nodes: z.number().int(), pods: z.number().int(), services: z.number().int(), leaves: z.number().int() }),
  labStartMs: ms,
  capture: z.object({ apicRequests: z.number().int(), kubernetesRequests: z.number().int(), ms }),
  correlation: z.object({
    bundleBytes: z.number().int(),
    graphNodes: z.number().int(),
    graphEdges: z.number().int(),
    runs: z.number().int(),
    parseMs: ms,
    validateMs: ms,
    correlateMs: ms,
    totalMs: ms,
    ratioToParse: ms,
    peakRssMb: z.number(),
  }),
  initialSync: z.object({
    wallMs: ms,
    apicRequests: z.number().int(),
    apicClientCounts: z.record(z.string(), z.number()),
    kubernetesRequests: z.number().int(),
    apicRequestsPerNode: ms,
  }),
  storm: z.object({
    targetRatePerSec: z.number(),
    durationSec: z.number(),
    eventsSent: z.number().int(),
    achievedRatePerSec: ms,
    valid: z.boolean(),
    ticksWithoutFreeTarget: z.number().int(),
    byKind: z.record(z.string(), z.number()),
    latencyMs: latency,
    unresolved: z.number().int(),
    unresolvedByKind: z.record(z.string(), z.number()),
    batches: z.number().int(),
    largestBatch: z.number().int(),
    labApplyMs: latency,
    revisionsReceived: z.number().int(),
    invariantHeld: z.boolean(),
    invariantCheckMs: z.number(),
    invariantDifferences: z.array(z.string()),
  }),
  /** The akb server process on its own during the storm. */
  akbServer: z.object({
    eventLoopDelayMs: z.object({ p50: ms, p99: ms, max: ms, mean: ms }),
    settleMs: latency,
    longestSliceMs: ms,
    rssMb: z.number(),
    peakRssMb: z.number(),
  }),
  browser: z.object({
    status: z.enum(['measured', 'no graph view', 'failed', 'skipped']),
    reason: z.string().optional(),
    builtMs: ms,
    serverReadyMs: ms,
    domContentLoadedMs: ms,
    firstGraphPaintMs: ms,
    interactiveMs: ms,
    longTasks: ms,
    renderedNodes: ms,
    panFps: ms,
    panP95FrameMs: ms,
    panWorstFrameMs: ms,
    panned: z.boolean().nullable(),
  }),
  peakRssMb: z.number(),
  totalMs: z.number(),
});

export type ScaleResult = z.infer<typeof scaleResultSchema>;

export const machineSchema = z.object({
  cpuModel: z.string(),
  cpus: z.number().int(),
  memoryGb: z.number(),
  platform: z.string(),
  release: z.string(),
  node: z.string(),
  loadAverage: z.array(z.number()),
});

export type Machine = z.infer<typeof machineSchema>;

export const benchResultsSchema = z.object({
  format: z.literal('akb-bench/v1'),
  startedAt: z.string(),
  finishedAt: z.string(),
  command: z.string(),
  machine: machineSchema,
  scales: z.array(scaleResultSchema).min(1),
  /** Each scale against the previous one: factor of size and of each cost. */
  growth: z.array(z.object({ from: z.enum(SCALE_NAMES), to: z.enum(SCALE_NAMES), factors: z.record(z.string(), z.number().nullable()) })),
});

export type BenchResults = z.infer<typeof benchResultsSchema>;

/** Validates parsed JSON; the error names the first offending path and what was expected. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new Error(`${what}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`);
}
