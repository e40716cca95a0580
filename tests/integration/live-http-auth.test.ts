import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createUiAuth } from '../../lib/live/server/auth';
import { SESSION_COOKIE } from '../../lib/live/server/security/session';
import type { ServerMessage } from '../../lib/live/shared/protocol';
import { startHarness, type Harness } from './live-http-support';

const TOKEN = 'e3b0c44298fc1c149afbf4c8996fb924';
/** Every kind of path a browser or script reaches: pages, Next assets, API, metrics, unknown API. */
const GUARDED = [
  '/',
  '/fabric/leaf-101',
  '/_next/static/chunks/main.js',
  '/api/v1/graph',
  '/api/v1/bundle',
  '/metrics',
  '/api/nope',
  '/extra',
];

type WsOutcome = { refused: number } | { messages: ServerMessage['type'][] };

/** Opens /ws and returns the refusal status, or the types of the first messages (hello, status, snapshot). */
function openWs(url: string, headers: Record<string, string> = {}): Promise<WsOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { headers });
    const types: ServerMessage['type'][] = [];
    ws.on('unexpected-response', (_req, res) => {
      resolve({ refused: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.on('message', (data) => {
      types.push((JSON.parse(String(data)) as ServerMessage).type);
      if (types.includes('snapshot')) {
        ws.close();
        resolve({ messages: types });
      }
    });
    ws.on('error', (err) => {
      if (!types.length) reject(err);
    });
  });
}

const extraRoutes = { '/extra': (_req: unknown, res: { end(body: string): void }) => res.end('extra') };

describe('token mode', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      auth: createUiAuth({ uiAuth: 'token', uiAuthHeader: 'x-forwarded-user' }, { AKB_UI_TOKEN: TOKEN }),
      extraRoutes,
    });
  });
  afterAll(() => h.close());
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${h.url}${path}`, { headers, redirect: 'manual' });

  it('refuses pages, assets, API, metrics and extra routes without credentials; probes stay open', async () => {
    for (const path of GUARDED) {
      const res = await get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="akb"');
      expect(await res.text()).not.toContain(TOKEN);
    }
    expect((await get('/healthz')).status).toBe(200);
    expect([200, 503]).toContain((await get('/readyz')).status);
  });

  it('serves everything with the bearer token', async () => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    expect((await get('/', auth)).status).toBe(200);
    expect((await get('/api/v1/graph', auth)).status).toBe(200);
    expect((await get('/metrics', auth)).status).toBe(200);
    expect(await (await get('/extra', auth)).text()).toBe('extra');
    expect((await get('/api/nope', auth)).status).toBe(404);
    expect((await get('/api/v1/graph', { Authorization: 'Bearer wrong-token-wrong-token' })).status).toBe(401);
  });

  it('logs a browser in through the form: the session cookie then opens pages and the websocket', async () => {
    const login = await fetch(`${h.url}/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: h.url },
      body: new URLSearchParams({ token: TOKEN, next: '/fabric?leaf=101' }),
      redirect: 'manual',
    });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/fabric?leaf=101');
    const cookie = login.headers.get('set-cookie')?.split(';')[0] ?? '';
    expect(cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
    expect(cookie).not.toContain(TOKEN);
    expect((await get('/fabric?leaf=101', { Cookie: cookie })).status).toBe(200);
    expect(await openWs(h.url, { Cookie: cookie, Origin: h.url })).toEqual({ messages: ['hello', 'status', 'snapshot'] });
  });

  it('refuses the websocket with 401 without credentials or with a wrong token, accepts the bearer token', async () => {
    expect(await openWs(h.url)).toEqual({ refused: 401 });
    expect(await openWs(h.url, { Cookie: `${SESSION_COOKIE}=not-a-session` })).toEqual({ refused: 401 });
    expect(await openWs(h.url, { Authorization: `Bearer ${TOKEN}` })).toEqual({ messages: ['hello', 'status', 'snapshot'] });
  });
});

describe('basic mode', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      auth: createUiAuth({ uiAuth: 'basic', uiAuthHeader: 'x-forwarded-user' }, { AKB_UI_BASIC: 'ops:correct horse battery' }),
    });
  });
  afterAll(() => h.close());
  const basic = (cred: string) => ({ Authorization: `Basic ${Buffer.from(cred).toString('base64')}` });

  it('challenges pages and API with Basic realm="akb" and admits the configured user', async () => {
    for (const path of ['/', '/api/v1/graph', '/metrics']) {
      const res = await fetch(`${h.url}${path}`);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="akb"/);
    }
    expect((await fetch(`${h.url}/api/v1/graph`, { headers: basic('ops:correct horse battery') })).status).toBe(200);
    expect((await fetch(`${h.url}/api/v1/graph`, { headers: basic('ops:wrong') })).status).toBe(401);
  });

  it('guards the websocket the same way', async () => {
    expect(await openWs(h.url)).toEqual({ refused: 401 });
    expect(await openWs(h.url, basic('ops:correct horse battery'))).toEqual({ messages: ['hello', 'status', 'snapshot'] });
  });
});

describe('header mode (authenticating ingress) with open metrics', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      auth: createUiAuth({ uiAuth: 'header', uiAuthHeader: 'X-Auth-Request-User', uiAuthTrustedProxies: ['127.0.0.1/32'] }, {}),
      metricsOpen: true,
    });
  });
  afterAll(() => h.close());

  it('requires the ingress header on pages, API and websocket, but not on /metrics', async () => {
    expect((await fetch(`${h.url}/`)).status).toBe(401);
    expect((await fetch(`${h.url}/api/v1/graph`)).status).toBe(401);
    expect((await fetch(`${h.url}/api/v1/graph`, { headers: { 'X-Auth-Request-User': 'alice' } })).status).toBe(200);
    expect((await fetch(`${h.url}/metrics`)).status).toBe(200);
    expect(await openWs(h.url)).toEqual({ refused: 401 });
    expect(await openWs(h.url, { 'X-Auth-Request-User': 'alice' })).toEqual({ messages: ['hello', 'status', 'snapshot'] });
  });
});

describe('no UI authentication (the local lab)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ auth: null, lab: true });
  });
  afterAll(() => h.close());

  it('serves pages, API and websocket to anyone', async () => {
    expect((await fetch(`${h.url}/`)).status).toBe(200);
    expect((await fetch(`${h.url}/api/v1/graph`)).status).toBe(200);
    expect(await openWs(h.url)).toEqual({ messages: ['hello', 'status', 'snapshot'] });
  });
});
