import { z } from 'zod';
import type { WireMo } from './mo';

/** A successful APIC answer (WIRE.md A2.4, A4.3): `totalCount` and `subscriptionId` are strings when present. */
export interface ApicEnvelope {
  totalCount?: number;
  subscriptionId?: string;
  imdata: WireMo[];
}

const moBodySchema = z.object({ attributes: z.record(z.string(), z.string()), children: z.array(z.unknown()).optional() });

const envelopeSchema = z.object({
  totalCount: z.string().regex(/^\d+$/).optional(),
  subscriptionId: z.string().optional(),
  imdata: z.array(z.record(z.string(), moBodySchema).refine((o) => Object.keys(o).length === 1, 'must have exactly one class key')),
});

/** Validates a 2xx body. Only the top level of each MO is checked; children keep the WireMo shape by contract. */
export function parseEnvelope(body: string, what: string): ApicEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Error(`${what}: APIC answer is not JSON`);
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${what}: APIC answer invalid at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const { totalCount, subscriptionId, imdata } = parsed.data;
  return {
    ...(totalCount !== undefined ? { totalCount: Number(totalCount) } : {}),
    ...(subscriptionId !== undefined ? { subscriptionId } : {}),
    imdata: imdata as WireMo[],
  };
}
