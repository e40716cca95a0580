import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LiveHub } from '../../lib/live/server/hub';
import { GraphClient, type SocketFactory } from '../../lib/live/client/graph-client';
import { correlate } from '../../lib/topology/correlate';
import { parseBundleJson } from '../../lib/topology/bundle';
import { diff } from '../../lib/topology/patch';
import type { TopologyGraph } from '../../lib/topology/graph';
import { sourceStatus } from '../../lib/shared/source-status';
import { waitFor } from '../support/wait';

const wsFactory: SocketFactory = (url) => new WebSocket(url) as unknown as ReturnType<SocketFactory>;

function graphFrom(fixture: string, revision: number): TopologyGraph {
  const bundle = parseBundleJson(readFileSync(`tests/fixtures/bundles/${fixture}.json`, 'utf8'));
  return { ...correlate(bundle), revision };
}

let server: Server | undefined;
let hub: LiveHub | undefined;
const clients: GraphClient[] = [];

async function serve(h: LiveHub): Promise<string> {
  hub = h;
  server = createServer((_req, res) => res.end());
  server.on('upgrade', (req, socket, head) => {
    if (!h.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
}

function connect(url: string): GraphClient {
  const client = new GraphClient({ url, socketFactory: wsFactory, reconnectMinMs: 20 });
  clients.push(client);
  client.start();
  return client;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.stop();
  await hub?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

describe('live hub and graph client over a real websocket', () => {
  it('delivers hello, status and a snapshot, then patches the client applies to the exact published graph', async () => {
    const url = await serve(new LiveHub({ lab: true, heartbeatMs: 60_000 }));
    const first = graphFrom('esxi-lldp', 1);
    hub!.publish(first, null);
    hub!.setSources({ kubernetes: sourceStatus('synced') });
    const client = connect(url);
    await waitFor(() => client.getState().graph?.revision === 1);
    expect(client.getState().lab).toBe(true);
    expect(client.getState().graph).toEqual(first);

    const second = graphFrom('baremetal-vpc', 2);
    hub!.publish(second, diff(first, second));
    await waitFor(() => client.getState().graph?.revision === 2);
    expect(client.getState().graph).toEqual(second);
    expect(client.getState().changed.size).toBeGreaterThan(0);
    expect(client.getState().sources.kubernetes?.state).toBe('synced');
  });

  it('keeps what two patches in a row changed highlighted (a change, then the findings computed from it)', async () => {
    const url = await serve(new LiveHub({ lab: true, heartbeatMs: 60_000 }));
    const first = graphFrom('esxi-lldp', 1);
    hub!.publish(first, null);
    const client = connect(url);
    await waitFor(() => client.getState().graph?.revision === 1);
    const second = graphFrom('baremetal-vpc', 2);
    const change = diff(first, second);
    hub!.publish(second, change);
    await waitFor(() => client.getState().graph?.revision === 2);
    const third = { ...graphFrom('ucs-cdp', 3) };
    const findings = diff(second, third);
    hub!.publish(third, findings);
    await waitFor(() => client.getState().graph?.revision === 3);
    const touched = (p: typeof change) => [...p.nodes.added, ...p.nodes.changed, ...p.edges.added, ...p.edges.changed].map((i) => i.id);
    const changed = client.getState().changed;
    expect(touched(change).length).toBeGreaterThan(0);
    expect(touched(change).filter((id) => !changed.has(id))).toEqual([]);
    expect(touched(findings).filter((id) => !changed.has(id))).toEqual([]);
  });

  it('asks for a snapshot when a patch does not follow the revision it holds', async () => {
    const url = await serve(new LiveHub({ lab: false, heartbeatMs: 60_000 }));
    const first = graphFrom('esxi-lldp', 1);
    hub!.publish(first, null);
    const client = connect(url);
    await waitFor(() => client.getState().graph?.revision === 1);
    const third = graphFrom('ucs-cdp', 3);
    // A patch from revision 2, which this client never saw: it must resync rather than apply it.
    hub!.publish(third, diff({ ...first, revision: 2 }, third));
    await waitFor(() => client.getState().graph?.revision === 3);
    expect(client.getState().graph).toEqual(third);
  });

  it('answers garbage with an error message and keeps the connection', async () => {
    const url = await serve(new LiveHub({ lab: false, heartbeatMs: 60_000 }));
    const ws = new WebSocket(url);
    const messages: { type: string; message?: string }[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((r) => ws.once('open', r));
    ws.send('{"type":"drop-tables"}');
    ws.send('not json');
    const errors = await waitFor(() => {
      const e = messages.filter((m) => m.type === 'error');
      return e.length === 2 && e;
    });
    expect(errors[0]!.message).toMatch(/expected \{"type":"resync"\}/);
    expect(errors[1]!.message).toMatch(/not valid JSON/);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });

  it('sends a lagging client one fresh snapshot instead of queueing patches', async () => {
    const url = await serve(new LiveHub({ lab: false, heartbeatMs: 100, pingTimeoutMs: 60_000, maxBufferedBytes: 256 * 1024 }));
    const big = (revision: number, tag: string): TopologyGraph => ({
      ...graphFrom('esxi-lldp', revision),
      nodes: Array.from({ length: 20_000 }, (_, i) => ({ id: `pod:ns/p-${i}`, kind: 'pod' as const, name: `p-${i}`, data: { tag } })),
    });
    let graph = big(1, 'a');
    hub!.publish(graph, null);
    const ws = new WebSocket(url, { maxPayload: 0 });
    const received: { type: string; revision?: number; patch?: { revision: number }; graph?: TopologyGraph }[] = [];
    ws.on('message', (data) => received.push(JSON.parse(String(data))));
    await waitFor(() => received.some((m) => m.type === 'snapshot'));
    // Stop reading: the kernel buffers fill, then the server's queue for this client grows.
    const socket = Reflect.get(ws, '_socket') as { pause(): void; resume(): void };
    socket.pause();
    const published = 30;
    for (let revision = 2; revision <= published; revision++) {
      const next = big(revision, revision % 2 ? 'a' : 'b');
      hub!.publish(next, diff(graph, next));
      graph = next;
    }
    socket.resume();
    const last = await waitFor(() => received.find((m) => m.type === 'snapshot' && m.revision === published), { timeoutMs: 15_000 });
    expect(last.graph).toEqual(graph);
    const patches = received.filter((m) => m.type === 'patch').length;
    expect(patches).toBeLessThan(published - 1);
    ws.close();
  });

  it('refuses clients past the cap with 503 and serves again once one leaves', async () => {
    const url = await serve(new LiveHub({ lab: false, heartbeatMs: 60_000, maxClients: 2 }));
    const status = (ws: WebSocket) =>
      new Promise<number>((resolve) => {
        ws.on('open', () => resolve(101));
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      });
    const first = new WebSocket(url);
    const second = new WebSocket(url);
    expect([await status(first), await status(second)]).toEqual([101, 101]);
    expect(await status(new WebSocket(url))).toBe(503);
    first.close();
    await waitFor(() => hub!.clientCount() === 1);
    const again = new WebSocket(url);
    expect(await status(again)).toBe(101);
    second.close();
    again.close();
  });

  it('drops a client that stops answering pings and keeps one that answers', async () => {
    const url = await serve(new LiveHub({ lab: false, heartbeatMs: 100, pingTimeoutMs: 2_000 }));
    const open = (ws: WebSocket) => new Promise((r) => ws.once('open', r));
    const alive = new WebSocket(url);
    const silent = new WebSocket(url);
    await Promise.all([open(alive), open(silent)]);
    // A paused socket reads nothing, so the pings it gets are never answered.
    (Reflect.get(silent, '_socket') as { pause(): void }).pause();
    await waitFor(() => hub!.clientCount() === 1, { what: 'the silent client dropped', timeoutMs: 10_000 });
    expect(alive.readyState).toBe(WebSocket.OPEN);
    alive.close();
    silent.terminate();
  });
});
