import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterState } from '../state/cluster-state';
import type { JobEventInput } from './events';
import { orderSteps, StepGraphError } from './graph';
import { runSteps, type RunOptions } from './runner';
import { StepRefusedError, WaitTimeoutError, type Change, type Step } from '../../providers/step';

/** The runner with in-memory steps: a "world" map the steps reconcile, and timings that show concurrency. */
let dir: string;
let state: ClusterState;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'akb-runner-'));
  state = await ClusterState.load(dir, 'c', { persist: false });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

interface Probe {
  world: Map<string, string>;
  acts: string[];
  active: number;
  maxActive: number;
}

function worldStep(p: Probe, id: string, want: string, deps: string[] = [], extra: Partial<Step> = {}): Step<string | undefined> {
  return {
    id,
    dependsOn: deps,
    title: id,
    observe: async () => p.world.get(id),
    diff: (have): Change[] => (have === want ? [] : [{ action: have === undefined ? 'create' : 'update', target: id }]),
    act: async () => {
      p.active++;
      p.maxActive = Math.max(p.maxActive, p.active);
      await new Promise((r) => setTimeout(r, 15));
      for (const d of deps) if (!p.world.has(d)) throw new Error(`${id} ran before ${d}`);
      p.world.set(id, want);
      p.acts.push(id);
      p.active--;
    },
    ...extra,
  } as Step<string | undefined>;
}

const probe = (): Probe => ({ world: new Map(), acts: [], active: 0, maxActive: 0 });

function opts(events: JobEventInput[], o: Partial<RunOptions> = {}): RunOptions {
  return { mode: 'apply', job: 'j', state, emit: (e) => events.push(e), ...o };
}

describe('the step runner', () => {
  it('runs dependencies first, independent steps side by side up to the bound, and a second run changes nothing', async () => {
    const p = probe();
    const steps = [
      worldStep(p, 'ns', 'v'),
      ...Array.from({ length: 6 }, (_, i) => worldStep(p, `obj-${i}`, 'v', ['ns'])),
      worldStep(p, 'rollout', 'v', ['obj-0', 'obj-5']),
    ];
    const events: JobEventInput[] = [];
    const first = await runSteps(steps, opts(events, { concurrency: 3 }));
    expect(first.ok).toBe(true);
    expect(p.acts[0]).toBe('ns');
    expect(p.acts.at(-1)).toBe('rollout');
    expect(p.maxActive).toBe(3);
    expect(events.filter((e) => e.type === 'step-succeeded' && e.outcome === 'changed')).toHaveLength(8);
    p.acts.length = 0;
    const second = await runSteps(steps, opts([]));
    expect(second.ok).toBe(true);
    expect(p.acts).toEqual([]);
  });

  it('a failure stops new steps, skips its dependents with the reason, and lets steps in flight finish', async () => {
    const p = probe();
    const failing = worldStep(p, 'bad', 'v', [], {
      act: async () => {
        throw new Error('APIC refused uni/tn-a/out-x');
      },
    });
    const steps = [failing, worldStep(p, 'after-bad', 'v', ['bad']), worldStep(p, 'slow', 'v'), worldStep(p, 'later', 'v', ['slow'])];
    const events: JobEventInput[] = [];
    const r = await runSteps(steps, opts(events, { concurrency: 2 }));
    expect(r.ok).toBe(false);
    expect(r.results.get('bad')).toMatchObject({ status: 'failed' });
    expect(r.results.get('after-bad')).toMatchObject({ status: 'skipped' });
    expect(r.results.get('slow')).toMatchObject({ status: 'succeeded' });
    expect(r.results.get('later')).toMatchObject({ status: 'skipped', reason: 'stopped after bad failed' });
    expect(events).toContainEqual(expect.objectContaining({ type: 'step-failed', step: 'bad', error: 'APIC refused uni/tn-a/out-x' }));
  });

  it('destroy mode continues past failures and still runs what depended on the failed step', async () => {
    const p = probe();
    const steps = [
      worldStep(p, 'a', 'gone', [], {
        act: async () => {
          throw new Error('cannot delete');
        },
      }),
      worldStep(p, 'b', 'gone', ['a'], {
        act: async () => {
          p.world.set('b', 'gone');
        },
      }),
    ];
    const r = await runSteps(steps, opts([], { mode: 'destroy', continueOnError: true }));
    expect(r.ok).toBe(false);
    expect(r.results.get('b')).toMatchObject({ status: 'succeeded', outcome: 'changed' });
  });

  it('diff mode only observes: nothing acts, checks are left for apply, and what would change is reported', async () => {
    const p = probe();
    p.world.set('same', 'v');
    const check = worldStep(p, 'verify:bgp', 'v', [], { checkOnly: true });
    const r = await runSteps([worldStep(p, 'same', 'v'), worldStep(p, 'new', 'v'), check], opts([], { mode: 'diff' }));
    expect(p.acts).toEqual([]);
    expect(r.results.get('same')).toMatchObject({ outcome: 'unchanged' });
    expect(r.results.get('new')).toMatchObject({ outcome: 'would-change', changes: [{ action: 'create', target: 'new' }] });
    expect(r.results.get('verify:bgp')).toMatchObject({ status: 'skipped' });
  });

  it('a step whose change did not take is failed by the default verify', async () => {
    const p = probe();
    const ignored = worldStep(p, 'x', 'v', [], { act: async () => undefined });
    const r = await runSteps([ignored], opts([]));
    expect(r.results.get('x')).toMatchObject({ status: 'failed' });
    expect((r.results.get('x') as { error: Error }).error.message).toMatch(/still differs after the change was accepted: create x/);
  });

  it('refusals are marked as such; polls report progress and time out naming what they waited for', async () => {
    const p = probe();
    const refused = worldStep(p, 'r', 'v', [], {
      diff: () => {
        throw new StepRefusedError('uni/tn-a/out-x exists and was not created by akb');
      },
    });
    const waiting = worldStep(p, 'w', 'v', [], {
      wait: (ctx) =>
        ctx.poll(
          'Deployment akb/akb Available',
          async () => ({ done: false, status: '0/1 replicas available', progress: { done: 0, total: 1 } }),
          { timeoutMs: 120, intervalMs: 30 },
        ),
    });
    const events: JobEventInput[] = [];
    const r = await runSteps([refused, waiting], opts(events, { continueOnError: true }));
    expect(events).toContainEqual(expect.objectContaining({ type: 'step-failed', step: 'r', refused: true }));
    const err = (r.results.get('w') as { error: Error }).error;
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect(err.message).toMatch(/waiting for Deployment akb\/akb Available: 0\/1 replicas available/);
    expect(events).toContainEqual(expect.objectContaining({ type: 'step-waiting', step: 'w', progress: { done: 0, total: 1 } }));
  });

  it('cancellation ends waits and reports the rest as cancelled', async () => {
    const p = probe();
    const abort = new AbortController();
    const long = worldStep(p, 'long', 'v', [], {
      wait: (ctx) => ctx.poll('forever', async () => ({ done: false, status: 'still' }), { timeoutMs: 60_000, intervalMs: 20 }),
    });
    setTimeout(() => abort.abort(), 60);
    const r = await runSteps([long, worldStep(p, 'next', 'v', ['long'])], opts([], { signal: abort.signal }));
    expect(r.cancelled).toBe(true);
    expect(r.results.get('next')).toMatchObject({ status: 'skipped' });
  });

  it('rejects duplicate IDs, unknown dependencies and cycles by name', () => {
    expect(() =>
      orderSteps([
        { id: 'a', dependsOn: [] },
        { id: 'a', dependsOn: [] },
      ]),
    ).toThrow(/two steps have the ID "a"/);
    expect(() => orderSteps([{ id: 'a', dependsOn: ['z'] }])).toThrow(/"a" depends on "z", which is not a step/);
    expect(() =>
      orderSteps([
        { id: 'a', dependsOn: ['b'] },
        { id: 'b', dependsOn: ['a'] },
      ]),
    ).toThrow(StepGraphError);
  });
});
