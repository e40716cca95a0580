import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApi } from '../../lib/live/server/http-api';
import { createSecurityGate } from '../../lib/live/server/security/gate';
import { createMetrics } from '../../lib/live/server/metrics';
import { sourceStatus } from '../../lib/shared/source-status';
import { correlate, parseBundleJson, type TopologyGraph } from '../../lib/topology';
import { PLANTED_SECRET, kubeData, startHarness, type Harness } from './live-http-support';
import { waitFor } from '../support/wait';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ startingSources: true });
});
afterAll(async () => {
  await h.close();
});

const get = (path: string, init?: RequestInit) => fetch(`${h.url}${path}`, { redirect: 'manual', ...init });

describe('probes', () => {
  it('/healthz answers 200 at once; /readyz is 503 until both sources synced, naming what it waits for', async () => {
    expect((await get('/healthz')).status).toBe(200);
    const waiting = await get('/readyz');
    expect(waiting.status).toBe(503);
    const body = (await waiting.json()) as { ready: boolean; reason: string };
    expect(body.ready).toBe(false);
    expect(body.reason).toContain('kubernetes: starting');
    expect(body.reason).toContain('apic: starting');

    h.kube.set(sourceStatus('synced'));
    await waitFor(() => (h.service.sourceStatuses().kubernetes?.state === 'synced' ? true : undefined));
    expect((await get('/readyz')).status).toBe(503);
    h.apic.set(sourceStatus('synced'));
    await waitFor(async () => ((await get('/readyz')).status === 200 ? true : undefined), { what: '/readyz 200', timeoutMs: 5000 });

    // Once ready, a failing APIC keeps the pod serving: the page must be able to show that it is down.
    h.apic.set(sourceStatus('down', 'connection refused'));
    const degraded = await get('/readyz');
    expect(degraded.status).toBe(200);
    expect(((await degraded.json()) as { sources: Record<string, { state: string }> }).sources.apic?.state).toBe('down');
    h.apic.set(sourceStatus('synced'));
  });

  it('probes refuse methods other than GET and HEAD', async () => {
    const res = await get('/healthz', { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('GET /api/v1/graph', () => {
  it('serves the current graph with ETag "<revision>" and answers If-None-Match with 304', async () => {
    const res = await get('/api/v1/graph');
    expect(res.status).toBe(200);
    const graph = (await res.json()) as TopologyGraph;
    expect(graph.revision).toBe(h.service.graph()?.revision);
    expect(res.headers.get('etag')).toBe(`"${graph.revision}"`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);

    const same = await get('/api/v1/graph', { headers: { 'If-None-Match': `"0", W/"${graph.revision}"` } });
    expect(same.status).toBe(304);
    expect(await same.text()).toBe('');

    h.kube.set(sourceStatus('synced'), kubeData(['web-1', 'web-2']));
    const next = await waitFor(
      async () => {
        const r = await get('/api/v1/graph', { headers: { 'If-None-Match': `"${graph.revision}"` } });
        return r.status === 200 ? r : undefined;
      },
      { what: 'a new revision', timeoutMs: 5000 },
    );
    const newer = (await next.json()) as TopologyGraph;
    expect(newer.revision).toBeGreaterThan(graph.revision);
    expect(next.headers.get('etag')).toBe(`"${newer.revision}"`);
    expect(newer.nodes.map((n) => n.id)).toContain('pod:default/web-2');
  });

  it('HEAD gives the headers without a body', async () => {
    const res = await get('/api/v1/graph', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe(`"${h.service.graph()?.revision}"`);
    expect(await res.text()).toBe('');
  });

  it('is 503 with a JSON reason before the first graph', async () => {
    const api = createHttpApi({
      service: {
        graph: () => null,
        bundle: () => {
          throw new Error('unused');
        },
        ready: () => false,
        sourceStatuses: () => ({ apic: sourceStatus('starting') }),
      },
      metrics: createMetrics({ processMetrics: false }),
      gate: createSecurityGate({ auth: null, config: { host: '127.0.0.1', dev: false } }),
      lab: true,
    });
    const server = createServer((req, res) => {
      if (!api.handle(req, res)) res.end('page');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/graph`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: 'not_ready', sources: { apic: { state: 'starting' } } });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('GET /api/v1/bundle', () => {
  it('downloads the current state as a bundle akb graph reads back, with no credential in it', async () => {
    const res = await get('/api/v1/bundle');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="akb-bundle-\d{4}-\d\d-\d\dT[\d-]+Z\.json"$/);
    const text = await res.text();
    expect(text).not.toContain(PLANTED_SECRET);
    expect(text).not.toContain(Buffer.from(PLANTED_SECRET).toString('base64'));
    const bundle = parseBundleJson(text);
    expect(bundle.k8s.secrets).toEqual([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'default' } }]);
    const live = h.service.graph();
    expect(correlate(bundle).nodes.map((n) => n.id)).toEqual(live?.nodes.map((n) => n.id));
    // The live snapshot itself is untouched: redaction works on a copy.
    expect(JSON.stringify(h.service.bundle())).toContain(PLANTED_SECRET);
  });
});

describe('GET /metrics', () => {
  it('exports revision, source states, APIC requests, publish latency, websocket clients and patch sizes', async () => {
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const value = (series: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`${series} `))
          ?.slice(series.length + 1),
      );
    expect(value('akb_graph_revision')).toBe(h.service.graph()?.revision);
    expect(value('akb_source_state{source="kubernetes",state="synced"}')).toBe(1);
    expect(value('akb_apic_requests_total{kind="query"}')).toBe(13);
    expect(value('akb_websocket_clients')).toBe(0);
    expect(value('akb_publish_latency_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(value('akb_patch_bytes_count')).toBeGreaterThanOrEqual(1);
  });
});

describe('routing', () => {
  it('unknown API paths are 404 JSON; writes are 405; other paths go to the pages', async () => {
    const missing = await get('/api/v2/graph');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: 'not_found',
      message: 'no API route /api/v2/graph; available: /api/v1/bundle, /api/v1/graph',
    });
    const post = await get('/api/v1/graph', { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const page = await get('/fabric/leaf-101');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('the akb page');
  });

  it('serves a graph computed from both sources', () => {
    expect(h.service.graph()?.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(['leaf:101', 'node:worker-1', 'pod:default/web-1']));
  });
});
