/**
 * The safety net under the live sources: a change whose watch event or APIC push was lost is put right by the
 * periodic full resync; and while the APIC is unreachable its status says so and the client marks it stale.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { ApicClient } from '../../lib/aci/client';
import { ClusterSource } from '../../lib/k8s';
import { startLab, type Lab } from '../../lib/lab';
import { ApicLiveSource } from '../../lib/live/server/apic-source';
import { captureBundle } from '../../lib/live/server/capture';
import type { GraphClient } from '../../lib/live/client/graph-client';
import type { Runtime } from '../../lib/live/server/runtime';
import { serveRuntime, type ServedRuntime } from './live-served-support';
import { buildGraph } from '../../lib/topology/build-graph';
import type { TopologyGraph } from '../../lib/topology/graph';
import { waitFor } from '../support/wait';
import { createLogger } from '../../lib/logging';

let lab: Lab;
let runtime: Runtime;
let served: ServedRuntime;
let client: GraphClient;
let capturer: ApicClient;

const structure = (g: TopologyGraph | null): string => {
  if (!g) return 'null';
  const { revision: _r, generatedAt: _g, ...rest } = g;
  return JSON.stringify(rest);
};

function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(lab.kubeconfigYaml());
  return kc;
}

async function freshGraph(): Promise<string> {
  return structure(buildGraph((await captureBundle({ apic: capturer, kubeConfig: kubeConfig(), fabric: lab.fabric })).bundle));
}

const podCount = (): number =>
  client.getState().graph?.nodes.filter((n) => n.kind === 'pod' && n.name.startsWith('frontend-')).length ?? -1;
const sessionState = (node: string, leaf: string): unknown =>
  client.getState().graph?.edges.find((e) => e.kind === 'bgp' && e.source === node && e.target === leaf)?.data?.state;

beforeAll(async () => {
  lab = await startLab({ scenario: 'demo' });
  // The timer is off here so the lost events stay lost until the test resyncs; the timer is tested below.
  served = await serveRuntime(lab, { coalesceMs: 50, resyncIntervalMs: 0 });
  ({ runtime, client } = served);
  const { urls, user, password, caPem } = lab.apicConnection;
  capturer = new ApicClient({ controllers: urls, auth: { type: 'password', user, password }, tls: caPem ? { ca: caPem } : {} });
  await waitFor(() => runtime.service.ready() && client.getState().graph !== null, { what: 'the service to be ready', timeoutMs: 30_000 });
}, 60_000);

afterAll(async () => {
  await capturer?.close();
  await served?.stop();
  await lab?.stop();
});

/** Established sessions in what an APIC source holds. */
function sessionsUp(apic: ApicLiveSource): number {
  const bundle = { apic: {} as Record<string, unknown[]> };
  apic.fill(bundle as never);
  return (bundle.apic.bgpPeerEntry ?? []).filter((mo) => JSON.stringify(mo).includes('"operSt":"established"')).length;
}

describe('safety resync', () => {
  it('puts right a scale-out whose watch events and a session change whose APIC push were lost', async () => {
    const edge = client.getState().graph!.edges.find((e) => e.kind === 'bgp' && e.data?.state === 'established')!;
    const node = edge.source.slice('node:'.length);
    const pods = podCount();
    lab.k8s.store.faults.loseWatchEvents = true;
    for (const apic of lab.apic) apic.faults.losePushes(true);
    try {
      await lab.event({ kind: 'scale-deployment', namespace: 'shop', name: 'frontend', replicas: pods + 4 });
      await lab.event({ kind: 'session-down', leaf: Number(edge.target.slice('leaf:'.length)), node });
    } finally {
      lab.k8s.store.faults.loseWatchEvents = false;
      for (const apic of lab.apic) apic.faults.losePushes(false);
    }
    // The faults are real: nothing arrives, and the picture is now wrong.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(podCount()).toBe(pods);
    expect(sessionState(edge.source, edge.target)).toBe('established');
    expect(structure(client.getState().graph)).not.toBe(await freshGraph());

    await runtime.service.resyncSources();
    await waitFor(async () => structure(client.getState().graph) === (await freshGraph()), {
      what: 'the resynced graph to equal a fresh capture',
      timeoutMs: 15_000,
    });
    expect(podCount()).toBe(pods + 4);
    expect(sessionState(edge.source, edge.target)).not.toBe('established');
    expect(runtime.service.sourceStatuses()).toMatchObject({ kubernetes: { state: 'synced' }, apic: { state: 'synced' } });
  });

  it('runs on its own on the configured interval, for both sources', async () => {
    // The APIC source says when a resync found what the pushes missed (warn). (The Kubernetes side has no such line:
    // with its watch events lost, only a relist can have shown it the failed node.)
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(line) } });
    const logged = (msg: string) => lines.filter((l) => (JSON.parse(l) as { msg?: string }).msg === msg).length;
    const cluster = new ClusterSource({ kubeConfig: kubeConfig(), resyncIntervalMs: 300 });
    const apic = new ApicLiveSource(capturer, lab.fabric, { resyncIntervalMs: 300, logger });
    await cluster.start();
    await apic.start();
    try {
      await waitFor(() => cluster.status().state === 'synced' && apic.status().state === 'synced', {
        what: 'both sources to sync',
        timeoutMs: 15_000,
      });
      const sessionsUpBefore = sessionsUp(apic);
      const node = lab.world().nodes.find((n) => n.name.startsWith('worker-'))!.name;
      lab.k8s.store.faults.loseWatchEvents = true;
      for (const c of lab.apic) c.faults.losePushes(true);
      try {
        await lab.event({ kind: 'fail-node', node });
        // No event can deliver these changes: only the periodic re-read can.
        const ready = (): unknown =>
          JSON.stringify(cluster.snapshot().nodes?.find((n) => n.metadata.name === node)?.status ?? {}).includes(
            '"type":"Ready","status":"True"',
          );
        await waitFor(() => ready() === false, { what: 'the Kubernetes resync to see the failed node', timeoutMs: 15_000 });
        await waitFor(() => sessionsUp(apic) < sessionsUpBefore, {
          what: "the APIC resync to see the node's sessions go down",
          timeoutMs: 15_000,
        });
        // What carried the changes: the periodic re-reads, nothing else (watch events and pushes were lost).
        expect(ready()).toBe(false);
        expect(sessionsUp(apic)).toBeLessThan(sessionsUpBefore);
        expect(logged('APIC safety resync found objects that differed from the pushed events')).toBeGreaterThan(0);
      } finally {
        lab.k8s.store.faults.loseWatchEvents = false;
        for (const c of lab.apic) c.faults.losePushes(false);
      }
    } finally {
      await apic.stop();
      await cluster.stop();
      await lab.event({ kind: 'recover-node', node: lab.world().nodes.find((n) => n.name.startsWith('worker-'))!.name });
      // The service under test (timer off) missed the failure's events too: bring it back in line.
      await runtime.service.resyncSources();
    }
  });
});

describe('APIC unreachable', () => {
  it('the source says down and the client marks it stale, then both recover and the graph converges', async () => {
    await waitFor(async () => structure(client.getState().graph) === (await freshGraph()), {
      what: 'the graph to settle',
      timeoutMs: 15_000,
    });
    for (const c of lab.apic) await c.stop();
    try {
      await waitFor(() => runtime.service.sourceStatuses().apic?.state !== 'synced', {
        what: 'the APIC source to leave synced',
        timeoutMs: 15_000,
      });
      await waitFor(() => client.getState().sources.apic?.stale === true, { what: 'the client to mark the APIC stale', timeoutMs: 15_000 });
      expect(['down', 'degraded']).toContain(client.getState().sources.apic?.state);
      expect(client.getState().sources.apic?.reason).toBeTruthy();
    } finally {
      for (const c of lab.apic) await c.restart();
    }
    await lab.event({ kind: 'scale-deployment', namespace: 'shop', name: 'frontend', replicas: 3 });
    await waitFor(() => runtime.service.sourceStatuses().apic?.state === 'synced', {
      what: 'the APIC source to resync',
      timeoutMs: 30_000,
    });
    await waitFor(async () => structure(client.getState().graph) === (await freshGraph()), {
      what: 'the graph to equal a fresh capture',
      timeoutMs: 20_000,
    });
    expect(client.getState().sources.apic?.stale).toBe(false);
  });
});
