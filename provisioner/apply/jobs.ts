import { jobEventSchema, type JobEvent } from './engine/events';
import { readJournal, readJournalFrom } from './state/journal';
import { lockHolder } from './state/lock';

/**
 * Reading a cluster's jobs back from its journal: the list `akb jobs` prints, one job's events, and following a
 * running job as it writes them (another process: the CLI or the server that started it).
 */

export interface JobSummary {
  job: string;
  command: string;
  startedAt: string;
  finishedAt?: string;
  /** `running` while its process holds the lock; `interrupted` when it stopped without finishing (killed). */
  outcome: 'succeeded' | 'failed' | 'cancelled' | 'declined' | 'running' | 'interrupted';
  steps: number;
  changed: number;
  failed: number;
  error?: string;
  pid: number;
}

/** Journal records that are job events (a record that does not parse as one is ignored, never fatal). */
function eventsOf(records: readonly unknown[]): JobEvent[] {
  const out: JobEvent[] = [];
  for (const r of records) {
    const parsed = jobEventSchema.safeParse(r);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

export async function readJobEvents(dir: string, job?: string): Promise<JobEvent[]> {
  const events = eventsOf((await readJournal(dir)).records);
  return job === undefined ? events : events.filter((e) => e.job === job);
}

export async function listJobs(dir: string): Promise<JobSummary[]> {
  const events = await readJobEvents(dir);
  const holder = await lockHolder(dir);
  const jobs = new Map<string, JobSummary>();
  for (const e of events) {
    if (e.type === 'job-started') {
      jobs.set(e.job, {
        job: e.job,
        command: e.command,
        startedAt: e.time,
        outcome: holder?.job === e.job && holder.running ? 'running' : 'interrupted',
        steps: e.steps.length,
        changed: 0,
        failed: 0,
        pid: e.pid,
      });
    }
    const j = jobs.get(e.job);
    if (!j) continue;
    if (e.type === 'step-succeeded' && e.outcome === 'changed') j.changed++;
    if (e.type === 'job-finished') {
      j.outcome = e.outcome;
      j.finishedAt = e.time;
      j.failed = e.summary.failed;
      if (e.error) j.error = e.error;
    }
  }
  return [...jobs.values()];
}

/** Jobs that started and never finished, and whose process no longer holds the lock. */
export async function interruptedJobs(dir: string): Promise<string[]> {
  return (await listJobs(dir)).filter((j) => j.outcome === 'interrupted').map((j) => j.job);
}

/**
 * Yields a job's events from the start, then new ones as they are written, until its `job-finished` (or until
 * the job is found interrupted: its process is gone without finishing). Stops early when `signal` aborts.
 */
export async function* followJob(
  dir: string,
  job: string,
  opts: { signal?: AbortSignal; intervalMs?: number } = {},
): AsyncGenerator<JobEvent> {
  let offset = 0;
  let seen = false;
  for (;;) {
    const chunk = await readJournalFrom(dir, offset);
    offset = chunk.size;
    for (const e of eventsOf(chunk.records)) {
      if (e.job !== job) continue;
      seen = true;
      yield e;
      if (e.type === 'job-finished') return;
    }
    if (opts.signal?.aborted) return;
    const holder = await lockHolder(dir);
    if (seen && !(holder?.job === job && holder.running)) {
      // One more read: the job may have finished between the read and the lock check.
      const last = await readJournalFrom(dir, offset);
      for (const e of eventsOf(last.records)) if (e.job === job) yield e;
      return;
    }
    if (!seen && !(holder?.job === job)) {
      const known = (await listJobs(dir)).some((j) => j.job === job);
      if (!known) throw new Error(`no job ${job} in ${dir}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
  }
}
