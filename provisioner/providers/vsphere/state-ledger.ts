import type { CloneLedger, CloneRecord } from './clone-ledger';

/**
 * The clone ledger kept in the apply engine's cluster state (`state.json`), one record per node VM under
 * `vsphere:<node>`: `pending` with the request time and task while a clone may be in flight, `applied` (origin
 * `created`) once the VM exists, removed once destroyed. Typed structurally on the few ClusterState methods it
 * uses, so the provider does not depend on the engine.
 */
export interface StateRecordStore {
  get(id: string): { status: 'pending' | 'applied'; data: Record<string, unknown> } | undefined;
  put(
    id: string,
    record: { provider: string; origin: 'created'; status: 'pending' | 'applied'; job: string; data: Record<string, unknown> },
  ): Promise<void>;
  remove(...ids: string[]): Promise<void>;
}

export const vmResourceId = (node: string): string => `vsphere:${node}`;

export function stateCloneLedger(state: StateRecordStore, job: string): CloneLedger {
  return {
    get: async (node) => {
      const r = state.get(vmResourceId(node));
      if (r?.status !== 'pending') return undefined;
      const { instanceUuid, requestedAt, task } = r.data;
      if (typeof instanceUuid !== 'string' || typeof requestedAt !== 'string') return undefined;
      return { node, instanceUuid, requestedAt, ...(typeof task === 'string' ? { task } : {}) } satisfies CloneRecord;
    },
    put: (rec) =>
      state.put(vmResourceId(rec.node), {
        provider: 'vsphere',
        origin: 'created',
        status: 'pending',
        job,
        data: { instanceUuid: rec.instanceUuid, requestedAt: rec.requestedAt, ...(rec.task ? { task: rec.task } : {}) },
      }),
    settle: (node, instanceUuid) =>
      state.put(vmResourceId(node), { provider: 'vsphere', origin: 'created', status: 'applied', job, data: { instanceUuid } }),
    forget: (node) => state.remove(vmResourceId(node)),
  };
}
