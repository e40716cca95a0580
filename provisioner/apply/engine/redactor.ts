/**
 * The last line of defence between a job and everything it writes (journal, `--json`, human output, errors):
 * every secret value the job knows (resolved references, generated secrets) is replaced wherever it appears.
 * Steps never put a secret into an event on purpose; this catches one echoed by a server's error message.
 */

const REDACTED = '[redacted]';
/** Shorter values would mangle ordinary words; akb's own secrets are all far longer. */
const MIN_LENGTH = 6;

export class Redactor {
  readonly #secrets = new Set<string>();

  add(...values: readonly string[]): void {
    for (const v of values) {
      if (v.length < MIN_LENGTH) continue;
      this.#secrets.add(v);
      // A value often travels base64-encoded (Kubernetes Secret data, kube-router annotations).
      this.#secrets.add(Buffer.from(v, 'utf8').toString('base64'));
    }
  }

  text(s: string): string {
    let out = s;
    for (const secret of this.#secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }

  /** A deep copy of `value` with every string scrubbed. */
  value<T>(value: T): T {
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.value(v)) as T;
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, this.value(v)])) as T;
    }
    return value;
  }
}
