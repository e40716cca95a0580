import { afterEach, describe, expect, it } from 'vitest';
import { nextDemoEvent } from '../../lib/lab';
import { createWorld, groundTruth, loadShippedScenario } from '../../lib/lab/model';
import { cleanup, startTestLab } from './lab-runtime-support';
import { waitFor } from '../support/wait';

afterEach(cleanup);

describe('demo driver', () => {
  it('alternates a disturbance with its undoing, so the world keeps returning to the baseline', async () => {
    const lab = await startTestLab({ demo: { intervalMs: 3_600_000 } });
    const baseline = loadShippedScenario('demo');
    const replicas = (w = lab.world()) => w.scenario.cluster.workloads.map((x) => `${x.name}=${x.replicas}`);
    const kinds: string[] = [];
    for (let i = 0; i < 12; i++) {
      const ev = await lab.demo!.step();
      kinds.push(ev?.kind ?? 'none');
      if (i % 2 === 1) {
        expect(replicas()).toEqual(replicas(createWorld(baseline)));
        expect(lab.world().downSessions).toEqual([]);
      }
    }
    expect(new Set(kinds)).toEqual(new Set(['scale-deployment', 'kill-pod', 'session-down', 'session-up', 'none']));
    expect(kinds.filter((_, i) => i % 2 === 0)).not.toContain('none');
    expect(lab.k8s.store.list('pods').items.length).toBe(lab.world().pods.length);
  });

  it('is pure: the same world and step give the same event', () => {
    const s = loadShippedScenario('demo');
    const w = createWorld(s);
    const t = groundTruth(w);
    for (let step = 0; step < 6; step++) expect(nextDemoEvent(w, t, s, step)).toEqual(nextDemoEvent(w, t, s, step));
  });

  it('plays on its own timer', async () => {
    const lab = await startTestLab({ demo: { intervalMs: 20 } });
    await waitFor(() => lab.world().generation >= 3, { what: 'three demo events' });
  });
});
