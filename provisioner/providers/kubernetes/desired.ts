import type { Manifest } from '../../plan/manifest';
import { fillSecrets } from '../../plan/secrets';
import type { KubeObject } from '../../../lib/topology/bundle-types';
import { APPLYSET_LABELS } from './applyset';

/**
 * The object akb applies for a plan manifest: secret placeholders filled in memory, a Secret's `stringData` moved
 * into `data` (base64), as the apiserver stores it (so akb's dry run and the live object compare field by field),
 * and the ApplySet membership label on objects akb creates.
 */

function fill(value: unknown, secrets: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') return fillSecrets(value, secrets);
  if (Array.isArray(value)) return value.map((v) => fill(v, secrets));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, secrets)]));
  return value;
}

export function desiredObject(m: Manifest, secrets: Readonly<Record<string, string>>, applySetId: string | undefined): KubeObject {
  const obj = fill(structuredClone(m), secrets) as KubeObject;
  if (obj.kind === 'Secret' && obj.apiVersion === 'v1' && obj.stringData && typeof obj.stringData === 'object') {
    const data = { ...((obj.data as Record<string, string> | undefined) ?? {}) };
    for (const [k, v] of Object.entries(obj.stringData as Record<string, string>))
      data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete obj.stringData;
    obj.data = data;
  }
  if (applySetId !== undefined)
    obj.metadata = { ...obj.metadata, labels: { ...obj.metadata.labels, [APPLYSET_LABELS.partOf]: applySetId } };
  return obj;
}

/** The body without the fields at `paths` (fields another manager owns, left to it). Maps left empty are dropped. */
export function withoutPaths(obj: KubeObject, paths: readonly (readonly string[])[]): KubeObject {
  const out = structuredClone(obj);
  for (const path of paths) {
    const parents: Record<string, unknown>[] = [];
    let node: unknown = out;
    for (const p of path.slice(0, -1)) {
      if (node === null || typeof node !== 'object') break;
      parents.push(node as Record<string, unknown>);
      node = (node as Record<string, unknown>)[p];
    }
    if (node !== null && typeof node === 'object') delete (node as Record<string, unknown>)[path[path.length - 1]!];
    for (let i = parents.length - 1; i >= 0; i--) {
      const child = parents[i]![path[i]!];
      if (child !== null && typeof child === 'object' && !Array.isArray(child) && Object.keys(child).length === 0)
        delete parents[i]![path[i]!];
      else break;
    }
  }
  return out;
}
