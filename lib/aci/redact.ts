/**
 * Keeps credentials out of log lines. The client never logs a secret on purpose; this is the second line of
 * defence for anything that embeds one indirectly (a websocket URL carries the token, a Cookie header carries
 * tokens and signatures, an echoed request body may carry `pwd`).
 */

const REDACTED = '[redacted]';

const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g, `${REDACTED} private key`],
  [/\b(APIC-cookie|APIC-Request-Signature|APIC-WebSocket-Session|APIC-challenge|devcookie)=[^;\s"]*/gi, `$1=${REDACTED}`],
  [/\/socket[^\s"'?/]+/g, `/socket${REDACTED}`],
  [/("(?:pwd|password|token|sessionId|signature|privateKey)"\s*:\s*")[^"]*(")/gi, `$1${REDACTED}$2`],
];

/** Minimum length of an exact secret worth scrubbing; shorter strings would mangle ordinary words. */
const MIN_SECRET_LENGTH = 4;

/** Replaces every known secret and every credential-shaped fragment in `text`. */
export function redactText(text: string, secrets: Iterable<string> = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join(REDACTED);
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

const SECRET_KEYS = /^(pwd|password|token|cookie|authorization|signature|privatekey|key|secret)$/i;

/** Deep-copies a log payload, scrubbing strings and blanking values under secret-looking keys. */
export function redactValue(value: unknown, secrets: Iterable<string> = [], depth = 0): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: redactText(value.message, secrets) };
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEYS.test(k) ? REDACTED : redactValue(v, secrets, depth + 1);
  }
  return out;
}

/** The logging surface the client needs; a pino Logger satisfies it. */
export interface ApicLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * Wraps a logger so every object and message passes through redaction. `secrets` is read at each call, so a token
 * obtained later (login, refresh) is scrubbed too.
 */
export function redactingLogger(inner: ApicLogger, secrets: () => Iterable<string>): ApicLogger {
  const wrap =
    (level: Level) =>
    (obj: object, msg?: string): void => {
      const s = [...secrets()];
      const cleanObj = redactValue(obj, s) as object;
      if (msg === undefined) inner[level](cleanObj);
      else inner[level](cleanObj, redactText(msg, s));
    };
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}

export const noopLogger: ApicLogger = { debug() {}, info() {}, warn() {}, error() {} };
