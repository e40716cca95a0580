import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../k8s/models/object';
import { KubeApiError } from './errors';
import { compareStrings } from '../../shared/compare';
import { setMember } from './patch';

/**
 * Server-side apply (WIRE.md B8), simplified: every map key is a field, every list is atomic (the rule for
 * unstructured objects without list-type markers), and only Apply managers are tracked (Update operations
 * don't record ownership, so they never cause apply conflicts).
 */

type Path = string[];
type Obj = Record<string, unknown>;

/** Fields apply never owns: identity, and what the server sets. */
const UNTRACKED = new Set([
  'apiVersion',
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'metadata.resourceVersion',
  'metadata.generation',
  'metadata.creationTimestamp',
  'metadata.managedFields',
  'metadata.deletionTimestamp',
  'metadata.selfLink',
]);

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Leaf paths of an applied configuration: non-empty maps recurse; scalars, lists and `{}` are leaves. */
export function leafPaths(value: unknown, prefix: Path = []): Path[] {
  if (!isObj(value) || (Object.keys(value).length === 0 && prefix.length > 0)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => {
    const path = [...prefix, k];
    return UNTRACKED.has(path.join('.')) ? [] : leafPaths(v, path);
  });
}

/** Own members only, written as own properties: an applied `__proto__` field is data, never a prototype (see patch.ts). */
function getPath(obj: unknown, path: Path): unknown {
  let node = obj;
  for (const p of path) node = isObj(node) && Object.hasOwn(node, p) ? node[p] : undefined;
  return node;
}

function setPath(obj: Obj, path: Path, value: unknown): void {
  let node = obj;
  for (const p of path.slice(0, -1)) {
    if (!isObj(Object.hasOwn(node, p) ? node[p] : undefined)) setMember(node, p, {});
    node = node[p] as Obj;
  }
  setMember(node, path[path.length - 1] as string, structuredClone(value));
}

function deletePath(obj: Obj, path: Path): void {
  const parents: Obj[] = [];
  let node: unknown = obj;
  for (const p of path.slice(0, -1)) {
    if (!isObj(node)) return;
    parents.push(node);
    node = Object.hasOwn(node, p) ? node[p] : undefined;
  }
  if (!isObj(node)) return;
  delete node[path[path.length - 1] as string];
  // Prune maps the removal left empty, as the apiserver does for fields nobody owns any more.
  for (let i = parents.length - 1; i >= 0; i--) {
    const key = path[i] as string;
    const child = (parents[i] as Obj)[key];
    if (isObj(child) && Object.keys(child).length === 0) delete (parents[i] as Obj)[key];
    else break;
  }
}

/** FieldsV1 (`{"f:spec":{"f:replicas":{}}}`) ↔ leaf paths. */
export function toFieldsV1(paths: Path[]): Obj {
  const root: Obj = {};
  for (const path of paths) {
    let node = root;
    for (const p of path) node = (node[`f:${p}`] ??= {}) as Obj;
  }
  return root;
}

export function fromFieldsV1(fields: unknown, prefix: Path = []): Path[] {
  if (!isObj(fields)) return [];
  const children = Object.entries(fields).filter(([k]) => k.startsWith('f:'));
  if (children.length === 0) return prefix.length ? [prefix] : [];
  return children.flatMap(([k, v]) => fromFieldsV1(v, [...prefix, k.slice(2)]));
}

interface ManagedFieldsEntry {
  manager: string;
  operation: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

function overlaps(a: Path, b: Path): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface ApplyInput {
  live: KubeObject | undefined;
  config: KubeObject;
  manager: string;
  force: boolean;
  apiVersion: string;
  now: string;
  /** For the conflict message and details. */
  qualifiedName: { group: string; kind: string; name: string };
}

/** Merges an applied configuration into the live object and records ownership; throws 409 on conflicts. */
export function serverSideApply(input: ApplyInput): KubeObject {
  const { live, config, manager, force } = input;
  const base: KubeObject = live ? structuredClone(live) : { metadata: { name: config.metadata.name } };
  const entries = ((base.metadata.managedFields as ManagedFieldsEntry[] | undefined) ?? []).map((e) => ({
    ...e,
    paths: fromFieldsV1(e.fieldsV1),
  }));
  const mine = entries.find((e) => e.manager === manager && e.operation === 'Apply');
  const others = entries.filter((e) => e !== mine);
  const applied = leafPaths(config);

  const conflicts: { entry: (typeof others)[number]; path: Path }[] = [];
  for (const path of applied) {
    const current = getPath(base, path);
    if (current === undefined || isDeepStrictEqual(current, getPath(config, path))) continue;
    for (const entry of others) {
      if (entry.operation === 'Apply' && entry.paths.some((p) => overlaps(p, path))) conflicts.push({ entry, path });
    }
  }
  if (conflicts.length && !force)
    throw conflictError(
      conflicts.map((c) => ({
        manager: c.entry.manager,
        apiVersion: c.entry.apiVersion ?? '',
        time: c.entry.time ?? '',
        field: `.${c.path.join('.')}`,
      })),
      input.qualifiedName,
    );
  for (const { entry, path } of conflicts) entry.paths = entry.paths.filter((p) => !overlaps(p, path));

  const appliedKeys = new Set(applied.map((p) => p.join('\u0000')));
  for (const old of mine?.paths ?? []) {
    const ownedElsewhere = others.some((e) => e.paths.some((p) => overlaps(p, old)));
    if (!appliedKeys.has(old.join('\u0000')) && !ownedElsewhere) deletePath(base, old);
  }
  for (const path of applied) setPath(base, path, getPath(config, path));

  const fieldsV1 = toFieldsV1(applied);
  // Re-applying the same fields to an unchanged object is a no-op in the apiserver: the entry keeps its time, so
  // the object (and its resourceVersion) does not change and no watch event is sent.
  const unchanged =
    mine !== undefined &&
    conflicts.length === 0 &&
    mine.apiVersion === input.apiVersion &&
    isDeepStrictEqual(fieldsV1, toFieldsV1(mine.paths)) &&
    applied.every((p) => isDeepStrictEqual(getPath(live, p), getPath(config, p)));
  const entry: ManagedFieldsEntry = {
    manager,
    operation: 'Apply',
    apiVersion: input.apiVersion,
    time: unchanged ? (mine.time ?? input.now) : input.now,
    fieldsType: 'FieldsV1',
    fieldsV1,
  };
  const managedFields: ManagedFieldsEntry[] = entries.flatMap(({ paths, ...e }): ManagedFieldsEntry[] => {
    if (e.manager === manager && e.operation === 'Apply') return [entry];
    if (e.operation !== 'Apply') return [e];
    return paths.length > 0 ? [{ ...e, fieldsV1: toFieldsV1(paths) }] : [];
  });
  if (!mine) managedFields.push(entry);
  managedFields.sort(compareEntries);
  base.metadata.managedFields = managedFields;
  return base;
}

/** The apiserver's order of managedFields: by operation, then time (to the second), then manager and apiVersion. */
function compareEntries(p: ManagedFieldsEntry, q: ManagedFieldsEntry): number {
  if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
  const seconds = (e: ManagedFieldsEntry) => (e.time ? Math.floor(Date.parse(e.time) / 1000) : 0);
  if (seconds(p) !== seconds(q)) return seconds(p) - seconds(q);
  if (p.manager !== q.manager) return p.manager < q.manager ? -1 : 1;
  return compareStrings(p.apiVersion ?? '', q.apiVersion ?? '');
}

function conflictError(
  list: { manager: string; apiVersion: string; time: string; field: string }[],
  target: ApplyInput['qualifiedName'],
): KubeApiError {
  const describe = (c: (typeof list)[number]) =>
    `conflict with "${c.manager}"${c.apiVersion ? ` using ${c.apiVersion}` : ''}${c.time ? ` at ${c.time}` : ''}`;
  const summary =
    list.length === 1
      ? `Apply failed with 1 conflict: ${describe(list[0]!)}: ${list[0]!.field}`
      : `Apply failed with ${list.length} conflicts: ${list.map((c) => `${describe(c)}: ${c.field}`).join('\n')}`;
  return new KubeApiError(409, 'Conflict', summary, {
    name: target.name,
    group: target.group,
    kind: target.kind,
    causes: list.map((c) => ({ type: 'FieldManagerConflict', message: describe(c), field: c.field })),
  });
}
