/**
 * Auth modes at start-up and at the edge (issue 19, items 2, 4 and 7): header mode believes only its
 * proxy, `none` refuses to face the network unless told to, plain-http APIC URLs need a flag, the mode is
 * logged, and /readyz tells an anonymous caller only whether akb is ready.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../lib/lab';
import { PROXY_SECRET_HEADER } from '../../lib/live/server/auth';
import { loadServiceConfig } from '../../lib/live/server/config';
import { openWs, rawRequest, runServerTs, serveAkb, startSmallLab, type ServedAkb } from './security-support';

let lab: Lab;
beforeAll(async () => {
  lab = await startSmallLab();
}, 60_000);
afterAll(() => lab.stop());

describe('auth mode none on a non-loopback address', () => {
  it('refuses to start on 0.0.0.0, naming the way out', () => {
    for (const run of [runServerTs(['--host', '0.0.0.0']), runServerTs([], { AKB_HOST: '0.0.0.0' })]) {
      expect(run.status).toBe(2);
      expect(run.output).toContain('--ui-auth none on 0.0.0.0');
      expect(run.output).toContain('--allow-unauthenticated');
    }
  });

  it('serves there when explicitly allowed, and logs that it does', async () => {
    const s = await serveAkb(lab, { host: '0.0.0.0', allowUnauthenticated: true });
    try {
      expect((await rawRequest(s.port, '/api/v1/graph')).status).toBe(200);
      expect(s.logs.find((l) => l.uiAuth === 'none')).toMatchObject({ host: '0.0.0.0', allowUnauthenticated: true });
    } finally {
      await s.close();
    }
  });
});

describe('header mode (an authenticating proxy in front)', () => {
  it('refuses to start without trusted proxies or a proxy secret', () => {
    const run = runServerTs(['--ui-auth', 'header']);
    expect(run.status).toBe(2);
    expect(run.output).toContain('--ui-auth-trusted-proxies');
    expect(run.output).toContain('--ui-auth-proxy-secret-file');
  });

  it('refuses a trusted-proxy list that is not CIDRs', () => {
    const run = runServerTs(['--ui-auth', 'header', '--ui-auth-trusted-proxies', '10.0.0.0/8,proxy.example']);
    expect(run.status).toBe(2);
    expect(run.output).toMatch(/--ui-auth-trusted-proxies: must be CIDRs/);
  });

  describe('trusting one proxy address', () => {
    let s: ServedAkb;
    beforeAll(async () => {
      s = await serveAkb(lab, { uiAuth: 'header', uiAuthTrustedProxies: '127.0.0.1/32' });
    });
    afterAll(() => s.close());

    it('accepts the user header from that proxy only; from any other peer it is refused', async () => {
      const user = { 'X-Forwarded-User': 'alice' };
      expect((await rawRequest(s.port, '/api/v1/graph', { headers: user, localAddress: '127.0.0.1' })).status).toBe(200);
      expect((await rawRequest(s.port, '/api/v1/graph', { headers: user, localAddress: '127.0.0.2' })).status).toBe(401);
      expect(await openWs(s.port, user, '127.0.0.1')).toEqual({ opened: ['hello', 'status', 'snapshot'] });
      expect(await openWs(s.port, user, '127.0.0.2')).toMatchObject({ refused: 401 });
    });

    it('logs the mode, the header and the trusted proxies at start-up', () => {
      expect(s.logs.find((l) => l.uiAuth === 'header')).toMatchObject({
        header: 'x-forwarded-user',
        trustedProxies: ['127.0.0.1/32'],
        proxySecret: false,
      });
    });
  });

  describe('trusting a shared proxy secret', () => {
    const SECRET = 'proxy-shared-secret-5be0c1';
    let s: ServedAkb;
    beforeAll(async () => {
      s = await serveAkb(lab, { uiAuth: 'header', uiAuthHeader: 'X-Auth-Request-User' }, { AKB_UI_AUTH_PROXY_SECRET: SECRET });
    });
    afterAll(() => s.close());

    it('accepts the user header only together with the secret, and never logs the secret', async () => {
      const user = { 'X-Auth-Request-User': 'bob' };
      expect((await rawRequest(s.port, '/api/v1/graph', { headers: { ...user, [PROXY_SECRET_HEADER]: SECRET } })).status).toBe(200);
      expect((await rawRequest(s.port, '/api/v1/graph', { headers: { ...user, [PROXY_SECRET_HEADER]: 'a-guess' } })).status).toBe(401);
      expect((await rawRequest(s.port, '/api/v1/graph', { headers: user })).status).toBe(401);
      expect(s.logs.find((l) => l.uiAuth === 'header')).toMatchObject({ proxySecret: true });
      expect(JSON.stringify(s.logs)).not.toContain(SECRET);
    });
  });
});

describe('/readyz', () => {
  const TOKEN = 'readyz-test-token-41b2d8e7';
  let s: ServedAkb;
  beforeAll(async () => {
    s = await serveAkb(lab, { uiAuth: 'token' }, { AKB_UI_TOKEN: TOKEN });
  });
  afterAll(() => s.close());

  it('tells an anonymous caller (the kubelet) only ready or not; the details are behind auth', async () => {
    const anonymous = await rawRequest(s.port, '/readyz');
    expect(anonymous.status).toBe(200);
    expect(JSON.parse(anonymous.body)).toEqual({ ready: true });
    const authed = await rawRequest(s.port, '/readyz', { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(authed.status).toBe(200);
    expect(JSON.parse(authed.body)).toMatchObject({ ready: true, lab: true, sources: { kubernetes: { state: 'synced' } } });
  });
});

describe('plain-http APIC URLs', () => {
  const apic = ['--apic-url', 'http://apic1.example.com', '--apic-user', 'admin', '--tenant', 't', '--vrf', 'v'];

  it('are refused, naming the URL and --apic-allow-http, without echoing the password', () => {
    const run = runServerTs(apic, { AKB_APIC_PASSWORD: 'apic-pw-never-echoed' });
    expect(run.status).toBe(2);
    expect(run.output).toContain('http://apic1.example.com');
    expect(run.output).toContain('--apic-allow-http');
    expect(run.output).not.toContain('apic-pw-never-echoed');
  });

  it('are accepted with --apic-allow-http (a lab), and https always', () => {
    const base = { apicUser: 'admin', tenant: 't', vrf: 'v' };
    const env = { AKB_APIC_PASSWORD: 'x' };
    expect(loadServiceConfig({ ...base, apicUrls: ['http://apic1.example.com'], apicAllowHttp: true }, env).apicUrls).toEqual([
      'http://apic1.example.com',
    ]);
    expect(loadServiceConfig({ ...base, apicUrls: ['https://apic1.example.com'] }, env).apicAllowHttp).toBe(false);
  });
});
