/**
 * The results' printed form: one column per scale, and between scales the growth factor of each number, marked
 * with `!` when it grew faster than the size did (so a non-linear step stands out).
 */
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import type { BenchResults, Machine, ScaleResult } from './result-schema';

export function describeMachine(): Machine {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cpus: cpu.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    platform: platform(),
    release: release(),
    node: process.version,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

interface Row {
  label: string;
  value: (r: ScaleResult) => number | string | boolean | null;
  /** Costs get a growth factor; a flag is raised when it outgrows the size. */
  growth?: boolean;
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

const ROWS: Row[] = [
  { label: 'nodes', value: (r) => r.world.nodes, growth: true },
  { label: 'pods (incl. CNI)', value: (r) => r.world.pods, growth: true },
  { label: 'bundle MB', value: (r) => mb(r.correlation.bundleBytes), growth: true },
  { label: 'graph nodes / edges', value: (r) => `${r.correlation.graphNodes} / ${r.correlation.graphEdges}` },
  { label: 'JSON.parse (floor) ms', value: (r) => r.correlation.parseMs, growth: true },
  { label: 'validate+correlate ms', value: (r) => r.correlation.totalMs, growth: true },
  { label: '  ratio to floor', value: (r) => r.correlation.ratioToParse, growth: true },
  { label: 'peak RSS MB, measuring process', value: (r) => r.peakRssMb, growth: true },
  { label: 'capture requests APIC/k8s', value: (r) => `${r.capture.apicRequests} / ${r.capture.kubernetesRequests}` },
  { label: 'initial sync ms', value: (r) => r.initialSync.wallMs, growth: true },
  { label: '  APIC requests', value: (r) => r.initialSync.apicRequests, growth: true },
  { label: '  APIC requests per node', value: (r) => r.initialSync.apicRequestsPerNode },
  { label: '  k8s requests', value: (r) => r.initialSync.kubernetesRequests, growth: true },
  { label: 'storm events (rate/s)', value: (r) => `${r.storm.eventsSent} (${r.storm.achievedRatePerSec ?? '-'})` },
  { label: '  storm valid (≥90% of plan)', value: (r) => r.storm.valid },
  { label: '  batches (largest)', value: (r) => `${r.storm.batches} (${r.storm.largestBatch})` },
  { label: '  lab batch apply p50 ms', value: (r) => r.storm.labApplyMs.p50, growth: true },
  { label: '  latency p50 ms', value: (r) => r.storm.latencyMs.p50, growth: true },
  { label: '  latency p95 ms', value: (r) => r.storm.latencyMs.p95, growth: true },
  { label: '  latency p99 ms', value: (r) => r.storm.latencyMs.p99, growth: true },
  { label: '  latency max ms', value: (r) => r.storm.latencyMs.max, growth: true },
  { label: '  unresolved events', value: (r) => r.storm.unresolved },
  { label: '  invariant held', value: (r) => r.storm.invariantHeld },
  { label: 'akb server, storm', value: () => '' },
  { label: '  update cost p50 ms', value: (r) => r.akbServer.settleMs.p50, growth: true },
  { label: '  update cost p99 ms', value: (r) => r.akbServer.settleMs.p99, growth: true },
  { label: '  longest slice ms', value: (r) => r.akbServer.longestSliceMs },
  { label: '  event-loop delay p99 ms', value: (r) => r.akbServer.eventLoopDelayMs.p99 },
  { label: '  event-loop delay max ms', value: (r) => r.akbServer.eventLoopDelayMs.max },
  { label: '  RSS MB (peak)', value: (r) => `${r.akbServer.rssMb} (${r.akbServer.peakRssMb})` },
  { label: 'browser', value: (r) => r.browser.status },
  { label: '  first graph paint ms', value: (r) => r.browser.firstGraphPaintMs, growth: true },
  { label: '  interactive ms', value: (r) => r.browser.interactiveMs, growth: true },
  { label: '  pan fps', value: (r) => r.browser.panFps },
  { label: '  pan p95 frame ms', value: (r) => r.browser.panP95FrameMs, growth: true },
];

function factor(a: unknown, b: unknown): number | null {
  return typeof a === 'number' && typeof b === 'number' && a > 0 ? Math.round((b / a) * 100) / 100 : null;
}

/** Growth of every cost between consecutive scales. */
export function growthBetween(results: ScaleResult[]): BenchResults['growth'] {
  const out: BenchResults['growth'] = [];
  for (let i = 1; i < results.length; i++) {
    const a = results[i - 1]!;
    const b = results[i]!;
    const factors: Record<string, number | null> = {};
    for (const row of ROWS) if (row.growth) factors[row.label.trim()] = factor(row.value(a), row.value(b));
    out.push({ from: a.scale.name, to: b.scale.name, factors });
  }
  return out;
}

function cell(v: number | string | boolean | null): string {
  if (v === null) return '-';
  if (typeof v === 'boolean') return v ? 'yes' : 'NO';
  return String(v);
}

export function formatTable(results: BenchResults): string {
  const header = [
    '',
    ...results.scales.flatMap((r, i) =>
      i === 0 ? [r.scale.name] : [`×${r.scale.name}/${results.scales[i - 1]!.scale.name}`, r.scale.name],
    ),
  ];
  const lines: string[][] = [header];
  for (const row of ROWS) {
    const line = [row.label];
    results.scales.forEach((r, i) => {
      if (i > 0) {
        const f = row.growth ? factor(row.value(results.scales[i - 1]!), row.value(r)) : null;
        const size = factor(results.scales[i - 1]!.world.pods, r.world.pods);
        // Faster than the size grew, by half again: the step to look at.
        const superlinear = f !== null && size !== null && row.label.includes('ms') && f > size * 1.5;
        line.push(f === null ? '' : `×${f}${superlinear ? '!' : ''}`);
      }
      line.push(cell(row.value(r)));
    });
    lines.push(line);
  }
  const widths = header.map((_, c) => Math.max(...lines.map((l) => (l[c] ?? '').length)));
  const text = lines.map((l) => l.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ')).join('\n');
  const m = results.machine;
  return [
    `akb bench ${results.startedAt}  ${m.cpuModel} ×${m.cpus}, ${m.memoryGb} GB, ${m.platform} ${m.release}, Node ${m.node}, load ${m.loadAverage.join(' ')}`,
    text,
    '× = growth from the previous scale; ! = grew more than 1.5× faster than the pod count.',
  ].join('\n');
}
