import { readFileSync } from 'node:fs';

/**
 * Accepts either PEM text or a path to a PEM file. Reading happens once, when the client is built, so a missing
 * file fails early; the error names the path and never the content.
 */
export function loadPem(value: string, what: string): string {
  if (value.includes('-----BEGIN ')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (err) {
    const reason = err instanceof Error && 'code' in err ? String(err.code) : 'unreadable';
    throw new Error(`${what}: "${value}" is neither PEM text nor a readable file (${reason})`);
  }
}
