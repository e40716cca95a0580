import { z } from 'zod';

/**
 * The events of a job: what `akb apply --json` prints (one per line), what the journal records and what the
 * UI will stream. The schema is the contract: parse with `jobEventSchema` on the consuming side.
 * No event ever carries a secret value (the job scrubs every known secret before an event leaves it).
 */

const fieldChange = z.object({ path: z.string(), from: z.string().optional(), to: z.string().optional() });
export const changeSchema = z.object({
  action: z.enum(['create', 'update', 'delete', 'adopt', 'restore']),
  target: z.string(),
  fields: z.array(fieldChange).optional(),
  note: z.string().optional(),
});
const progress = z.object({ done: z.number(), total: z.number() });

export const COMMANDS = ['apply', 'diff', 'destroy'] as const;
export type JobCommand = (typeof COMMANDS)[number];

const base = { job: z.string(), time: z.string() };
const stepBase = { ...base, step: z.string() };

export const jobEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('job-started'),
    ...base,
    command: z.enum(COMMANDS),
    cluster: z.string(),
    stateDir: z.string(),
    pid: z.number(),
    steps: z.array(z.object({ id: z.string(), title: z.string(), dependsOn: z.array(z.string()) })),
    /** Jobs of this cluster that were interrupted (killed) before finishing; this job takes over from them. */
    interrupted: z.array(z.string()).optional(),
  }),
  /** What the job would change, before it asks for confirmation (apply, destroy) or as its result (diff). */
  z.object({
    type: z.literal('plan'),
    ...base,
    steps: z.array(z.object({ step: z.string(), title: z.string(), changes: z.array(changeSchema) })),
    changes: z.number(),
  }),
  z.object({ type: z.literal('confirmed'), ...base, by: z.enum(['--yes', 'user', 'nothing-to-change']) }),
  z.object({ type: z.literal('step-started'), ...stepBase, title: z.string() }),
  z.object({ type: z.literal('step-diff'), ...stepBase, changes: z.array(changeSchema) }),
  z.object({ type: z.literal('step-acting'), ...stepBase, changes: z.number() }),
  z.object({
    type: z.literal('step-waiting'),
    ...stepBase,
    for: z.string(),
    progress: progress.optional(),
    elapsedMs: z.number(),
  }),
  z.object({ type: z.literal('step-verifying'), ...stepBase }),
  z.object({
    type: z.literal('step-succeeded'),
    ...stepBase,
    outcome: z.enum(['unchanged', 'changed', 'would-change', 'checked']),
    changes: z.number(),
    elapsedMs: z.number(),
  }),
  z.object({ type: z.literal('step-failed'), ...stepBase, error: z.string(), refused: z.boolean().optional(), elapsedMs: z.number() }),
  z.object({ type: z.literal('step-skipped'), ...stepBase, reason: z.string() }),
  z.object({ type: z.literal('warning'), ...base, step: z.string().optional(), message: z.string() }),
  z.object({ type: z.literal('info'), ...base, step: z.string().optional(), message: z.string() }),
  z.object({
    type: z.literal('job-finished'),
    ...base,
    outcome: z.enum(['succeeded', 'failed', 'cancelled', 'declined']),
    summary: z.object({ succeeded: z.number(), changed: z.number(), failed: z.number(), skipped: z.number() }),
    error: z.string().optional(),
    /** What is left behind (destroy): resources akb could not remove. */
    left: z.array(z.string()).optional(),
  }),
]);

export type JobEvent = z.infer<typeof jobEventSchema>;
export type JobEventType = JobEvent['type'];
/** An event as a step or the job emits it; the job stamps `job` and `time`. */
export type JobEventInput = JobEvent extends infer E ? (E extends JobEvent ? Omit<E, 'job' | 'time'> : never) : never;
