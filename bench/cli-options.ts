/** The benchmark's command line, parsed with commander and checked with zod (errors name the flag). */
import { Command } from 'commander';
import { z } from 'zod';
import { SCALE_NAMES, type ScaleName } from './scales';

export interface BenchOptions {
  scales: ScaleName[];
  out: string;
  browser: boolean;
  stormRate: number;
  stormSeconds: number;
  coalesceMs?: number;
}

const positive = (flag: string) => z.coerce.number({ message: `${flag} must be a number` }).positive(`${flag} must be > 0`);

const schema = z.object({
  scale: z.array(z.enum(SCALE_NAMES, { message: `--scale must be one of ${SCALE_NAMES.join(', ')}` })).min(1),
  out: z.string().min(1, '--out must be a file path'),
  browser: z.boolean(),
  stormRate: positive('--storm-rate'),
  stormSeconds: positive('--storm-seconds'),
  coalesceMs: z.coerce.number({ message: '--coalesce-ms must be a number' }).int().nonnegative().optional(),
});

export function defaultOut(now: Date): string {
  return `bench/results/bench-${now.toISOString().replace(/[:.]/g, '-')}.json`;
}

export function parseBenchArgs(argv: string[], now = new Date()): BenchOptions {
  const cmd = new Command('bench')
    .description('akb benchmark: correlation vs parse floor, initial sync, live latency under an event storm, browser')
    .option('--scale <S|M|L|XL>', 'scale to run; repeat or comma-separate (default: S and M)', (v: string, prev: string[] | undefined) => [
      ...(prev ?? []),
      ...v.split(','),
    ])
    .option('--out <file>', 'results JSON file (default: bench/results/bench-<time>.json)')
    .option('--no-browser', 'skip the browser phase')
    .option('--storm-rate <n>', 'events per second in the storm', '50')
    .option('--storm-seconds <n>', 'storm duration in seconds', '20')
    .option('--coalesce-ms <n>', "the live service's coalescing window (default: the service's own)")
    .exitOverride()
    // The error is thrown to the caller, which prints it once.
    .configureOutput({ writeErr: () => undefined });
  cmd.parse(argv, { from: 'user' });
  const o = cmd.opts<Record<string, unknown>>();
  const r = schema.safeParse({
    ...o,
    scale: (o.scale as string[] | undefined)?.map((s) => s.toUpperCase()) ?? ['S', 'M'],
    out: o.out ?? defaultOut(now),
  });
  if (!r.success) throw new Error(r.error.issues.map((i) => i.message).join('; '));
  const { scale, out, browser, stormRate, stormSeconds, coalesceMs } = r.data;
  return {
    scales: [...new Set(scale)].sort((a, b) => SCALE_NAMES.indexOf(a) - SCALE_NAMES.indexOf(b)),
    out,
    browser,
    stormRate,
    stormSeconds,
    ...(coalesceMs !== undefined ? { coalesceMs } : {}),
  };
}
