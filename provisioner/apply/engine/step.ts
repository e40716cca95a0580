import type { ClusterState } from '../state/cluster-state';

/**
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

export interface StepContext {
  readonly job: string;
  readonly mode: 'apply' | 'diff' | 'destroy';
  /** Aborted when the job is cancelled: long waits and requests must stop. */
  readonly signal: AbortSignal;
  readonly state: ClusterState;
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
