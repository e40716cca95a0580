import { compareStrings } from '../shared/compare';
/**
 * Canonical forms that make the graph independent of input order: JSON text with sorted object keys, the
 * tie-break when two inputs yield the same node or edge id, and the one-problem-per-(code, subject) message.
 */

/** JSON text with object keys sorted, so equal values compare equal whatever their key order. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => compareStrings(a, b)))
      : val,
  );
}

/**
 * Of two candidates for the same id (two VMs reporting one hypervisor, two objects naming one edge), the one whose
 * canonical JSON sorts first: the graph then does not depend on which input came first.
 */
export function preferredOf<T>(a: T, b: T): T {
  return canonicalJson(b) < canonicalJson(a) ? b : a;
}

/** How many details one merged problem message lists before counting the rest. */
export const MAX_DETAILS = 5;

/**
 * One message for several details of the same (code, subject): the first few in code-point order, then a count.
 * `sentences` strips each detail's full stop and ends the list with one (`a; b; and 3 more.`).
 */
export function mergedMessage(details: readonly string[], sentences = false): string {
  const unique = [...new Set(sentences ? details.map((m) => m.replace(/\.$/, '')) : details)];
  const sorted = unique.sort(compareStrings);
  if (!sentences && sorted.length === 1) return sorted[0]!;
  const shown = sorted.slice(0, MAX_DETAILS).join('; ');
  const more = sorted.length > MAX_DETAILS ? `; and ${sorted.length - MAX_DETAILS} more` : '';
  return `${shown}${more}${sentences ? '.' : ''}`;
}
