import { isDeepStrictEqual } from 'node:util';
import type { StepContext } from '../step';
import type { KubeObject } from '../../../lib/topology/bundle-types';
import type { KubeClient } from './client';
import { valueAt } from './object-diff';
import { describeRef, type ObjectRef, type ResourceInfo } from './object-ref';
import { pathKey, type KubeRecord } from './record';

/**
 * Undoing akb's changes to an object it did not create (a Node's rack label, a field of an existing Calico
 * object): first akb stops managing the object (an apply of nothing as `akb` drops the fields only akb held), then a
 * merge patch puts back each field's value from before akb's first change, or removes a field akb added. A field
 * someone changed after akb is left as it is and reported.
 */

function patchOf(fields: KubeRecord['before']): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const f of fields) {
    let node = root;
    for (const p of f.path.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
    node[f.path[f.path.length - 1]!] = f.absent ? null : structuredClone(f.value);
  }
  return root;
}

export interface RestoreResult {
  restored: string[];
  /** Fields left because their value is no longer the one akb set. */
  keptChanged: string[];
  gone: boolean;
}

export async function restoreObject(
  client: KubeClient,
  ref: ObjectRef,
  info: ResourceInfo,
  record: KubeRecord,
  ctx: StepContext,
): Promise<RestoreResult> {
  const live = await client.get(ref, info);
  if (!live) return { restored: [], keptChanged: [], gone: true };
  const applied = new Map(record.applied.map((f) => [pathKey(f.path), f]));
  const still = (o: KubeObject, f: KubeRecord['before'][number]) => {
    const mine = applied.get(pathKey(f.path));
    const now = valueAt(o, f.path);
    return mine ? (mine.absent ? now === undefined : isDeepStrictEqual(now, mine.value)) : false;
  };
  const restore = record.before.filter((f) => still(live, f));
  const keptChanged = record.before.filter((f) => !still(live, f)).map((f) => f.path.join('.'));
  for (const path of keptChanged) ctx.warn(`${describeRef(ref)}: ${path} was changed after akb set it; left as it is`);
  // Stop managing: akb's fields that nobody else holds are removed, the rest stay with their other owners.
  await client.apply(
    { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } },
    ref,
    info,
  );
  if (restore.length > 0) await client.mergePatch(ref, info, patchOf(restore));
  return { restored: restore.map((f) => f.path.join('.')), keptChanged, gone: false };
}
