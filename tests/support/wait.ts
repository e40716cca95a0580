/**
 * The one polling helper of the tests (and the bench): waits for a condition instead of sleeping.
 *
 * `probe` is called until it returns something other than undefined, null or false (or, with `until`, until
 * `until(value)` holds), and that value is returned, so a test can wait for a thing and then assert on it. An
 * exception from the probe fails at once: a broken probe is not a slow condition. On timeout the error names what
 * was awaited (the probe's source when no `what` is given) and the last value the probe returned.
 */
export interface WaitOptions<T> {
  /** What is awaited, for the timeout message. */
  what?: string;
  /** Default 10 s. */
  timeoutMs?: number;
  /** Default 20 ms. */
  intervalMs?: number;
  /** The condition on the probe's value; default: not undefined, null or false. */
  until?: (value: T) => boolean;
}

type Found<T> = Exclude<T, undefined | null | false>;

export async function waitFor<T>(probe: () => T | Promise<T>, opts: WaitOptions<T> = {}): Promise<Found<T>> {
  const { timeoutMs = 10_000, intervalMs = 20, until = (v: T) => v !== undefined && v !== null && v !== false } = opts;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (until(value)) return value as Found<T>;
    if (Date.now() > deadline) {
      const what = opts.what ?? probe.toString().replace(/\s+/g, ' ').slice(0, 200);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${describe(value)}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function describe(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value);
  try {
    return JSON.stringify(value).slice(0, 800);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
