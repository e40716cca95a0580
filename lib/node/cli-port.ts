import { InvalidArgumentError } from 'commander';

/** Commander parser for a `--port` flag: an integer 0-65535, 0 meaning any free port. */
export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('--port must be an integer 0-65535 (0 = any free port)');
  return n;
}
