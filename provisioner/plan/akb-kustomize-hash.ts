import { createHash } from 'node:crypto';
import { compareStrings } from '../../lib/shared/compare';

/**
 * The name suffix kustomize gives a generated ConfigMap (sigs.k8s.io/kustomize api/hasher), reproduced so
 * that the plan's ConfigMap has the very name `kubectl kustomize` gives it for the same values.
 *
 * Kustomize hashes Go's `json.Marshal` of `{"data":…,"kind":"ConfigMap","name":…}` (map keys sorted) with
 * SHA-256 and keeps 10 hex digits, mapping 0,1,3,a,e to g,h,k,m,t so the suffix never looks like a number
 * or a word. Two quirks matter: the name it hashes is always "" (it looks the name up with the single
 * path segment "metadata/name", which finds nothing), and Go escapes <, >, &, U+2028 and U+2029.
 */
export function kustomizeConfigMapSuffix(data: Readonly<Record<string, string>>): string {
  const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => compareStrings(a, b)));
  const hex = createHash('sha256')
    .update(goJson({ data: sorted, kind: 'ConfigMap', name: '' }))
    .digest('hex');
  return hex.slice(0, 10).replace(/[013ae]/g, (c) => SUFFIX_LETTERS[c] ?? c);
}

const SUFFIX_LETTERS: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };

/** JSON as Go's encoding/json writes it, for the plain string maps hashed here (keys already in order). */
export function goJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\\(\\|b|f)/g, (m, c: string) => (c === 'b' ? '\\u0008' : c === 'f' ? '\\u000c' : m))
    .replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
