import { ApicError, ApicUnavailableError } from './errors';
import { TransportError } from './transport';
import type { ApicLogger } from './redact';

/**
 * Failover over the controllers of one APIC cluster. A call is tried on the last controller that worked, then on
 * each other one in order; connection failures, timeouts and 5xx answers move on, anything else is the answer.
 * The controller that answered is remembered, so a healthy cluster costs one attempt per call.
 */

/** True when another controller may succeed where this one failed. */
export function isFailoverError(err: unknown): boolean {
  if (err instanceof TransportError) return true;
  return err instanceof ApicError && err.httpStatus >= 500;
}

export class ControllerPool {
  readonly urls: readonly string[];
  #current = 0;

  constructor(
    urls: readonly string[],
    private readonly log: ApicLogger,
  ) {
    if (urls.length === 0) throw new TypeError('at least one APIC controller URL is required');
    this.urls = urls.map((u) => u.replace(/\/+$/, ''));
  }

  /** The controller currently believed healthy. */
  get current(): string {
    return this.urls[this.#current]!;
  }

  /** Marks `url` unhealthy: the next call starts with the controller after it. */
  demote(url: string): void {
    const i = this.urls.indexOf(url);
    if (i === this.#current) this.#current = (i + 1) % this.urls.length;
  }

  /** Runs `attempt` against each controller in turn, starting with the current one. */
  async run<T>(attempt: (baseUrl: string) => Promise<T>): Promise<T> {
    const failures: string[] = [];
    const start = this.#current;
    for (let k = 0; k < this.urls.length; k++) {
      const i = (start + k) % this.urls.length;
      const url = this.urls[i]!;
      try {
        const result = await attempt(url);
        if (i !== this.#current) {
          this.log.warn({ controller: url, previous: this.current }, 'APIC controller failover');
          this.#current = i;
        }
        return result;
      } catch (err) {
        if (!isFailoverError(err)) throw err;
        const why = err instanceof Error ? err.message : String(err);
        failures.push(`${url}: ${why}`);
        this.log.warn({ controller: url, err: why }, 'APIC controller failed; trying the next one');
      }
    }
    throw new ApicUnavailableError(failures);
  }
}
