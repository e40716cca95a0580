/**
 * Failed-attempt limit for credentials (bearer token, basic, the login form, a proxy header from an
 * untrusted peer): at most `maxFailures` per `windowMs` per client address; past that, every attempt from
 * it is refused with 429 until the window has moved on, right or wrong, so guessing gets no answer at all.
 * Valid session cookies are not attempts and are never limited.
 *
 * Behind a proxy every client shares the proxy's address, so the limit is then effectively global: a
 * brute-force run locks the login for everyone for a minute, which is the price of not believing a
 * client-supplied X-Forwarded-For.
 */
export interface FailureLimiterOptions {
  maxFailures?: number;
  windowMs?: number;
  /** Most addresses tracked; the oldest are forgotten first (memory stays bounded under a spray). */
  maxKeys?: number;
  now?: () => number;
}

export interface FailureLimiter {
  /** Seconds to wait when `key` is locked out, else 0. */
  retryAfterS(key: string): number;
  fail(key: string): void;
}

export function createFailureLimiter(opts: FailureLimiterOptions = {}): FailureLimiter {
  const max = opts.maxFailures ?? 10;
  const windowMs = opts.windowMs ?? 60_000;
  const maxKeys = opts.maxKeys ?? 10_000;
  const now = opts.now ?? Date.now;
  /** Failure times per key, oldest first; Map order is insertion order, so the first key is the stalest. */
  const failures = new Map<string, number[]>();
  const recent = (key: string): number[] => {
    const since = now() - windowMs;
    const times = (failures.get(key) ?? []).filter((t) => t > since);
    if (times.length) failures.set(key, times);
    else failures.delete(key);
    return times;
  };
  return {
    retryAfterS(key) {
      const times = recent(key);
      if (times.length < max) return 0;
      return Math.max(1, Math.ceil((times[times.length - max]! + windowMs - now()) / 1000));
    },
    fail(key) {
      const times = recent(key);
      times.push(now());
      failures.delete(key);
      failures.set(key, times.slice(-max));
      while (failures.size > maxKeys) failures.delete(failures.keys().next().value!);
    },
  };
}
