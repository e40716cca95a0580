import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Channel } from './engine/channel';
import type { JobCommand, JobEvent, JobEventInput } from './engine/events';
import { Redactor } from './engine/redactor';
import { runSteps, type RunResult } from './engine/runner';
import type { Change, Step } from '../providers/step';
import { removeStaleTemporaries } from './state/atomic-file';
import { ClusterState } from './state/cluster-state';
import { JournalWriter } from './state/journal';
import { interruptedJobs } from './jobs';
import { acquireLock, LockHeldError, type HeldLock } from './state/lock';
import { SecretStore } from './state/secret-store';

/**
 * A job: one run of apply, diff or destroy for one cluster. It takes the cluster's lock (apply, destroy), opens
 * its state, secret store and journal, builds the steps, shows what would change and asks for confirmation, runs
 * the steps, and journals every event. The same events stream to the caller (CLI, UI) as they happen.
 * Running the same job again after a kill is the resume: the steps start from what they observe.
 */

/** What steps are built from and report through. */
export interface JobEnvironment {
  readonly job: string;
  readonly command: JobCommand;
  readonly stateDir: string;
  readonly state: ClusterState;
  readonly secrets: SecretStore;
  /** Every secret value the job learns goes in here, so no event, journal line or error carries it. */
  readonly redactor: Redactor;
  readonly signal: AbortSignal;
  emit(event: JobEventInput): void;
}

export interface PlanSummary {
  steps: Array<{ step: string; title: string; changes: Change[] }>;
  changes: number;
}

export interface JobDefinition {
  command: JobCommand;
  cluster: string;
  /** The cluster's state directory (created if absent). */
  stateDir: string;
  /** Key material of the secret store (resolved from the state key reference). */
  stateKey: string;
  build(env: JobEnvironment): Promise<Step[]>;
  /** Asked before anything changes (apply, destroy) when the plan has changes; absent means yes (`--yes`). */
  confirm?(plan: PlanSummary): Promise<boolean>;
  concurrency?: number;
  /** Called when an apply fails after changing something (e.g. the ACI rollback to a snapshot). */
  onFailure?(env: JobEnvironment, result: RunResult): Promise<void>;
  /** Called at the end of a run: what was left behind (destroy). */
  finish?(env: JobEnvironment, result: RunResult): Promise<{ left?: string[] }>;
}

export type JobErrorKind = 'locked' | 'input' | 'runtime';

export interface JobOutcome {
  job: string;
  outcome: 'succeeded' | 'failed' | 'cancelled' | 'declined';
  /** Changes found (diff) or planned (apply, destroy). */
  changes: number;
  error?: string;
  errorKind?: JobErrorKind;
  left?: string[];
  result?: RunResult;
}

export interface JobHandle {
  readonly id: string;
  /** Every event of the job, in order; ends after `job-finished`. */
  readonly events: AsyncIterable<JobEvent>;
  cancel(): void;
  readonly done: Promise<JobOutcome>;
}

/** Input errors (bad spec values, unresolvable secret references): the CLI exits 2 for them. */
export class JobInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobInputError';
  }
}

export function newJobId(now = new Date()): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

function errorKind(err: unknown): JobErrorKind {
  if (err instanceof LockHeldError) return 'locked';
  if (err instanceof JobInputError || (err instanceof Error && ['SecretRefError', 'StateError', 'SecretStoreError'].includes(err.name)))
    return 'input';
  return 'runtime';
}

/** Starts a job; returns at once with its event stream and outcome. */
export function startJob(def: JobDefinition): JobHandle {
  const id = newJobId();
  const channel = new Channel<JobEvent>();
  const abort = new AbortController();
  const redactor = new Redactor();
  redactor.add(def.stateKey);
  let journal: JournalWriter | undefined;
  let journalError: Error | undefined;

  // The plan pass and the run both diff each step: a warning found twice is said once.
  const warned = new Set<string>();
  const emit = (input: JobEventInput): void => {
    if (input.type === 'warning') {
      const key = `${input.step ?? ''}\u0000${input.message}`;
      if (warned.has(key)) return;
      warned.add(key);
    }
    const event = redactor.value({ ...input, job: id, time: new Date().toISOString() }) as JobEvent;
    channel.push(event);
    journal?.append(event).catch((err: unknown) => (journalError ??= err instanceof Error ? err : new Error(String(err))));
  };

  const run = async (): Promise<JobOutcome> => {
    const dir = resolve(def.stateDir);
    let lock: HeldLock | undefined;
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const writes = def.command !== 'diff';
      let interrupted: string[] = [];
      if (writes) {
        lock = (await acquireLock(dir, id, def.command)).lock;
        await removeStaleTemporaries(dir);
        interrupted = await interruptedJobs(dir);
        journal = await JournalWriter.open(dir);
      }
      const state = await ClusterState.load(dir, def.cluster, { persist: writes });
      const secrets = await SecretStore.open(dir, def.stateKey, { readOnly: !writes });
      redactor.add(...secrets.values());
      const env: JobEnvironment = { job: id, command: def.command, stateDir: dir, state, secrets, redactor, signal: abort.signal, emit };
      const steps = await def.build(env);
      emit({
        type: 'job-started',
        command: def.command,
        cluster: def.cluster,
        stateDir: dir,
        pid: process.pid,
        steps: steps.map((s) => ({ id: s.id, title: s.title, dependsOn: [...s.dependsOn] })),
        ...(interrupted.length > 0 ? { interrupted } : {}),
      });
      const base = { job: id, state, concurrency: def.concurrency, signal: abort.signal, emit };
      const planRun = await runSteps(steps, { ...base, mode: 'diff' });
      const plan: PlanSummary = { steps: [], changes: 0 };
      for (const s of steps) {
        const r = planRun.results.get(s.id);
        if (r?.status === 'succeeded' && r.changes.length > 0) {
          plan.steps.push({ step: s.id, title: s.title, changes: r.changes });
          plan.changes += r.changes.length;
        }
      }
      emit({ type: 'plan', ...plan });
      const failedPlan = [...planRun.results.entries()].find(([, r]) => r.status === 'failed');
      if (def.command === 'diff' || (failedPlan && def.command === 'apply')) {
        return await finish(
          env,
          planRun,
          plan.changes,
          failedPlan ? 'failed' : 'succeeded',
          failedPlan && `${failedPlan[0]}: ${String((failedPlan[1] as { error: Error }).error.message)}`,
        );
      }
      if (plan.changes > 0 && def.confirm) {
        const yes = await def.confirm(plan);
        if (!yes) return await finish(env, planRun, plan.changes, 'declined');
        emit({ type: 'confirmed', by: 'user' });
      } else emit({ type: 'confirmed', by: plan.changes === 0 ? 'nothing-to-change' : '--yes' });
      const result = await runSteps(steps, { ...base, mode: def.command, continueOnError: def.command === 'destroy' });
      if (!result.ok && !result.cancelled && def.onFailure) await def.onFailure(env, result);
      const outcome = result.cancelled ? 'cancelled' : result.ok ? 'succeeded' : 'failed';
      const firstFailure = [...result.results.entries()].find(([, r]) => r.status === 'failed');
      return await finish(
        env,
        result,
        plan.changes,
        outcome,
        firstFailure && `${firstFailure[0]}: ${(firstFailure[1] as { error: Error }).error.message}`,
      );
    } catch (err) {
      const message = redactor.text(err instanceof Error ? err.message : String(err));
      emit({ type: 'job-finished', outcome: 'failed', summary: { succeeded: 0, changed: 0, failed: 0, skipped: 0 }, error: message });
      return { job: id, outcome: 'failed', changes: 0, error: message, errorKind: errorKind(err) };
    } finally {
      await journal?.close().catch(() => undefined);
      await lock?.release().catch(() => undefined);
      channel.close();
    }
  };

  const finish = async (
    env: JobEnvironment,
    result: RunResult,
    changes: number,
    outcome: JobOutcome['outcome'],
    error?: string,
  ): Promise<JobOutcome> => {
    const extra = def.finish ? await def.finish(env, result) : {};
    const values = [...result.results.values()];
    const summary = {
      succeeded: values.filter((r) => r.status === 'succeeded').length,
      changed: values.filter((r) => r.status === 'succeeded' && r.outcome === 'changed').length,
      failed: values.filter((r) => r.status === 'failed').length,
      skipped: values.filter((r) => r.status === 'skipped').length,
    };
    const final = extra.left && extra.left.length > 0 && outcome === 'succeeded' ? 'failed' : outcome;
    emit({
      type: 'job-finished',
      outcome: final,
      summary,
      ...(error ? { error: env.redactor.text(error) } : {}),
      ...(extra.left ? { left: extra.left } : {}),
    });
    if (journalError) throw journalError;
    return {
      job: id,
      outcome: final,
      changes,
      ...(error ? { error: env.redactor.text(error) } : {}),
      ...(extra.left ? { left: extra.left } : {}),
      result,
    };
  };

  const done = run();
  return { id, events: channel, cancel: () => abort.abort(), done };
}
