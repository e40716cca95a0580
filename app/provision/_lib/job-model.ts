import type { JobEventView } from '../../../lib/live/shared/provision';

/**
 * A job's events (as the engine journals them) folded into what the apply page draws: each step's state, what it
 * waits for and since when, its log lines, and the job's outcome. Pure, so a reload that replays the journal from
 * the start draws exactly what the page showed before.
 */

export type StepState = 'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped';

export interface StepView {
  id: string;
  title: string;
  dependsOn: string[];
  state: StepState;
  waitingFor?: string;
  progress?: { done: number; total: number };
  elapsedMs?: number;
  outcome?: string;
  error?: string;
  log: string[];
}

export interface JobView {
  command?: string;
  cluster?: string;
  steps: StepView[];
  /** Set once the plan pass is over and the run has started. */
  running: boolean;
  outcome?: string;
  error?: string;
  info: string[];
  seen: number;
}

export const emptyJob = (): JobView => ({ steps: [], running: false, info: [], seen: 0 });

const line = (e: JobEventView): string => {
  const t = e.time.slice(11, 19);
  switch (e.type) {
    case 'step-started':
      return `${t} started`;
    case 'step-acting':
      return `${t} applying ${String(e.changes)} change(s)`;
    case 'step-waiting':
      return `${t} waiting for ${e.for ?? ''}${e.progress ? ` [${e.progress.done}/${e.progress.total}]` : ''} (${Math.round((e.elapsedMs ?? 0) / 1000)} s)`;
    case 'step-verifying':
      return `${t} verifying`;
    case 'step-succeeded':
      return `${t} ${e.outcome ?? 'done'}`;
    case 'step-failed':
      return `${t} failed: ${e.error ?? ''}`;
    case 'step-skipped':
      return `${t} skipped: ${e.reason ?? ''}`;
    default:
      return `${t} ${e.message ?? e.type}`;
  }
};

export function foldJob(view: JobView, e: JobEventView): JobView {
  const next: JobView = { ...view, steps: view.steps.map((s) => ({ ...s, log: [...s.log] })), info: [...view.info], seen: view.seen + 1 };
  const step = e.step ? next.steps.find((s) => s.id === e.step) : undefined;
  switch (e.type) {
    case 'job-started':
      next.command = (e as { command?: string }).command;
      next.cluster = (e as { cluster?: string }).cluster;
      next.steps = (e.steps ?? []).map((s) => ({ id: s.id, title: s.title, dependsOn: s.dependsOn, state: 'pending', log: [] }));
      return next;
    case 'plan':
      // The plan pass (a diff of every step) is over: the run starts from a clean slate, the log kept. A step that
      // failed to diff stays failed: the job ends there.
      next.running = true;
      for (const s of next.steps)
        if (s.state !== 'failed') Object.assign(s, { state: 'pending', waitingFor: undefined, progress: undefined, outcome: undefined });
      return next;
    case 'job-finished':
      next.outcome = e.outcome;
      if (e.error) next.error = e.error;
      return next;
  }
  if (!step) {
    if (e.message) next.info.push(`${e.type === 'warning' ? 'warning: ' : ''}${e.message}`);
    return next;
  }
  step.log.push(line(e));
  if (e.type === 'step-failed') Object.assign(step, { state: 'failed', error: e.error, elapsedMs: e.elapsedMs });
  if (!next.running) return next;
  if (e.type === 'step-started' || e.type === 'step-acting' || e.type === 'step-verifying') step.state = 'running';
  if (e.type === 'step-waiting') Object.assign(step, { state: 'waiting', waitingFor: e.for, progress: e.progress, elapsedMs: e.elapsedMs });
  if (e.type === 'step-succeeded')
    Object.assign(step, { state: 'succeeded', outcome: e.outcome, elapsedMs: e.elapsedMs, waitingFor: undefined });
  if (e.type === 'step-skipped') Object.assign(step, { state: 'skipped', error: e.reason });
  return next;
}

/** Done steps over all steps, 0-1. */
export function progressOf(view: JobView): number {
  if (view.steps.length === 0) return 0;
  const done = view.steps.filter((s) => s.state === 'succeeded' || s.state === 'failed' || s.state === 'skipped').length;
  return done / view.steps.length;
}
