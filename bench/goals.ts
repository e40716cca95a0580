/**
 * The goals of issue 18 against one run's results, as the Markdown table the README quotes: each row names the
 * measure, the goal, what M and XL measured and whether the goal was met. Usage on its own:
 * `node --import tsx bench/goals.ts <results.json>`; `npm run bench` prints it after its table.
 */
import { readFile } from 'node:fs/promises';
import { benchResultsSchema, parseWith, type BenchResults, type ScaleResult } from './result-schema';

interface Goal {
  measure: string;
  /** The scales the goal is set for. */
  scales: readonly ('M' | 'XL')[];
  value: (r: ScaleResult) => number | null;
  unit: string;
  /** Met when the value is at most (`max`) or at least (`min`) the bound. */
  max?: number;
  min?: number;
  /** The goal per scale, where it differs. */
  bound?: Partial<Record<'M' | 'XL', number>>;
}

export const GOALS: readonly Goal[] = [
  {
    measure: 'storm p99 change → client',
    scales: ['M', 'XL'],
    value: (r) => r.storm.latencyMs.p99,
    unit: 'ms',
    bound: { M: 150, XL: 1000 },
  },
  { measure: 'events the lab delivers (50/s planned)', scales: ['M', 'XL'], value: (r) => r.storm.achievedRatePerSec, unit: '/s', min: 45 },
  { measure: 'median cost of one incremental update', scales: ['M', 'XL'], value: (r) => r.akbServer.settleMs.p50, unit: 'ms', max: 10 },
  {
    measure: 'event-loop delay p99 during the storm',
    scales: ['M', 'XL'],
    value: (r) => r.akbServer.eventLoopDelayMs.p99,
    unit: 'ms',
    max: 50,
  },
  { measure: 'akb server peak RSS (its process alone)', scales: ['M', 'XL'], value: (r) => r.akbServer.peakRssMb, unit: 'MB', max: 1024 },
  {
    measure: 'initial sync to first complete graph',
    scales: ['M', 'XL'],
    value: (r) => r.initialSync.wallMs,
    unit: 'ms',
    bound: { XL: 8000 },
  },
  {
    measure: 'full validate + correlate / JSON.parse floor',
    scales: ['M', 'XL'],
    value: (r) => r.correlation.ratioToParse,
    unit: '×',
    bound: { XL: 3 },
  },
  {
    measure: 'browser first graph paint',
    scales: ['M', 'XL'],
    value: (r) => r.browser.firstGraphPaintMs,
    unit: 'ms',
    bound: { M: 500, XL: 3000 },
  },
];

function cell(goal: Goal, r: ScaleResult | undefined): string {
  if (!r) return '-';
  const v = goal.value(r);
  if (v === null) return 'not measured';
  const name = r.scale.name as 'M' | 'XL';
  const max = goal.bound?.[name] ?? goal.max;
  const met = goal.min !== undefined ? v >= goal.min : max !== undefined ? v <= max : null;
  const shown = Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 0);
  return `${shown} ${goal.unit}${met === null ? '' : met ? ' ✓' : ' ✗'}`;
}

function goalText(goal: Goal): string {
  if (goal.min !== undefined) return `≥ ${goal.min} ${goal.unit}`;
  if (goal.bound)
    return goal.scales.flatMap((s) => (goal.bound?.[s] !== undefined ? [`${s} ≤ ${goal.bound[s]} ${goal.unit}`] : [])).join(', ');
  return `≤ ${goal.max} ${goal.unit}`;
}

/** The goal table of a run (Markdown), with the storm's validity per scale. */
export function formatGoals(results: BenchResults): string {
  const at = (name: string) => results.scales.find((s) => s.scale.name === name);
  const rows = GOALS.map((g) => `| ${g.measure} | ${goalText(g)} | ${cell(g, at('M'))} | ${cell(g, at('XL'))} |`);
  const validity = ['M', 'XL'].map((n) => {
    const r = at(n);
    return r ? `${n} ${r.storm.valid ? 'valid' : 'INVALID (the lab delivered < 90% of plan)'}` : `${n} not run`;
  });
  return ['| measure | goal | M | XL |', '|---|---|---|---|', ...rows, '', `storm: ${validity.join('; ')}`].join('\n');
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: bench/goals.ts <results.json>');
  const results = parseWith(benchResultsSchema, JSON.parse(await readFile(file, 'utf8')), file);
  process.stdout.write(`${formatGoals(results)}\n`);
}
