import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from './engine/events';
import type { Step } from '../providers/step';
import { startJob, type JobDefinition } from './job';
import { followJob, listJobs, readJobEvents } from './jobs';
import { acquireLock } from './state/lock';

/** Jobs end to end on a real state directory, with steps over an in-memory world. */
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'akb-job-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

const world = new Map<string, string>();
function step(id: string, opts: { fail?: string } = {}): Step<string | undefined> {
  return {
    id,
    dependsOn: [],
    title: `thing ${id}`,
    observe: async () => world.get(id),
    diff: (have) => (have === 'v' ? [] : [{ action: 'create', target: id }]),
    act: async () => {
      if (opts.fail) throw new Error(opts.fail);
      world.set(id, 'v');
    },
  };
}

function def(dir: string, steps: () => Step[], extra: Partial<JobDefinition> = {}): JobDefinition {
  return { command: 'apply', cluster: 'c1', stateDir: dir, stateKey: 'state-key-material', build: async () => steps(), ...extra };
}

async function collect(events: AsyncIterable<JobEvent>): Promise<JobEvent[]> {
  const out: JobEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

describe('jobs', () => {
  it('journals every event of each job and lists the jobs with their outcome', async () => {
    const dir = join(root, 'journaled');
    const first = startJob(def(dir, () => [step('a'), step('b')]));
    const streamed = await collect(first.events);
    expect((await first.done).outcome).toBe('succeeded');
    expect(streamed.map((e) => e.type)).toEqual(
      expect.arrayContaining(['job-started', 'plan', 'confirmed', 'step-acting', 'job-finished']),
    );
    expect(await readJobEvents(dir, first.id)).toEqual(streamed);
    const second = startJob(def(dir, () => [step('a'), step('b')]));
    expect(await second.done).toMatchObject({ outcome: 'succeeded', changes: 0 });
    const jobs = await listJobs(dir);
    expect(jobs.map((j) => [j.job, j.outcome, j.changed])).toEqual([
      [first.id, 'succeeded', 2],
      [second.id, 'succeeded', 0],
    ]);
  });

  it('a second job on the same cluster is refused while one holds the lock', async () => {
    const dir = join(root, 'locked');
    await mkdir(dir, { recursive: true });
    const { lock } = await acquireLock(dir, 'other-job', 'destroy');
    const outcome = await startJob(def(dir, () => [step('x')])).done;
    expect(outcome).toMatchObject({ outcome: 'failed', errorKind: 'locked' });
    expect(outcome.error).toMatch(/destroy job other-job/);
    await lock.release();
  });

  it('a job that was killed is reported interrupted, and the next one names it', async () => {
    const dir = join(root, 'interrupted');
    await mkdir(dir, { recursive: true });
    const started = {
      type: 'job-started',
      job: 'killed-1',
      time: new Date().toISOString(),
      command: 'apply',
      cluster: 'c1',
      stateDir: dir,
      pid: 999999,
      steps: [],
    };
    await writeFile(
      join(dir, 'journal.jsonl'),
      `${JSON.stringify(started)}\n{"time":"2026-01-01T00:00:00Z","job":"killed-1","type":"step-star`,
    );
    const next = startJob(def(dir, () => [step('y')]));
    const events = await collect(next.events);
    expect(events[0]).toMatchObject({ type: 'job-started', interrupted: ['killed-1'] });
    expect((await listJobs(dir)).map((j) => [j.job, j.outcome])).toEqual([
      ['killed-1', 'interrupted'],
      [next.id, 'succeeded'],
    ]);
  });

  it('declining the confirmation changes nothing', async () => {
    const dir = join(root, 'declined');
    world.delete('z');
    const outcome = await startJob(def(dir, () => [step('z')], { confirm: async () => false })).done;
    expect(outcome).toMatchObject({ outcome: 'declined', changes: 1 });
    expect(world.has('z')).toBe(false);
  });

  it('no secret value reaches an event or the journal, even when a server echoes it in an error', async () => {
    const dir = join(root, 'redacted');
    const secret = 'hunter2-very-secret-value';
    const echoed = `APIC said: invalid password '${secret}' (base64 ${Buffer.from(secret).toString('base64')})`;
    const job = startJob(
      def(dir, () => [], {
        build: async (env) => {
          env.redactor.add(secret);
          return [step('leaky', { fail: echoed })];
        },
      }),
    );
    const events = JSON.stringify(await collect(job.events));
    expect((await job.done).outcome).toBe('failed');
    const journal = await readFile(join(dir, 'journal.jsonl'), 'utf8');
    for (const text of [events, journal]) {
      expect(text).toContain('invalid password');
      expect(text).not.toContain(secret);
      expect(text).not.toContain(Buffer.from(secret).toString('base64'));
    }
  });

  it('cancel() stops a running job (its waits end), and the next job resumes from the world', async () => {
    const dir = join(root, 'cancel');
    world.delete('waits');
    let ready = false;
    const waits: Step = {
      ...step('waits'),
      wait: (ctx) =>
        ctx.poll('the thing to be ready', async () => (ready ? { done: true, value: undefined } : { done: false, status: 'not yet' }), {
          intervalMs: 10,
        }),
    };
    const job = startJob(def(dir, () => [waits]));
    for await (const e of job.events) if (e.type === 'step-waiting') job.cancel();
    expect(await job.done).toMatchObject({ outcome: 'cancelled' });
    expect(world.get('waits')).toBe('v'); // it acted before it waited
    ready = true;
    const again = await startJob(def(dir, () => [waits])).done;
    expect(again).toMatchObject({ outcome: 'succeeded', changes: 0 });
  });

  it('another process can follow a running job until it finishes', async () => {
    const dir = join(root, 'follow');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: Step = { ...step('slow'), act: async () => gate.then(() => void world.set('slow', 'v')) };
    world.delete('slow');
    const job = startJob(def(dir, () => [slow]));
    const followed: JobEvent[] = [];
    const following = (async () => {
      await new Promise((r) => setTimeout(r, 100));
      for await (const e of followJob(dir, job.id, { intervalMs: 20 })) followed.push(e);
    })();
    setTimeout(release, 300);
    await job.done;
    await following;
    expect(followed.at(0)?.type).toBe('job-started');
    expect(followed.at(-1)).toMatchObject({ type: 'job-finished', outcome: 'succeeded' });
  });
});
