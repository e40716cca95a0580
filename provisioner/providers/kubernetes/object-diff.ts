import { isDeepStrictEqual } from 'node:util';
import type { FieldChange } from '../step';
import type { KubeObject } from '../../../lib/topology/bundle-types';

/**
 * What differs between a live object and what the API server says it would become (a server-side dry run of
 * akb's apply): the server-set fields are left out (identity, resourceVersion, managedFields, status), and every
 * value under a Secret's `data` is shown only as "(secret)".
 */

const SERVER_META = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp', 'selfLink', 'deletionTimestamp'];

/** The object without what the server sets: the part an apply can change. */
export function comparable(o: KubeObject): Record<string, unknown> {
  const { status: _status, metadata, ...rest } = structuredClone(o);
  const meta: Record<string, unknown> = { ...metadata };
  for (const k of SERVER_META) delete meta[k];
  return { ...rest, metadata: meta };
}

type Leaves = Map<string, unknown>;

function leaves(value: unknown, path: string, out: Leaves): Leaves {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  } else out.set(path, value);
  return out;
}

const isSecretPath = (kind: string, path: string) => kind === 'Secret' && /^(data|stringData)(\.|$)/.test(path);

function show(kind: string, path: string, v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (isSecretPath(kind, path)) return '(secret)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Field changes from `live` (undefined: the object does not exist) to `result`, in path order. */
export function fieldChanges(live: KubeObject | undefined, result: KubeObject): FieldChange[] {
  const kind = result.kind ?? live?.kind ?? '';
  const before = live ? leaves(comparable(live), '', new Map()) : new Map<string, unknown>();
  const after = leaves(comparable(result), '', new Map());
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const out: FieldChange[] = [];
  for (const path of paths) {
    const a = before.get(path);
    const b = after.get(path);
    if (isDeepStrictEqual(a, b)) continue;
    const from = show(kind, path, a);
    const to = show(kind, path, b);
    out.push({ path, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
  }
  return out;
}

/** The value at a dotted path of an object (paths as `leafPaths` and `fieldChanges` write them). */
export function valueAt(o: unknown, path: readonly string[]): unknown {
  let node = o;
  for (const p of path)
    node = node !== null && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>)[p] : undefined;
  return node;
}

/** Leaf paths of an applied configuration, the way server-side apply owns them (maps recurse; lists are atomic). */
export function appliedPaths(config: KubeObject): string[][] {
  const out: string[][] = [];
  const walk = (v: unknown, path: string[]) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0) {
      for (const [k, child] of Object.entries(v)) walk(child, [...path, k]);
    } else out.push(path);
  };
  const { apiVersion: _a, kind: _k, metadata, ...rest } = config;
  const { name: _n, namespace: _ns, ...meta } = metadata;
  walk({ ...rest, ...(Object.keys(meta).length > 0 ? { metadata: meta } : {}) }, []);
  return out.filter((p) => p.length > 0);
}
