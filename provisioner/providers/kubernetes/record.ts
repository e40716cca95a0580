import { z } from 'zod';
import type { ResourceRecord, StateStore } from '../step';
import type { ObjectRef } from './object-ref';

/**
 * What the state records for a Kubernetes object: its reference, whether it is an ApplySet member (akb created
 * it), and for an object akb found in the cluster, each field akb sets with its value before akb's first change and
 * the value akb set, so destroy can put back exactly what akb changed, and only where nobody changed it since.
 */

const fieldValue = z.object({ path: z.array(z.string()), value: z.unknown().optional(), absent: z.boolean().optional() });
export type FieldValue = z.infer<typeof fieldValue>;

export const kubeRecordSchema = z.object({
  ref: z.object({
    apiVersion: z.string(),
    group: z.string(),
    version: z.string(),
    kind: z.string(),
    namespace: z.string().optional(),
    name: z.string(),
  }),
  member: z.boolean(),
  before: z.array(fieldValue).default([]),
  applied: z.array(fieldValue).default([]),
});
export type KubeRecord = z.infer<typeof kubeRecordSchema>;

export const PROVIDER = 'kubernetes';

export function readKubeRecord(r: ResourceRecord | undefined): KubeRecord | undefined {
  if (!r || r.provider !== PROVIDER) return undefined;
  const parsed = kubeRecordSchema.safeParse(r.data);
  return parsed.success ? parsed.data : undefined;
}

export function kubeRecords(state: StateStore): Array<{ id: string; record: ResourceRecord; data: KubeRecord }> {
  return state.entries('k8s:').flatMap(([id, record]) => {
    const data = readKubeRecord(record);
    return data ? [{ id, record, data }] : [];
  });
}

export const pathKey = (p: readonly string[]) => p.join('\u0000');

export function refData(ref: ObjectRef): KubeRecord['ref'] {
  return {
    apiVersion: ref.apiVersion,
    group: ref.group,
    version: ref.version,
    kind: ref.kind,
    ...(ref.namespace ? { namespace: ref.namespace } : {}),
    name: ref.name,
  };
}

/**
 * Settles a record a killed run left `pending` (written before an apply whose answer never came), from what the
 * cluster shows now: the object is there, so the apply went through (this run found nothing left to change); it is
 * not, so an object akb was to create never was. A record this run acted on is already `applied` and left alone.
 */
export async function settlePending(state: StateStore, id: string, job: string, exists: boolean): Promise<void> {
  const r = state.get(id);
  if (r?.status !== 'pending') return;
  if (exists) {
    const { updatedAt: _u, ...rest } = r;
    await state.put(id, { ...rest, status: 'applied', job });
  } else if (r.origin === 'created') await state.remove(id);
}
