/**
 * The live service's central invariant: after every change, the graph a websocket client holds
 * (snapshot plus every patch) equals `akb graph` of a fresh capture — through events and faults, with the
 * incremental correlation (the default) publishing the patches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { ApicClient } from '../../lib/aci/client';
import { startLab, type Lab } from '../../lib/lab';
import type { LabApicRequestRecord } from '../../lib/lab/apic';
import { startLabK8s } from '../../lib/lab/k8s';
import { captureBundle } from '../../lib/live/server/capture';
import type { GraphClient } from '../../lib/live/client/graph-client';
import type { Runtime } from '../../lib/live/server/runtime';
import { IncrementalLiveService } from '../../lib/live/server/incremental-service';
import { serveRuntime, type ServedRuntime } from './live-served-support';
import { buildGraph } from '../../lib/topology/build-graph';
import type { TopologyGraph } from '../../lib/topology/graph';
import { waitFor } from '../support/wait';

const COALESCE_MS = 100;
let lab: Lab;
let runtime: Runtime;
let served: ServedRuntime;
let client: GraphClient;
let capturer: ApicClient;
/** Every request the three lab APIC controllers answered, with the controller's index. */
const wire: (LabApicRequestRecord & { controller: number })[] = [];

const isLogin = (w: LabApicRequestRecord) => w.method === 'POST' && w.url.startsWith('/api/aaaLogin') && w.status === 200;
/** The token an accepted websocket upgrade carries (`/socket<token>`). */
const socketToken = (w: LabApicRequestRecord) => decodeURIComponent(w.url.slice('/socket'.length));
const sessionState = (node: string, leaf: string): unknown =>
  client.getState().graph?.edges.find((e) => e.kind === 'bgp' && e.source === node && e.target === leaf)?.data?.state;

function structure(g: TopologyGraph | null) {
  if (!g) return null;
  const { revision: _r, generatedAt: _g, ...rest } = g;
  return rest;
}

async function freshGraph(): Promise<TopologyGraph> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(lab.kubeconfigYaml());
  const { bundle } = await captureBundle({ apic: capturer, kubeConfig, fabric: lab.fabric });
  return buildGraph(bundle);
}

/** Waits until the client's graph equals a fresh capture's; returns how long it took. */
async function expectConverged(timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  let expected = structure(await freshGraph());
  for (;;) {
    if (JSON.stringify(structure(client.getState().graph)) === JSON.stringify(expected)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) {
      expect(structure(client.getState().graph)).toEqual(expected);
      throw new Error('not converged');
    }
    await new Promise((r) => setTimeout(r, 50));
    // The world may still be settling (controllers, sessions): compare against the latest truth.
    if ((Date.now() - started) % 1000 < 60) expected = structure(await freshGraph());
  }
}

beforeAll(async () => {
  lab = await startLab({ scenario: 'demo', apic: { controllers: 3, observe: (controller, r) => wire.push({ ...r, controller }) } });
  served = await serveRuntime(lab, { coalesceMs: COALESCE_MS });
  ({ runtime, client } = served);
  const { urls, user, password, caPem } = lab.apicConnection;
  capturer = new ApicClient({ controllers: urls, auth: { type: 'password', user, password }, tls: caPem ? { ca: caPem } : {} });
  await waitFor(() => runtime.service.ready() && client.getState().graph !== null, { timeoutMs: 15_000 });
}, 60_000);

afterAll(async () => {
  await capturer?.close();
  await served?.stop();
  await lab?.stop();
});

describe('live graph equals a fresh capture', () => {
  it('holds after the initial sync', async () => {
    // The service the runtime runs by default: incremental correlation, ECMP analysis in its worker.
    expect(runtime.service).toBeInstanceOf(IncrementalLiveService);
    await expectConverged();
    expect(client.getState().graph!.nodes.filter((n) => n.kind === 'k8s-node')).toHaveLength(lab.world().nodes.length);
  });

  const events: [string, Record<string, unknown>][] = [
    ['scale a deployment up', { kind: 'scale-deployment', namespace: 'shop', name: 'frontend', replicas: 30 }],
    ['kill a pod', { kind: 'kill-pod', namespace: 'shop', name: '' }],
    ['take a BGP session down', { kind: 'session-down', leaf: 101, node: 'worker-1' }],
    ['fail a node', { kind: 'fail-node', node: 'worker-2' }],
    ['recover it', { kind: 'recover-node', node: 'worker-2' }],
    ['change a service policy', { kind: 'set-traffic-policy', namespace: 'shop', name: 'frontend', policy: 'Cluster' }],
    ['misconfigure a rack', { kind: 'misconfigure-session', rack: 2, what: 'password', password: 'wrong' }],
    ['bring the session back', { kind: 'session-up', leaf: 101, node: 'worker-1' }],
  ];
  for (const [title, event] of events) {
    it(`holds after: ${title}`, async () => {
      if (event.kind === 'kill-pod') {
        const pod = client.getState().graph!.nodes.find((n) => n.kind === 'pod' && n.name.startsWith('backend-'));
        event.name = pod!.name;
      }
      const revision = client.getState().graph!.revision;
      await lab.event(event);
      await waitFor(() => client.getState().graph!.revision > revision, { timeoutMs: 5_000 });
      await expectConverged();
    });
  }
});

describe('live graph recovers from faults', () => {
  it('APIC websocket dropped: the source resyncs and the graph converges', async () => {
    for (const controller of lab.apic) controller.faults.dropWebsockets();
    await lab.event({ kind: 'session-down', leaf: 103, node: 'worker-4' });
    await expectConverged();
    await waitFor(() => runtime.service.sourceStatuses().apic?.state === 'synced', { timeoutMs: 15_000 });
  });

  it('token expired: the service logs in again exactly once, re-subscribes with the new token, and the graph converges', async () => {
    const from = wire.length;
    // Any session that is up now: taking it down is a change only the APIC can tell the service about.
    const up = client.getState().graph!.edges.find((e) => e.kind === 'bgp' && e.data.state === 'established');
    expect(up, 'an established session to take down').toBeDefined();
    const [node, leaf] = [up!.source, up!.target];
    for (const controller of lab.apic) controller.faults.expireAllTokens();
    await lab.event({ kind: 'session-down', leaf: Number(leaf.slice('leaf:'.length)), node: node.slice('node:'.length) });
    // Until the service shows the change, only the service talks to the APIC (the capturer is used after this wait).
    await waitFor(() => sessionState(node, leaf) !== 'established', {
      what: 'the session down in the live graph',
      timeoutMs: 15_000,
    });
    // The lab closes the sockets of expired sessions: the service must log in again and open a new one.
    const socket = await waitFor(() => wire.slice(from).find((w) => w.status === 101), {
      what: 'the service to re-subscribe on a new socket',
      timeoutMs: 15_000,
    });
    const logins = wire.slice(from).filter(isLogin);
    expect(logins).toHaveLength(1);
    expect(socket.controller).toBe(logins[0]!.controller);
    expect(logins[0]!.setCookie).toContain(socketToken(socket));
    await expectConverged();
  });

  it('the first of three controllers stopped: the service fails over (logs in and subscribes on another), and the graph converges', async () => {
    await lab.apic[0]!.stop();
    const from = wire.length;
    await lab.event({ kind: 'scale-deployment', namespace: 'shop', name: 'cache', replicas: 6 });
    // Only the service opens websockets (the capturer only queries), so an upgrade is the service failing over.
    const socket = await waitFor(() => wire.slice(from).find((w) => w.status === 101), {
      what: 'the service to open its subscription socket on another controller',
      timeoutMs: 15_000,
    });
    expect(socket.controller).not.toBe(0);
    const login = wire
      .slice(from)
      .find((w) => isLogin(w) && w.controller === socket.controller && w.setCookie?.includes(socketToken(socket)));
    expect(login, `a login on controller ${socket.controller} that issued the socket's token`).toBeDefined();
    await expectConverged(15_000);
    expect(wire.slice(from).filter((w) => w.controller === 0)).toEqual([]);
    await lab.apic[0]!.restart();
  });

  it('a 410 on a watch (history compacted): the source relists and the graph converges', async () => {
    await lab.event({ kind: 'scale-deployment', namespace: 'shop', name: 'api', replicas: 22 });
    await expectConverged();
    // Informers of resources that saw no recent event resume from older versions: all of them now get 410.
    const before = Number(lab.k8s.store.resourceVersion);
    lab.k8s.store.compact();
    expect(lab.k8s.store.eventsSince(before - 1)).toBeUndefined();
    expect(lab.k8s.closeWatches()).toBeGreaterThan(0);
    await lab.event({ kind: 'scale-deployment', namespace: 'shop', name: 'api', replicas: 18 });
    await expectConverged();
    expect(runtime.service.sourceStatuses().kubernetes?.state).toBe('synced');
  });

  it('Kubernetes API server restarted: marked down and stale while gone, then converges', async () => {
    const { port, token, store } = lab.k8s;
    await lab.k8s.stop();
    await waitFor(() => runtime.service.sourceStatuses().kubernetes?.state !== 'synced', { timeoutMs: 15_000 });
    await waitFor(() => client.getState().sources.kubernetes?.stale === true, { timeoutMs: 15_000 });
    // The world changes while the API server is away.
    await lab.event({ kind: 'scale-deployment', namespace: 'shop', name: 'db', replicas: 5 });
    const restarted = await startLabK8s({ port, token, store, tls: true });
    lab.k8s = restarted;
    await waitFor(() => runtime.service.sourceStatuses().kubernetes?.state === 'synced', { timeoutMs: 20_000 });
    await expectConverged();
    expect(client.getState().sources.kubernetes?.stale).toBe(false);
  });
});
