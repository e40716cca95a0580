import { errors } from './errors';

/**
 * List continuation tokens: opaque to clients, here base64url JSON of the list's resourceVersion and the
 * last key served. A token older than the store's compaction point is 410 Expired, like an etcd compaction.
 */
export function encodeContinue(revision: number, lastKey: string): string {
  return Buffer.from(JSON.stringify({ rv: revision, after: lastKey })).toString('base64url');
}

export function decodeContinue(token: string, compactedRevision: number): { revision: number; after: string } {
  const invalid = () => errors.badRequest('continue: invalid token (pass metadata.continue of the previous page unchanged)');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const { rv, after } = (parsed ?? {}) as { rv?: unknown; after?: unknown };
  if (typeof rv !== 'number' || typeof after !== 'string') throw invalid();
  if (rv < compactedRevision) {
    throw errors.expired(
      'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
    );
  }
  return { revision: rv, after };
}
