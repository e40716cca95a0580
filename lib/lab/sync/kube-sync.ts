import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../k8s/models/object';
import { KubeApiError, type KubeStore } from '../k8s';

/** `plural|namespace|name`: how the sync identifies an object it manages. */
export type KubeKey = string;

export function kubeKey(plural: string, namespace: string | undefined, name: string): KubeKey {
  return `${plural}|${namespace ?? ''}|${name}`;
}

/** Writes are ordered so containers exist before their contents (and go after them on delete). */
const FIRST = ['namespaces', 'customresourcedefinitions', 'nodes'];

function rank(plural: string): number {
  const i = FIRST.indexOf(plural);
  return i === -1 ? FIRST.length : i;
}

interface Owned {
  plural: string;
  namespace?: string;
  name: string;
  /** What the sync last wrote (as derived, before the store stamps uid/resourceVersion). */
  derived: KubeObject;
}

export interface KubeSyncStats {
  created: number;
  updated: number;
  deleted: number;
}

type StringMap = Record<string, string> | undefined;

/** The live keys, with those the derivation changed since it last wrote set (or removed) as it now says. */
function mergeKeys(live: unknown, before: unknown, want: unknown): Record<string, string> | undefined {
  const out: Record<string, string> = { ...((live as StringMap) ?? {}) };
  const b = (before as StringMap) ?? {};
  const w = (want as StringMap) ?? {};
  for (const k of new Set([...Object.keys(b), ...Object.keys(w)])) {
    if (b[k] === w[k]) continue;
    if (w[k] === undefined) delete out[k];
    else out[k] = w[k];
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function isStatus(err: unknown, code: number): boolean {
  return err instanceof KubeApiError && err.code === code;
}

/**
 * Keeps a KubeStore in line with a derived object set, touching only what changed. It manages only objects it
 * wrote itself: anything created through the API by someone else is left alone (unless the derivation later
 * claims the same name, in which case the derivation wins, as a controller would).
 */
export class KubeSync {
  private readonly owned = new Map<KubeKey, Owned>();

  constructor(private readonly store: KubeStore) {}

  /** True if the object at this key was written by the sync (and is still wanted by it). */
  owns(plural: string, namespace: string | undefined, name: string): boolean {
    return this.owned.has(kubeKey(plural, namespace, name));
  }

  apply(derived: Record<string, KubeObject[]>): KubeSyncStats {
    const stats: KubeSyncStats = { created: 0, updated: 0, deleted: 0 };
    const wanted = new Map<KubeKey, Owned>();
    const plurals = Object.keys(derived).sort((a, b) => rank(a) - rank(b));
    for (const plural of plurals) {
      for (const obj of derived[plural] ?? []) {
        const namespace = obj.metadata.namespace;
        wanted.set(kubeKey(plural, namespace, obj.metadata.name), { plural, namespace, name: obj.metadata.name, derived: obj });
      }
    }
    // Deletions first, contents before containers: pods go before their node, everything before its namespace.
    const doomed = [...this.owned].filter(([key]) => !wanted.has(key)).sort(([, a], [, b]) => rank(b.plural) - rank(a.plural));
    for (const [key, o] of doomed) {
      this.owned.delete(key);
      try {
        this.store.delete(o.plural, o.name, o.namespace);
        stats.deleted++;
      } catch (err) {
        if (!isStatus(err, 404)) throw err;
      }
    }
    for (const [key, want] of wanted) {
      const had = this.owned.get(key);
      // The same object (a derivation memoised it) is unchanged without looking inside.
      if (had && (had.derived === want.derived || isDeepStrictEqual(had.derived, want.derived))) continue;
      this.write(want, stats, had);
      this.owned.set(key, want);
    }
    return stats;
  }

  private write(want: Owned, stats: KubeSyncStats, had: Owned | undefined): void {
    const def = this.store.resource(want.plural);
    const current = this.store.tryGet(def, want.name, want.namespace);
    if (!current) {
      this.store.create(want.derived, { resource: def, namespace: want.namespace });
      stats.created++;
      return;
    }
    // Replace spec/metadata, then status (the main update keeps the status of resources with a status subresource).
    const body: KubeObject = { ...structuredClone(want.derived), metadata: { ...structuredClone(want.derived.metadata) } };
    // Labels and annotations are shared with users (`kubectl label`, a plan's rack labels applied server-side):
    // only the keys whose derived value changed since the last write are set or removed; the rest stay as they are.
    for (const field of ['labels', 'annotations'] as const) {
      const merged = mergeKeys(current.metadata[field], had?.derived.metadata[field], want.derived.metadata[field]);
      if (merged) body.metadata[field] = merged;
      else delete body.metadata[field];
    }
    delete body.metadata.uid;
    delete body.metadata.creationTimestamp;
    const before = current.metadata.resourceVersion;
    let after = this.store.update(body, { resource: def, namespace: want.namespace });
    if (def.statusSubresource && want.derived.status !== undefined && !isDeepStrictEqual(after.status, want.derived.status)) {
      after = this.store.update(
        { ...after, status: structuredClone(want.derived.status) },
        { resource: def, namespace: want.namespace, subresource: 'status' },
      );
    }
    if (after.metadata.resourceVersion !== before) stats.updated++;
  }
}
