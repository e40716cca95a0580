import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from './models/object';
import { compareStrings } from '../shared/compare';

export type ChangeType = 'add' | 'update' | 'delete';

/** One change to the snapshot: which bundle key, what happened, and the object (its last state for deletes). */
export interface ClusterChange {
  resource: string;
  type: ChangeType;
  object: KubeObject;
}

/** `namespace/name`, or `name` for cluster-scoped objects; the identity of an object within one resource. */
export function objectKey(o: KubeObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
}

/** Deterministic order: namespace, then name (cluster-scoped objects first). */
export function compareObjects(a: KubeObject, b: KubeObject): number {
  const na = a.metadata.namespace ?? '';
  const nb = b.metadata.namespace ?? '';
  return compareStrings(na, nb) || compareStrings(a.metadata.name, b.metadata.name);
}

function sameObject(a: KubeObject, b: KubeObject): boolean {
  const ra = a.metadata.resourceVersion;
  // A resourceVersion identifies the object's content; compare content only when the server gives none.
  return ra !== undefined ? ra === b.metadata.resourceVersion : isDeepStrictEqual(a, b);
}

/**
 * The in-memory copy of the cluster, one map per bundle key. Pure: every mutation returns the change it
 * made (or null when nothing changed), so the caller decides what to emit.
 */
export class ClusterSnapshot {
  private readonly byResource = new Map<string, Map<string, KubeObject>>();

  private bucket(resource: string): Map<string, KubeObject> {
    let m = this.byResource.get(resource);
    if (!m) {
      m = new Map();
      this.byResource.set(resource, m);
    }
    return m;
  }

  upsert(resource: string, object: KubeObject): ClusterChange | null {
    const m = this.bucket(resource);
    const key = objectKey(object);
    const prev = m.get(key);
    if (prev && sameObject(prev, object)) return null;
    m.set(key, object);
    return { resource, type: prev ? 'update' : 'add', object };
  }

  remove(resource: string, object: KubeObject): ClusterChange | null {
    const m = this.byResource.get(resource);
    const key = objectKey(object);
    const prev = m?.get(key);
    if (!m || !prev) return null;
    m.delete(key);
    return { resource, type: 'delete', object: prev };
  }

  /** Deletes every object of `resource` whose key is not in `keep`; returns the deletes, sorted. */
  retainOnly(resource: string, keep: ReadonlySet<string>): ClusterChange[] {
    const m = this.byResource.get(resource);
    if (!m) return [];
    const gone = [...m.entries()]
      .filter(([k]) => !keep.has(k))
      .map(([, o]) => o)
      .sort(compareObjects);
    for (const o of gone) m.delete(objectKey(o));
    return gone.map((object) => ({ resource, type: 'delete' as const, object }));
  }

  /** Drops a whole resource (it was uninstalled); returns the deletes, sorted. */
  clear(resource: string): ClusterChange[] {
    return this.retainOnly(resource, new Set());
  }

  list(resource: string): KubeObject[] {
    return [...(this.byResource.get(resource)?.values() ?? [])].sort(compareObjects);
  }

  /** The bundle's `k8s` section: every requested key present (empty when none), objects sorted. */
  toRecord(keys: Iterable<string>): Record<string, KubeObject[]> {
    const out: Record<string, KubeObject[]> = {};
    for (const k of keys) out[k] = this.list(k);
    return out;
  }
}
