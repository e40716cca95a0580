import { z } from 'zod';

/**
 * An APIC answered with an error envelope (WIRE.md A2.4):
 * `{"totalCount":"1","imdata":[{"error":{"attributes":{"code":"<n>","text":"<msg>"}}}]}`.
 * `code` is APIC's own code (a string, e.g. "122" unknown class, "801" failed validation), which often differs from
 * the HTTP status. `path` is the request path without any credential (tokens never appear in REST paths).
 */
export class ApicError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    readonly text: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(`APIC ${method} ${path} failed: HTTP ${httpStatus}, code ${code}: ${text}`);
    this.name = 'ApicError';
  }

  /** 401, or a 403 whose text says the token/session is bad: a fresh login may cure it (WIRE.md A1.2). */
  get isAuthError(): boolean {
    return this.httpStatus === 401 || (this.httpStatus === 403 && /token|session|webtoken|cookie/i.test(this.text));
  }
}

/**
 * No controller could be reached (connection refused, reset, TLS failure, timeout) or every controller answered 5xx.
 * `attempts` lists one line per controller tried, without credentials.
 */
export class ApicUnavailableError extends Error {
  constructor(readonly attempts: string[]) {
    super(`no APIC controller answered: ${attempts.join('; ')}`);
    this.name = 'ApicUnavailableError';
  }
}

/** The most of an error body that is read: APIC error envelopes are a few hundred bytes. */
export const MAX_ERROR_BODY_CHARS = 16 * 1024;

const errorEnvelopeSchema = z.object({
  imdata: z.array(z.object({ error: z.object({ attributes: z.object({ code: z.string(), text: z.string() }) }) })).min(1),
});

/**
 * Turns a non-2xx APIC answer into an ApicError. A body that is not an error envelope (nginx HTML pages, empty
 * bodies) keeps the HTTP status as the code and a short, tag-stripped excerpt as the text.
 */
export function parseApicError(httpStatus: number, body: string, method: string, path: string): ApicError {
  // Bounded before anything parses it: an error body is an explanation, never megabytes (a hostile or broken
  // controller could otherwise make the regex below, or JSON.parse, hold the event loop).
  const bounded = body.length > MAX_ERROR_BODY_CHARS ? body.slice(0, MAX_ERROR_BODY_CHARS) : body;
  let json: unknown;
  try {
    json = JSON.parse(bounded);
  } catch {
    json = undefined;
  }
  const parsed = errorEnvelopeSchema.safeParse(json);
  if (parsed.success) {
    const attrs = parsed.data.imdata[0]!.error.attributes;
    return new ApicError(httpStatus, attrs.code, attrs.text, method, path);
  }
  // `[^<>]*` cannot run past the next `<`, so stripping tags is linear even in a body of nothing but `<`.
  const excerpt = bounded
    .replace(/<[^<>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  return new ApicError(httpStatus, String(httpStatus), excerpt || `HTTP ${httpStatus} without an APIC error body`, method, path);
}
