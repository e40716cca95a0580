import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, loadShippedScenario, setSessionDown } from '../../lab/model';
import { labBundle } from '../../../tests/unit/ecmp-support';
import { EcmpHistory } from './ecmp-history';
import { handleEcmpRequest, type EcmpApiContext } from './ecmp-api';

const demo = createWorld(await loadShippedScenario('demo'));
const node = demo.pods.find((p) => p.workload === 'shop/frontend' && p.ready)!.node;
const leafId = demo.scenario.l3out.anchors.find((a) => a.rack === demo.nodes.find((n) => n.name === node)!.rack)!.leaf;

let server: Server;
let base: string;
let current: ReturnType<EcmpApiContext['current']> = null;
const history = new EcmpHistory();

beforeAll(async () => {
  server = createServer((req, res) => {
    if (!handleEcmpRequest(req, res, { history, current: () => current })) {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('handleEcmpRequest', () => {
  it('503 before the first graph, then the analysis', async () => {
    current = null;
    expect((await fetch(`${base}/api/v1/ecmp`)).status).toBe(503);
    const a = labBundle(demo);
    history.record(a.graph, a.bundle);
    const b = labBundle(setSessionDown(demo, leafId, node, true));
    history.record(b.graph, b.bundle);
    current = b;
    const res = await fetch(`${base}/api/v1/ecmp?service=service:shop/frontend`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.format).toBe('akb-ecmp/v1');
    expect(body.model).toMatch(/modulo/);
    expect(body.prefixes.every((p: { services: string[] }) => p.services.includes('service:shop/frontend'))).toBe(true);
    expect(
      body.findings.some((f: { code: string; node?: string }) => f.code === 'ecmp-advertiser-missing' && f.node === `node:${node}`),
    ).toBe(true);
    expect(body.churn.length).toBeGreaterThan(0);
    expect(body.churn.every((e: { services: string[] }) => e.services.includes('service:shop/frontend'))).toBe(true);
  });

  it('bgp: sessions with state and flaps', async () => {
    const body = await (await fetch(`${base}/api/v1/bgp?windowSeconds=3600`)).json();
    expect(body.format).toBe('akb-bgp/v1');
    const s = body.sessions.find((x: { node: string; leaf: string }) => x.node === `node:${node}` && x.leaf === `leaf:${leafId}`);
    expect(s.state).not.toBe('established');
    expect(s.flaps).toBe(1);
    expect(body.transitions.length).toBe(1);
  });

  it('summary: every prefix without matrices or churn', async () => {
    const full = await (await fetch(`${base}/api/v1/ecmp`)).json();
    const body = await (await fetch(`${base}/api/v1/ecmp?summary=true`)).json();
    expect(body.prefixes.map((p: { prefix: string }) => p.prefix)).toEqual(full.prefixes.map((p: { prefix: string }) => p.prefix));
    expect(body.prefixes.every((p: { cells: unknown[] }) => p.cells.length === 0)).toBe(true);
    expect(full.prefixes.some((p: { cells: unknown[] }) => p.cells.length > 0)).toBe(true);
    expect(body.churn).toEqual([]);
    expect((await (await fetch(`${base}/api/v1/ecmp?summary=yes`)).json()).message).toBe('summary: must be true or false');
  });

  it('rejects bad parameters and methods, naming what is valid', async () => {
    const bad = await fetch(`${base}/api/v1/ecmp?limit=0`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/^limit: must be at least 1/);
    const unknown = await (await fetch(`${base}/api/v1/bgp?window=1`)).json();
    expect(unknown.message).toMatch(/unknown parameter\(s\) window; valid: windowSeconds/);
    const post = await fetch(`${base}/api/v1/bgp`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${base}/api/v1/other`)).status).toBe(404);
  });
});
