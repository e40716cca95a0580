/**
 * The one gate (issue 19, items 3 and 6's headers): every route and every websocket upgrade of the running
 * service passes it. A foreign Origin is refused at upgrade in every auth mode (cross-site websocket
 * hijacking), and on state-changing requests (CSRF); a rebinding Host is refused in mode `none`; every
 * answer carries the security headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../lib/lab';
import { PAGE_BODY, openWs, rawRequest, serveAkb, startSmallLab, type ServedAkb } from './security-support';

const TOKEN = 'gate-test-token-7f3a9c2e11d4';
const BASIC = 'ops:gate-test-password-long';
const EVIL = 'http://evil.example';
const basic = `Basic ${Buffer.from(BASIC).toString('base64')}`;

let lab: Lab;
const servers: Record<'none' | 'token' | 'basic' | 'header' | 'namedHost', ServedAkb> = {} as never;
beforeAll(async () => {
  lab = await startSmallLab();
  servers.none = await serveAkb(lab);
  servers.token = await serveAkb(lab, { uiAuth: 'token' }, { AKB_UI_TOKEN: TOKEN });
  servers.basic = await serveAkb(lab, { uiAuth: 'basic' }, { AKB_UI_BASIC: BASIC });
  servers.header = await serveAkb(lab, { uiAuth: 'header', uiAuthTrustedProxies: '127.0.0.1/32' });
  servers.namedHost = await serveAkb(lab, {}, { AKB_ALLOWED_HOSTS: 'akb.lab.internal' });
}, 60_000);
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
  await lab.stop();
});

/** Credentials that open each mode, as an API client or the proxy sends them. */
const creds: Record<'none' | 'token' | 'basic' | 'header', Record<string, string>> = {
  none: {},
  token: { Authorization: `Bearer ${TOKEN}` },
  basic: { Authorization: basic },
  header: { 'X-Forwarded-User': 'alice' },
};

describe('websocket upgrades', () => {
  for (const mode of ['none', 'token', 'basic', 'header'] as const) {
    it(`${mode}: a foreign Origin is refused even with valid credentials; akb's own origin is served`, async () => {
      const s = servers[mode];
      const foreign = await openWs(s.port, { ...creds[mode], Origin: EVIL });
      expect(foreign).toMatchObject({ refused: 403 });
      expect((foreign as { body: string }).body).toMatch(/Origin/);
      expect(await openWs(s.port, { ...creds[mode], Origin: 'null' })).toMatchObject({ refused: 403 });
      // Same host, other port: another origin (another app on the same machine).
      expect(await openWs(s.port, { ...creds[mode], Origin: `http://127.0.0.1:${s.port + 1}` })).toMatchObject({ refused: 403 });
      expect(await openWs(s.port, { ...creds[mode], Origin: s.url })).toEqual({ opened: ['hello', 'status', 'snapshot'] });
      // Not a browser (no Origin): credentials decide.
      expect(await openWs(s.port, creds[mode])).toEqual({ opened: ['hello', 'status', 'snapshot'] });
    });
  }

  it('refuses an upgrade without credentials in every auth mode', async () => {
    for (const mode of ['token', 'basic', 'header'] as const) {
      expect({ mode, outcome: await openWs(servers[mode].port, { Origin: servers[mode].url }) }).toMatchObject({
        mode,
        outcome: { refused: 401 },
      });
    }
  });
});

describe('every route passes the gate', () => {
  const paths = [
    '/',
    '/tables',
    '/_next/static/chunks/main.js',
    '/api/v1/graph',
    '/api/v1/bundle',
    '/api/v1/ecmp',
    '/metrics',
    '/api/nope',
  ];

  it('token mode: no path answers without credentials; each answers with them; probes stay open', async () => {
    const s = servers.token;
    for (const path of paths) {
      const res = await rawRequest(s.port, path);
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect(res.body).not.toContain(PAGE_BODY);
      const ok = await rawRequest(s.port, path, { headers: creds.token });
      expect({ path, status: ok.status }).not.toEqual({ path, status: 401 });
    }
    expect((await rawRequest(s.port, '/healthz')).status).toBe(200);
  });

  it('a browser asking for a page is sent to the login form, keeping where it wanted to go', async () => {
    const res = await rawRequest(servers.token.port, '/tables?q=leaf', { headers: { Accept: 'text/html' } });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent('/tables?q=leaf')}`);
  });
});

describe('DNS rebinding (auth mode none)', () => {
  it('refuses a Host that is not loopback on pages, API and the websocket', async () => {
    const s = servers.none;
    const host = `evil.example:${s.port}`;
    for (const path of ['/', '/api/v1/graph', '/api/v1/bundle']) {
      const res = await rawRequest(s.port, path, { headers: { Host: host } });
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect(res.body).toMatch(/--allowed-hosts/);
    }
    // The rebinding page is same-origin with its own name: Origin passes, Host does not.
    expect(await openWs(s.port, { Host: host, Origin: `http://${host}` })).toMatchObject({ refused: 403 });
  });

  it('serves loopback names and the configured hosts', async () => {
    for (const host of ['127.0.0.1', 'localhost', '[::1]', 'akb.localhost'])
      expect({
        host,
        status: (await rawRequest(servers.none.port, '/', { headers: { Host: `${host}:${servers.none.port}` } })).status,
      }).toEqual({
        host,
        status: 200,
      });
    const named = servers.namedHost;
    expect((await rawRequest(named.port, '/api/v1/graph', { headers: { Host: `akb.lab.internal:${named.port}` } })).status).toBe(200);
    expect(
      (await rawRequest(named.port, '/api/v1/graph', { headers: { Host: `akb.lab.internal.evil.example:${named.port}` } })).status,
    ).toBe(403);
    expect(await openWs(named.port, { Host: `akb.lab.internal:${named.port}`, Origin: `http://akb.lab.internal:${named.port}` })).toEqual({
      opened: ['hello', 'status', 'snapshot'],
    });
  });

  it('does not check Host where credentials protect akb (a rebinding page has no session for its name)', async () => {
    const res = await rawRequest(servers.token.port, '/api/v1/graph', { headers: { Host: 'akb.example.com', ...creds.token } });
    expect(res.status).toBe(200);
  });
});

describe('state-changing requests (CSRF)', () => {
  it('refuses a foreign Origin before any route runs, in every mode', async () => {
    for (const mode of ['none', 'token', 'basic', 'header'] as const) {
      const s = servers[mode];
      const res = await rawRequest(s.port, '/api/v1/graph', { method: 'POST', headers: { ...creds[mode], Origin: EVIL } });
      expect({ mode, status: res.status }).toEqual({ mode, status: 403 });
      // The same request from akb's own page reaches the route (which is read-only: 405).
      const own = await rawRequest(s.port, '/api/v1/graph', { method: 'POST', headers: { ...creds[mode], Origin: s.url } });
      expect({ mode, status: own.status }).toEqual({ mode, status: 405 });
    }
  });
});

describe('security headers', () => {
  it('are on pages, API answers, probes and refusals', async () => {
    const s = servers.token;
    const answers = [
      await rawRequest(s.port, '/', { headers: creds.token }),
      await rawRequest(s.port, '/api/v1/graph', { headers: creds.token }),
      await rawRequest(s.port, '/healthz'),
      await rawRequest(s.port, '/api/v1/graph'),
      await rawRequest(s.port, '/login'),
    ];
    for (const res of answers) {
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      // Plain HTTP: no HSTS (a browser ignores it there, and it must not pin a name without TLS).
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('add HSTS when the browser came over TLS (a TLS-terminating proxy says so)', async () => {
    const res = await rawRequest(servers.token.port, '/', { headers: { ...creds.token, 'X-Forwarded-Proto': 'https' } });
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
  });
});
