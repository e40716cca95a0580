import { stringify } from 'yaml';

/** Multi-document YAML, deterministic: documents in the given order, keys in insertion order. */
export function stringifyDocs(docs: readonly unknown[]): string {
  return docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}
