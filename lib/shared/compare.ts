/**
 * Code-point order: locale-independent (unlike `localeCompare`), so sorted output (graph ids, manifests, hashes,
 * APIC pages) is byte-identical on every machine. The one string comparator of the project.
 */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
