import { describe, expect, it } from 'vitest';
import { emptyJob, foldJob, progressOf } from '../../app/provision/_lib/job-model';
import { getAt, setAt } from '../../app/provision/_lib/draft';
import type { JobEventView } from '../../lib/live/shared/provision';

const at = (i: number) => `2026-12-04T21:00:0${i}.000Z`;
const ev = (i: number, e: Omit<JobEventView, 'job' | 'time'>): JobEventView => ({ job: 'j', time: at(i), ...e });

describe('the apply page folds a job journal into its step graph', () => {
  const started = ev(0, {
    type: 'job-started',
    steps: [
      { id: 'aci:a', title: 'A', dependsOn: [] },
      { id: 'verify:bgp', title: 'V', dependsOn: ['aci:a'] },
    ],
  });

  it('resets the plan pass (a diff of every step) before the run, and follows waits, success and failure', () => {
    let v = [
      started,
      ev(1, { type: 'step-started', step: 'aci:a' }),
      ev(1, { type: 'step-succeeded', step: 'aci:a', outcome: 'would-change' }),
    ].reduce(foldJob, emptyJob());
    expect(v.steps.map((s) => s.state)).toEqual(['pending', 'pending']);
    v = [
      ev(2, { type: 'plan' }),
      ev(3, { type: 'step-started', step: 'aci:a' }),
      ev(4, { type: 'step-succeeded', step: 'aci:a', outcome: 'changed' }),
    ].reduce(foldJob, v);
    v = foldJob(v, ev(5, { type: 'step-waiting', step: 'verify:bgp', for: 'sessions', progress: { done: 3, total: 12 }, elapsedMs: 4000 }));
    expect(v.steps.map((s) => s.state)).toEqual(['succeeded', 'waiting']);
    expect(v.steps[1]).toMatchObject({ waitingFor: 'sessions', progress: { done: 3, total: 12 } });
    expect(progressOf(v)).toBe(0.5);
    v = foldJob(v, ev(6, { type: 'step-failed', step: 'verify:bgp', error: 'still down' }));
    v = foldJob(v, ev(7, { type: 'job-finished', outcome: 'failed', error: 'verify:bgp: still down' }));
    expect(v).toMatchObject({ outcome: 'failed', error: 'verify:bgp: still down' });
    expect(v.steps[1]!.state).toBe('failed');
    expect(v.steps[1]!.log.at(-1)).toContain('failed: still down');
  });

  it('keeps a step that failed its diff failed when the job ends after the plan pass', () => {
    const v = [
      started,
      ev(1, { type: 'step-failed', step: 'aci:a', error: 'HTTP 400' }),
      ev(2, { type: 'plan' }),
      ev(3, { type: 'job-finished', outcome: 'failed' }),
    ].reduce(foldJob, emptyJob());
    expect(v.steps.map((s) => s.state)).toEqual(['failed', 'pending']);
  });
});

describe('the wizard edits its draft at the validator field paths', () => {
  it('creates objects and arrays on the way, and removes emptied fields', () => {
    let d = setAt({}, 'fabric.anchorLeaves[1].ipv4', '10.0.0.2');
    expect(getAt(d, 'fabric.anchorLeaves[1].ipv4')).toBe('10.0.0.2');
    expect(Array.isArray(getAt(d, 'fabric.anchorLeaves'))).toBe(true);
    d = setAt(d, 'fabric.anchorLeaves[1].ipv4', undefined);
    expect(getAt(d, 'fabric.anchorLeaves[1]')).toEqual({});
    d = setAt(d, 'fabric.anchorLeaves[0]', undefined);
    expect((getAt(d, 'fabric.anchorLeaves') as unknown[]).length).toBe(1);
  });
});
