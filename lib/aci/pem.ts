import { readFileSync } from 'node:fs';

/**
 * Accepts either PEM text or a path to a PEM file. Reading happens once, when the client is built, so a missing
 * file fails early. The error repeats neither: a key pasted without its PEM armour must not end up in a log.
 */
export function loadPem(value: string, what: string): string {
  if (value.includes('-----BEGIN ')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (err) {
    const reason = err instanceof Error && 'code' in err ? String(err.code) : 'unreadable';
    throw new Error(`${what}: the value given is neither PEM text nor the path of a readable file (${reason})`);
  }
}
