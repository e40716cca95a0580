import { describe, expect, it } from 'vitest';
import { LiveService, type PublishTarget } from '../../lib/live/server/service';
import { sourceStatus, type SourceStatus } from '../../lib/shared/source-status';
import { correlate, diff, isEmptyPatch, type TopologyGraph } from '../../lib/topology';
import { apicData, kubeData, ScriptedSource } from '../integration/live-http-support';
import { waitFor } from '../support/wait';

/** The first graph waits for sources still on their initial listing, but not for a source that failed. */
function service() {
  const published: TopologyGraph[] = [];
  const statuses: Record<string, SourceStatus>[] = [];
  const target: PublishTarget = { publish: (g) => published.push(g), setSources: (s) => statuses.push(s) };
  const kube = new ScriptedSource('kubernetes', kubeData(['web-1']));
  const apic = new ScriptedSource('apic', apicData);
  const svc = new LiveService({
    sources: [kube, apic],
    fabric: { tenant: 'k8s', vrf: 'vrf1' },
    graph: { correlate, diff, isEmptyPatch },
    target,
    coalesceMs: 1,
  });
  return { svc, kube, apic, published, statuses };
}

describe('the first graph', () => {
  it('is not computed while a source is still listing; statuses are still published', async () => {
    const { svc, kube, apic, published, statuses } = service();
    kube.set(sourceStatus('synced'));
    await svc.start();
    // Statuses and the decision to hold the graph back are made in the same recompute: once the statuses say
    // "kubernetes synced, apic starting", that recompute has run. A further change runs another one.
    expect(statuses.at(-1)).toMatchObject({ kubernetes: { state: 'synced' }, apic: { state: 'starting' } });
    const seen = statuses.length;
    kube.set(sourceStatus('synced'));
    await waitFor(() => statuses.length > seen, { what: 'the recompute after the Kubernetes change' });
    expect(published).toHaveLength(0);
    expect(svc.ready()).toBe(false);

    apic.set(sourceStatus('synced'));
    await waitFor(() => published.length > 0, { what: 'the first graph once the APIC has synced' });
    expect(published).toHaveLength(1);
    expect(published[0]!.nodes.some((n) => n.id === 'leaf:101')).toBe(true);
    expect(svc.ready()).toBe(true);
    await svc.stop();
  });

  it('is computed from the others when a source fails instead of finishing its listing', async () => {
    const { svc, kube, apic, published } = service();
    kube.set(sourceStatus('synced'));
    await svc.start();
    apic.set(sourceStatus('down', 'APIC unreachable'), () => undefined);
    await waitFor(() => published.length > 0, { what: 'a graph without the failed APIC' });
    expect(published).toHaveLength(1);
    expect(published[0]!.nodes.some((n) => n.kind === 'k8s-node')).toBe(true);
    expect(svc.ready()).toBe(false);
    await svc.stop();
  });
});
