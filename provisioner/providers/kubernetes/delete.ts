import type { StepContext } from '../step';
import { APPLYSET_LABELS } from './applyset';
import type { KubeClient } from './client';
import { describeRef, type ObjectRef, type ResourceInfo } from './object-ref';

/** Deletion order: contents before containers (namespaced objects, then cluster-scoped ones, CRDs, namespaces last). */
export function deletionRank(r: Pick<ObjectRef, 'kind' | 'namespace'>): number {
  if (r.kind === 'Namespace') return 3;
  if (r.kind === 'CustomResourceDefinition') return 2;
  return r.namespace ? 0 : 1;
}

export type DeleteOutcome = 'deleted' | 'absent' | 'not-akbs';

/**
 * Deletes an object only if the cluster shows it as akb's (it carries akb's ApplySet membership label), and waits
 * until it is gone (finalizers may hold it).
 */
export async function deleteOwned(
  client: KubeClient,
  ref: ObjectRef,
  info: ResourceInfo,
  applySetId: string,
  ctx: StepContext,
  timeoutMs: number,
): Promise<DeleteOutcome> {
  const live = await client.get(ref, info);
  if (!live) return 'absent';
  if (live.metadata.labels?.[APPLYSET_LABELS.partOf] !== applySetId) return 'not-akbs';
  await client.delete(ref, info);
  await ctx.poll(
    `${describeRef(ref)} to be deleted`,
    async () => ((await client.get(ref, info)) ? { done: false, status: 'still there (finalizers?)' } : { done: true, value: undefined }),
    { timeoutMs, intervalMs: 300 },
  );
  return 'deleted';
}
