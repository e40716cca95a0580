import type { ClusterState } from '../state/cluster-state';
import type { JobEventInput } from './events';
import { orderSteps } from './graph';
import {
  CancelledError,
  StepRefusedError,
  WaitTimeoutError,
  type Change,
  type PollOptions,
  type PollResult,
  type Progress,
  type Step,
  type StepContext,
  type StepId,
} from '../../providers/step';

/**
 * Runs a graph of steps with bounded concurrency: a step starts once every step it depends on has succeeded;
 * independent steps run side by side. In apply mode a failure stops new steps from starting (steps in flight
 * finish) and everything not run is reported skipped with the reason; in destroy mode the runner continues past
 * failures (`continueOnError`) so as much as possible is removed and the rest is reported.
 */

export type RunMode = 'apply' | 'diff' | 'destroy';

export interface RunOptions {
  mode: RunMode;
  job: string;
  state: ClusterState;
  /** How many steps may run at once (default 4). */
  concurrency?: number;
  signal?: AbortSignal;
  emit: (event: JobEventInput) => void;
  /** Run steps whose dependencies failed, and keep starting steps after a failure (destroy). */
  continueOnError?: boolean;
  /** How often a long wait reports progress at most (default 1 s; waits report every status change at once). */
  waitingEveryMs?: number;
}

export type StepResult =
  | { status: 'succeeded'; outcome: 'unchanged' | 'changed' | 'would-change' | 'checked'; changes: Change[] }
  | { status: 'failed'; error: Error }
  | { status: 'skipped'; reason: string };

export interface RunResult {
  results: Map<StepId, StepResult>;
  ok: boolean;
  cancelled: boolean;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(new CancelledError());
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new CancelledError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

function contextFor(step: Step, opts: RunOptions, signal: AbortSignal): StepContext {
  const started = Date.now();
  let lastWaiting = { what: '', status: '', at: 0 };
  const waiting = (what: string, progress?: Progress, status = '') => {
    const now = Date.now();
    const changed = what !== lastWaiting.what || status !== lastWaiting.status;
    if (!changed && now - lastWaiting.at < (opts.waitingEveryMs ?? 1000)) return;
    lastWaiting = { what, status, at: now };
    opts.emit({ type: 'step-waiting', step: step.id, for: what, ...(progress ? { progress } : {}), elapsedMs: now - started });
  };
  return {
    job: opts.job,
    mode: opts.mode,
    signal,
    state: opts.state,
    waiting: (what, progress) => waiting(what, progress),
    warn: (message) => opts.emit({ type: 'warning', step: step.id, message }),
    async poll<T>(what: string, check: () => Promise<PollResult<T>>, po: PollOptions = {}): Promise<T> {
      const timeoutMs = po.timeoutMs ?? 120_000;
      const interval = po.intervalMs ?? 500;
      const deadline = Date.now() + timeoutMs;
      let last = 'not checked yet';
      for (;;) {
        if (signal.aborted) throw new CancelledError();
        const r = await check();
        if (r.done) return r.value;
        last = r.status;
        waiting(`${what}: ${r.status}`, r.progress, r.status);
        if (Date.now() >= deadline) throw new WaitTimeoutError(what, last, timeoutMs);
        await sleep(Math.min(interval, Math.max(0, deadline - Date.now())), signal);
      }
    },
  };
}

async function runOne(step: Step, opts: RunOptions, signal: AbortSignal): Promise<StepResult> {
  const ctx = contextFor(step, opts, signal);
  const observed = await step.observe(ctx);
  const changes = await step.diff(observed, ctx);
  if (changes.length > 0) opts.emit({ type: 'step-diff', step: step.id, changes });
  if (opts.mode === 'diff') return { status: 'succeeded', outcome: changes.length > 0 ? 'would-change' : 'unchanged', changes };
  if (signal.aborted) throw new CancelledError();
  if (changes.length > 0) {
    opts.emit({ type: 'step-acting', step: step.id, changes: changes.length });
    await step.act(observed, changes, ctx);
    opts.emit({ type: 'step-verifying', step: step.id });
    if (step.verify) await step.verify(ctx);
    else {
      const left = await step.diff(await step.observe(ctx), ctx);
      if (left.length > 0)
        throw new Error(
          `still differs after the change was accepted: ${left.map((c) => `${c.action} ${c.target}${c.fields ? ` (${c.fields.map((f) => f.path).join(', ')})` : ''}`).join('; ')}`,
        );
    }
  }
  if (step.wait) await step.wait(ctx);
  return { status: 'succeeded', outcome: step.checkOnly ? 'checked' : changes.length > 0 ? 'changed' : 'unchanged', changes };
}

/** Runs the steps; never throws for a step's failure (it is in the results), only for an invalid graph. */
export async function runSteps(steps: readonly Step[], opts: RunOptions): Promise<RunResult> {
  const ordered = orderSteps(steps);
  const limit = Math.max(1, opts.concurrency ?? 4);
  const signal = opts.signal ?? new AbortController().signal;
  const results = new Map<StepId, StepResult>();
  const running = new Map<StepId, Promise<void>>();
  const selected = opts.mode === 'diff' ? ordered.filter((s) => !s.checkOnly) : ordered;
  for (const s of ordered) if (!selected.includes(s)) results.set(s.id, { status: 'skipped', reason: 'a check; runs on apply' });
  let stopped: string | undefined;

  const skip = (s: Step, reason: string) => {
    results.set(s.id, { status: 'skipped', reason });
    opts.emit({ type: 'step-skipped', step: s.id, reason });
  };

  const start = (s: Step) => {
    const t0 = Date.now();
    opts.emit({ type: 'step-started', step: s.id, title: s.title });
    const p = runOne(s, opts, signal)
      .then((r) => {
        results.set(s.id, r);
        if (r.status === 'succeeded')
          opts.emit({ type: 'step-succeeded', step: s.id, outcome: r.outcome, changes: r.changes.length, elapsedMs: Date.now() - t0 });
      })
      .catch((err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        results.set(s.id, { status: 'failed', error });
        opts.emit({
          type: 'step-failed',
          step: s.id,
          error: error.message,
          ...(error instanceof StepRefusedError ? { refused: true } : {}),
          elapsedMs: Date.now() - t0,
        });
        if (!opts.continueOnError && !(error instanceof CancelledError)) stopped ??= `stopped after ${s.id} failed`;
      })
      .finally(() => running.delete(s.id));
    running.set(s.id, p);
  };

  for (;;) {
    if (signal.aborted) stopped ??= 'cancelled';
    let progressed = false;
    for (const s of selected) {
      if (results.has(s.id) || running.has(s.id)) continue;
      if (stopped) {
        skip(s, stopped);
        progressed = true;
        continue;
      }
      // A diff reads only: dependencies do not gate it (each step reports what it would do from what exists now).
      const deps = opts.mode === 'diff' ? [] : s.dependsOn.map((d) => [d, results.get(d)] as const);
      const failedDep = deps.find(([, r]) => r !== undefined && r.status !== 'succeeded');
      if (failedDep && !opts.continueOnError) {
        skip(s, `${failedDep[0]} ${failedDep[1]?.status === 'failed' ? 'failed' : 'was skipped'}`);
        progressed = true;
        continue;
      }
      if (deps.some(([, r]) => r === undefined) || running.size >= limit) continue;
      start(s);
      progressed = true;
    }
    if (running.size === 0 && !progressed) break;
    if (running.size > 0 && (!progressed || running.size >= limit)) await Promise.race(running.values());
  }
  const ok = !signal.aborted && [...results.values()].every((r) => r.status !== 'failed') && stopped === undefined;
  return { results, ok, cancelled: signal.aborted };
}
