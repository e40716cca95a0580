import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino censors wherever they appear in a log object. Secrets are also kept out of messages by
 * construction (nothing logs a credential on purpose); this is the second line of defence.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'Authorization',
  '*.Authorization',
  'cookie',
  '*.cookie',
  'headers.cookie',
  'headers.authorization',
  'privateKey',
  '*.privateKey',
  'key',
  '*.key',
  'secret',
  '*.secret',
  'bearerToken',
  '*.bearerToken',
];

export interface LoggerOptions {
  level?: string;
  /** Where lines go; tests pass an in-memory stream to assert on what was logged. */
  destination?: DestinationStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    { level: opts.level ?? 'info', base: { app: 'akb' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    opts.destination,
  );
}

/** A logger that discards everything, for library code used without a logger. */
export const silentLogger: Logger = pino({ level: 'silent' });
