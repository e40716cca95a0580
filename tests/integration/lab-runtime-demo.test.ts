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

  it('plays on its own timer, and what it plays reaches the servers', async () => {
    const lab = await startTestLab({ demo: { intervalMs: 20 } });
    const g0 = lab.world().generation;
    const rv0 = Number(lab.k8s.store.resourceVersion);
    let apicChanges = 0;
    const off = lab.apic[0]!.tree.onChange(() => apicChanges++);
    // No step() is called here: only the driver's timer can move the world on.
    const generation = await waitFor(() => (lab.world().generation >= g0 + 3 ? lab.world().generation : undefined), {
      what: 'three demo events',
    });
    off();
    expect(generation).toBeGreaterThanOrEqual(g0 + 3);
    // Every disturbance is a Kubernetes change (scale, kill) or an APIC one (a session down or up).
    expect(Number(lab.k8s.store.resourceVersion) - rv0 + apicChanges).toBeGreaterThan(0);
  });
});
