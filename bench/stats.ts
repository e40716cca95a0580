/** Small, dependency-free statistics for timings. */

/** Nearest-rank percentile (p in 0..100) of unsorted samples; null for no samples. */
export function percentile(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

export function median(samples: readonly number[]): number | null {
  return percentile(samples, 50);
}

export interface LatencySummary {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export function summarize(samples: readonly number[]): LatencySummary {
  return {
    count: samples.length,
    p50: round(percentile(samples, 50)),
    p95: round(percentile(samples, 95)),
    p99: round(percentile(samples, 99)),
    max: round(samples.length ? Math.max(...samples) : null),
  };
}

/** Milliseconds to 0.01 ms: finer digits are noise on a shared machine. */
export function round(ms: number | null, digits = 2): number | null {
  if (ms === null || !Number.isFinite(ms)) return null;
  const f = 10 ** digits;
  return Math.round(ms * f) / f;
}

/** Wall time of a synchronous call, in ms, with the call's result. */
export function timeSync<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

export function peakRssMb(): number {
  // resourceUsage().maxRSS is in kilobytes; the process's high-water mark, which is why each scale runs in its own process.
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
