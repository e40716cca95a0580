import { z } from 'zod';

/**
 * The events that change a running lab's world. Each is validated here (shape) and by the mutation it maps to
 * (the objects it names must exist), so a bad event is rejected before anything changes.
 */
const name = z.string().min(1, 'must be a non-empty name');
const namespace = z.string().min(1).default('default');
const leafId = z.number().int().min(101).max(4000);
const rack = z.number().int().min(1);

export const labEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('scale-deployment'), namespace, name, replicas: z.number().int().min(0).max(1000) }),
  z.object({ kind: z.literal('kill-pod'), namespace, name }),
  z.object({ kind: z.literal('drain-node'), node: name }),
  z.object({ kind: z.literal('uncordon-node'), node: name }),
  z.object({ kind: z.literal('fail-node'), node: name }),
  z.object({ kind: z.literal('recover-node'), node: name }),
  z.object({ kind: z.literal('session-down'), leaf: leafId, node: name }),
  z.object({ kind: z.literal('session-up'), leaf: leafId, node: name }),
  /** The node side of a rack's peering gets a wrong AS for the fabric, or a wrong password. */
  z.object({
    kind: z.literal('misconfigure-session'),
    rack,
    what: z.enum(['as', 'password']),
    as: z.number().int().min(1).max(4294967295).optional(),
    password: z.string().min(1).optional(),
  }),
  /** Restores a rack's peering to the scenario's configuration. */
  z.object({ kind: z.literal('fix-session'), rack }),
  z.object({
    kind: z.literal('move-cable'),
    host: name,
    link: z.number().int().min(0).default(0),
    leaves: z.array(leafId).min(1).max(2),
    ports: z.array(z.string().regex(/^eth\d+\/\d+(\/\d+)?$/, 'must be a leaf port like eth1/12')).min(1),
    linkKind: z.enum(['single', 'pc', 'vpc']).optional(),
    nics: z.array(z.string().min(1)).optional(),
    policyGroup: z.string().min(1).optional(),
  }),
  z.object({
    kind: z.literal('add-leaf'),
    id: leafId,
    name: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, 'must be a lower-case DNS name')
      .optional(),
    rack: rack.optional(),
    vpcPeer: leafId.optional(),
  }),
  z.object({ kind: z.literal('set-traffic-policy'), namespace, name, policy: z.enum(['Cluster', 'Local']) }),
  /** The node's interface is re-addressed or moved to another VLAN (its port group's, or a re-tagged bare-metal NIC). */
  z
    .object({
      kind: z.literal('set-node-network'),
      node: name,
      ip: z
        .string()
        .regex(/^(\d{1,3}\.){3}\d{1,3}$/, 'must be a dotted-quad IPv4 address')
        .optional(),
      vlan: z.number().int().min(1).max(4094).optional(),
    })
    .refine((e) => e.ip !== undefined || e.vlan !== undefined, { message: 'give ip, vlan or both', path: ['ip'] }),
]);

export type LabEvent = z.output<typeof labEventSchema>;
export type LabEventInput = z.input<typeof labEventSchema>;
export type LabEventKind = LabEvent['kind'];
export const LAB_EVENT_KINDS = labEventSchema.options.map((o) => o.shape.kind.value) as LabEventKind[];

/** An event that was rejected: `issues` are `field: problem` lines; nothing was changed. */
export class LabEventError extends Error {
  constructor(
    readonly issues: string[],
    /** 400: malformed; 404: names an object the lab does not have; 422: valid but the resulting world is not. */
    readonly status: 400 | 404 | 422,
  ) {
    super(`invalid lab event: ${issues.join('; ')}`);
    this.name = 'LabEventError';
  }
}

export function parseLabEvent(input: unknown): LabEvent {
  const r = labEventSchema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => {
    const path = i.path.join('.') || '(root)';
    if (i.code === 'invalid_union' && path === 'kind') return `kind: must be one of ${LAB_EVENT_KINDS.join(', ')}`;
    return `${path}: ${i.message}`;
  });
  throw new LabEventError(issues, 400);
}

/** At most this many events in one `POST /events/batch`. */
export const MAX_BATCH_EVENTS = 1000;

/**
 * A batch: `{ "events": [...] }`, every event validated before any is applied. Issues name the event by index
 * (`events.3.replicas: ...`).
 */
export function parseLabEventBatch(input: unknown): LabEvent[] {
  const shape = z
    .object({
      events: z
        .array(z.unknown())
        .min(1, 'must hold at least one event')
        .max(MAX_BATCH_EVENTS, `must hold at most ${MAX_BATCH_EVENTS} events`),
    })
    .safeParse(input);
  if (!shape.success)
    throw new LabEventError(
      shape.error.issues.map(
        (i) => `${i.path.join('.') || '(root)'}: ${i.path.length ? i.message : 'must be an object { "events": [ ... ] }'}`,
      ),
      400,
    );
  const issues: string[] = [];
  const events: LabEvent[] = [];
  shape.data.events.forEach((e, i) => {
    try {
      events.push(parseLabEvent(e));
    } catch (err) {
      if (!(err instanceof LabEventError)) throw err;
      issues.push(...err.issues.map((line) => `events.${i}.${line}`));
    }
  });
  if (issues.length) throw new LabEventError(issues, 400);
  return events;
}

/** A batch applied as one change: every event in order, then one sync of both servers. */
export interface LabEventBatchResult {
  events: LabEvent[];
  generation: number;
  kubernetes: { created: number; updated: number; deleted: number };
  apic: { upserted: number; deleted: number };
}

export interface LabEventResult {
  event: LabEvent;
  /** The world generation after the event. */
  generation: number;
  /** Objects written to each server by the resulting sync. */
  kubernetes: { created: number; updated: number; deleted: number };
  apic: { upserted: number; deleted: number };
}

/** One line per event kind with its fields (`[field]` when optional), for help texts. */
export function describeLabEvents(): string[] {
  return labEventSchema.options.map((option) => {
    const fields = Object.entries(option.shape as Record<string, z.ZodType>)
      .filter(([name]) => name !== 'kind')
      .map(([name, schema]) => (schema.safeParse(undefined).success ? `[${name}]` : name));
    return `${option.shape.kind.value} ${fields.join(' ')}`.trim();
  });
}
