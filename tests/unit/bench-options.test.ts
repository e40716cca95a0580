import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../bench/cli-options';
import { summarize, percentile } from '../../bench/stats';

describe('npm run bench options', () => {
  it('defaults to S and M with the browser, 50 events/s for 20 s', () => {
    const o = parseBenchArgs([], new Date('2026-12-02T01:00:00Z'));
    expect(o).toMatchObject({ scales: ['S', 'M'], browser: true, stormRate: 50, stormSeconds: 20 });
    expect(o.out).toBe('bench/results/bench-2026-12-02T01-00-00-000Z.json');
  });

  it('takes scales repeated or comma-separated, in any case, and runs them smallest first', () => {
    expect(parseBenchArgs(['--scale', 'xl,s', '--scale', 'M', '--no-browser']).scales).toEqual(['S', 'M', 'XL']);
    expect(parseBenchArgs(['--scale', 'L', '--no-browser']).browser).toBe(false);
  });

  it('names the flag and what is valid on bad input', () => {
    expect(() => parseBenchArgs(['--scale', 'XXL'])).toThrow('--scale must be one of S, M, L, XL');
    expect(() => parseBenchArgs(['--storm-rate', 'fast'])).toThrow('--storm-rate must be a number');
    expect(() => parseBenchArgs(['--storm-seconds', '0'])).toThrow('--storm-seconds must be > 0');
    expect(() => parseBenchArgs(['--coalesce-ms', '-5'])).toThrow(/--coalesce-ms/);
    expect(() => parseBenchArgs(['--frobnicate'])).toThrow(/unknown option '--frobnicate'/);
  });
});

describe('bench statistics', () => {
  it('reports nearest-rank percentiles and null for no samples', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(summarize(samples)).toMatchObject({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
    expect(summarize([])).toEqual({ count: 0, p50: null, p95: null, p99: null, max: null });
  });
});
