import { z } from 'zod';
import type { ResourceRecord, StateStore } from '../step';

/** What the state records for an APIC object akb created or adopted: its class, its payload, digests of write-only values. */
export const aciRecordSchema = z.object({
  cls: z.string(),
  /** The payload (step) it was written with. */
  root: z.string(),
  /** attribute → keyed digest of the value akb last wrote (APIC never returns a password: this is how akb diffs it). */
  digests: z.record(z.string(), z.string()).default({}),
});
export type AciRecord = z.infer<typeof aciRecordSchema>;

export const ACI_PROVIDER = 'aci';
export const ANNOTATION = 'orchestrator:akb';

export const aciId = (dn: string) => `aci:${dn}`;

export function readAciRecord(r: ResourceRecord | undefined): AciRecord | undefined {
  if (!r || r.provider !== ACI_PROVIDER) return undefined;
  const parsed = aciRecordSchema.safeParse(r.data);
  return parsed.success ? parsed.data : undefined;
}

export function aciRecords(state: StateStore): Array<{ dn: string; record: ResourceRecord; data: AciRecord }> {
  return state.entries('aci:').flatMap(([id, record]) => {
    const data = readAciRecord(record);
    return data ? [{ dn: id.slice(4), record, data }] : [];
  });
}
