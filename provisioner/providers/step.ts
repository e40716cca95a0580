import { z } from 'zod';

/**
 * The port between the apply engine and its providers: what a step is, what it may ask of the job while it runs,
 * and the state records it keeps. Pure types (and two error classes), so providers depend on this file, never on
 * the engine.
 *
 * A step of a provisioning job: one thing in the world (an APIC subtree, a Kubernetes object, a machine, a
 * check) reconciled the way Cluster API reconciles: observe what is there, compute what differs, act on that
 * difference only, wait for what the action started, and verify the result. Running a step again after a crash
 * or a failure is the resume: each phase starts from what it observes, never from what a previous run did.
 *
 * Steps know nothing of each other beyond `dependsOn`; the runner orders and bounds them. Providers (ACI,
 * Kubernetes, vSphere, SSH) implement steps; the engine core never changes to add one.
 */

export type StepId = string;

/** One changed field, for diff output. Values are display strings; secrets are shown as `(secret)` only. */
export interface FieldChange {
  path: string;
  from?: string;
  to?: string;
}

export type ChangeAction = 'create' | 'update' | 'delete' | 'adopt' | 'restore';

/** One change a step would make (diff) or made (apply). */
export interface Change {
  action: ChangeAction;
  /** What changes: an APIC DN, a Kubernetes object reference, a machine name. */
  target: string;
  fields?: FieldChange[];
  note?: string;
}

/** Progress of a long wait, e.g. 3 of 6 sessions established. */
export interface Progress {
  done: number;
  total: number;
}

export interface PollOptions {
  /** How long before the wait fails (default 120 s). */
  timeoutMs?: number;
  intervalMs?: number;
}

/** What a poll check reports: done, or what is still missing (shown as progress). */
export type PollResult<T> = { done: true; value: T } | { done: false; status: string; progress?: Progress };

/**
 * One record of the cluster's state, keyed by a stable resource ID (`aci:<dn>`, `k8s:<group>/<Kind>/<ns>/<name>`,
 * machine IDs). Providers record an intent (`pending`) before they act and confirm it (`applied`) after, so a
 * process killed between the two leaves a record the next run resolves by looking at the world.
 */
export const resourceRecordSchema = z.object({
  provider: z.string().min(1),
  /**
   * created: akb made it (destroy deletes it). adopted: it pre-existed and `--adopt` took it over (destroy deletes
   * it). existing: it pre-existed and akb changed only some of it (destroy puts back what akb changed).
   */
  origin: z.enum(['created', 'adopted', 'existing']),
  /** pending: about to be acted on (a crash may or may not have let the action through). */
  status: z.enum(['pending', 'applied']),
  /** The job that last wrote the record. */
  job: z.string(),
  updatedAt: z.string(),
  data: z.record(z.string(), z.unknown()).default({}),
});
export type ResourceRecord = z.infer<typeof resourceRecordSchema>;

/** A draft of the state, changed by `StateStore.update` callers. */
export interface StateDraft {
  resources: Record<string, ResourceRecord>;
  facts: Record<string, unknown>;
}

/** The cluster's state as steps see it: reads are immediate, every write is durable once its promise resolves. */
export interface StateStore {
  get(id: string): ResourceRecord | undefined;
  /** Records whose ID starts with `prefix`, in ID order. */
  entries(prefix?: string): Array<[string, ResourceRecord]>;
  /** A small provider-level fact (the ACI snapshot taken before a job, …). */
  fact<T>(name: string): T | undefined;
  /** Applies `change` to a draft and persists the result; calls are serialised. */
  update(change: (draft: StateDraft) => void): Promise<void>;
  put(id: string, record: Omit<ResourceRecord, 'updatedAt'>): Promise<void>;
  remove(...ids: string[]): Promise<void>;
}

export interface StepContext {
  readonly job: string;
  readonly mode: 'apply' | 'diff' | 'destroy';
  /** Aborted when the job is cancelled: long waits and requests must stop. */
  readonly signal: AbortSignal;
  readonly state: StateStore;
  /** Reports what the step waits for (shown to the user, with progress). */
  waiting(what: string, progress?: Progress): void;
  /** A non-fatal problem worth the user's attention. */
  warn(message: string): void;
  /**
   * Calls `check` until it reports done, emitting `waiting` events naming `what` with the check's progress;
   * throws WaitTimeoutError naming `what` and the last status when the timeout passes.
   */
  poll<T>(what: string, check: () => Promise<PollResult<T>>, opts?: PollOptions): Promise<T>;
}

export interface Step<Observed = unknown> {
  readonly id: StepId;
  readonly dependsOn: readonly StepId[];
  /** What the step is about, in words (`Deployment akb/akb`, `L3Out K8s_L3OUT`). */
  readonly title: string;
  /** A check-only step (verification) has nothing to diff: `akb diff` skips it. */
  readonly checkOnly?: boolean;
  /** Reads the world. Never writes. */
  observe(ctx: StepContext): Promise<Observed>;
  /**
   * What would change. May throw a StepRefusedError (e.g. an existing object akb does not own): the step fails
   * before anything is written.
   */
  diff(observed: Observed, ctx: StepContext): Promise<Change[]> | Change[];
  /** Makes the world match; called only when `diff` found changes. */
  act(observed: Observed, changes: readonly Change[], ctx: StepContext): Promise<void>;
  /** Waits until what the step made is ready (runs even when nothing changed: a crash may have left it starting). */
  wait?(ctx: StepContext): Promise<void>;
  /**
   * Checks the result after an action. Default: observe and diff again, and fail if anything still differs
   * (catches a system that accepted a write but did not apply it).
   */
  verify?(ctx: StepContext): Promise<void>;
}

/** The step cannot proceed without the user deciding something (e.g. `--adopt`); nothing was written. */
export class StepRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepRefusedError';
  }
}

export class WaitTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly lastStatus: string,
    readonly timeoutMs: number,
  ) {
    super(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}: ${lastStatus}`);
    this.name = 'WaitTimeoutError';
  }
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}
