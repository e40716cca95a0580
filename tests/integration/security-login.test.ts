/**
 * The browser login (issue 19, item 6): a form POST sets a signed session cookie (HttpOnly, SameSite=Strict,
 * `__Host-` and Secure over TLS); `?token=` in a URL is no credential and no longer echoed into a redirect;
 * the open redirect is gone; failed attempts are rate-limited; basic mode wants a real password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../../lib/lab';
import { MIN_PASSWORD_LENGTH } from '../../lib/live/server/auth';
import { openWs, rawRequest, runServerTs, serveAkb, startSmallLab, type RawResponse, type ServedAkb } from './security-support';

const TOKEN = 'login-test-token-0c9e44a1b7';
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

let lab: Lab;
let s: ServedAkb;
beforeAll(async () => {
  lab = await startSmallLab();
  s = await serveAkb(lab, { uiAuth: 'token' }, { AKB_UI_TOKEN: TOKEN });
}, 60_000);
afterAll(async () => {
  await s.close();
  await lab.stop();
});

function postLogin(server: ServedAkb, fields: Record<string, string>, headers: Record<string, string> = {}, localAddress?: string) {
  return rawRequest(server.port, '/login', {
    method: 'POST',
    headers: { ...FORM, Origin: server.url, ...headers },
    body: new URLSearchParams(fields).toString(),
    ...(localAddress ? { localAddress } : {}),
  });
}

const setCookie = (res: RawResponse): string => (res.headers['set-cookie'] ?? []).join('\n');
const cookiePair = (res: RawResponse): string => setCookie(res).split(';')[0]!;

describe('login form and session cookie', () => {
  it('serves a form that posts the token in the body', async () => {
    const form = await rawRequest(s.port, '/login?next=%2Ftables');
    expect(form.status).toBe(200);
    expect(form.body).toContain('<form method="post" action="/login">');
    expect(form.body).toContain('name="token" type="password"');
    expect(form.body).toContain('name="next" value="/tables"');
  });

  it('logs in: 303 back to the page asked for, with an HttpOnly SameSite=Strict session cookie that is not the token', async () => {
    const res = await postLogin(s, { token: TOKEN, next: '/tables?q=leaf' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/tables?q=leaf');
    const cookie = setCookie(res);
    expect(cookie).toMatch(/^akb_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    expect(cookie).not.toContain(TOKEN);
    const session = cookiePair(res);
    expect((await rawRequest(s.port, '/tables', { headers: { Cookie: session } })).status).toBe(200);
    expect((await rawRequest(s.port, '/api/v1/graph', { headers: { Cookie: session } })).status).toBe(200);
    expect(await openWs(s.port, { Cookie: session, Origin: s.url })).toEqual({ opened: ['hello', 'status', 'snapshot'] });
  });

  it('names the cookie __Host-akb_session with Secure when the browser came over TLS', async () => {
    const res = await postLogin(s, { token: TOKEN }, { 'X-Forwarded-Proto': 'https', Origin: `https://127.0.0.1:${s.port}` });
    expect(res.status).toBe(303);
    expect(setCookie(res)).toMatch(/^__Host-akb_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    expect(setCookie(res)).not.toMatch(/Domain=/);
  });

  it('refuses a tampered or forged session cookie', async () => {
    const session = cookiePair(await postLogin(s, { token: TOKEN }));
    const [name, value] = session.split('=') as [string, string];
    const [payload, mac] = value.split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ u: 'token', exp: 4102444800 })).toString('base64url');
    for (const bad of [`${name}=${forged}.${mac}`, `${name}=${payload}.${mac.slice(1)}x`, `${name}=${payload}`])
      expect((await rawRequest(s.port, '/api/v1/graph', { headers: { Cookie: bad } })).status).toBe(401);
  });

  it('logs out: the cookie is cleared', async () => {
    const session = cookiePair(await postLogin(s, { token: TOKEN }));
    const out = await rawRequest(s.port, '/logout', { method: 'POST', headers: { Cookie: session, Origin: s.url } });
    expect(out.status).toBe(303);
    expect(setCookie(out)).toMatch(/^akb_session=; .*Max-Age=0/);
  });

  it('answers a wrong token with 401 and the form, never echoing what was typed', async () => {
    const res = await postLogin(s, { token: 'typed-by-mistake-0000' }, {}, '127.0.0.3');
    expect(res.status).toBe(401);
    expect(res.body).toContain('Wrong token.');
    expect(res.body).not.toContain('typed-by-mistake-0000');
    expect(setCookie(res)).toBe('');
  });

  it('refuses a login posted from another site (login CSRF)', async () => {
    expect((await postLogin(s, { token: TOKEN }, { Origin: 'https://evil.example' })).status).toBe(403);
  });
});

describe('no token in URLs', () => {
  it('?token= is not a credential and is not carried into the login redirect', async () => {
    const res = await rawRequest(s.port, `/tables?token=${TOKEN}`, { headers: { Accept: 'text/html' } });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Ftables');
    expect(setCookie(res)).toBe('');
    expect((await rawRequest(s.port, `/api/v1/graph?token=${TOKEN}`)).status).toBe(401);
  });

  it('API clients use the token header', async () => {
    expect((await rawRequest(s.port, '/api/v1/graph', { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });
});

describe('open redirect', () => {
  it('GET /.//evil.example/?token=… no longer answers 303 //evil.example/', async () => {
    const res = await rawRequest(s.port, `/.//evil.example/?token=${TOKEN}`, { headers: { Accept: 'text/html' } });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/login?next=${encodeURIComponent('/evil.example/')}`);
  });

  it('after login, only ever redirects to a path on akb', async () => {
    const cases: Record<string, string> = {
      '/.//evil.example/': '/evil.example/',
      '//evil.example/': '/',
      '/\\evil.example/': '/',
      'https://evil.example/': '/',
      '/%2F%2Fevil.example': '/%2F%2Fevil.example',
      '/tables#x': '/tables#x',
    };
    for (const [next, location] of Object.entries(cases)) {
      const res = await postLogin(s, { token: TOKEN, next });
      expect({ next, location: res.headers.location }).toEqual({ next, location });
    }
  });
});

describe('failed-attempt limit', () => {
  let limited: ServedAkb;
  beforeAll(async () => {
    limited = await serveAkb(lab, { uiAuth: 'token' }, { AKB_UI_TOKEN: TOKEN });
  });
  afterAll(() => limited.close());

  it('after 10 failures from one address every attempt from it is refused with 429, right or wrong; others are not', async () => {
    const session = cookiePair(await postLogin(limited, { token: TOKEN }, {}, '127.0.0.5'));
    for (let i = 0; i < 10; i++) expect((await postLogin(limited, { token: `guess-${i}-guess-guess` }, {}, '127.0.0.5')).status).toBe(401);
    const blocked = await postLogin(limited, { token: TOKEN }, {}, '127.0.0.5');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    const bearer = { Authorization: `Bearer ${TOKEN}` };
    expect((await rawRequest(limited.port, '/api/v1/graph', { headers: bearer, localAddress: '127.0.0.5' })).status).toBe(429);
    // Guessing through the API header counts the same way (another address, same limit).
    for (let i = 0; i < 10; i++)
      await rawRequest(limited.port, '/api/v1/graph', { headers: { Authorization: `Bearer guess-${i}` }, localAddress: '127.0.0.6' });
    expect((await rawRequest(limited.port, '/api/v1/graph', { headers: bearer, localAddress: '127.0.0.6' })).status).toBe(429);
    // A session already established is not an attempt; another address is not limited.
    expect((await rawRequest(limited.port, '/api/v1/graph', { headers: { Cookie: session }, localAddress: '127.0.0.5' })).status).toBe(200);
    expect((await rawRequest(limited.port, '/api/v1/graph', { headers: bearer, localAddress: '127.0.0.7' })).status).toBe(200);
  });
});

describe('basic mode', () => {
  it(`refuses to start with a password shorter than ${MIN_PASSWORD_LENGTH} characters, without echoing it`, () => {
    const run = runServerTs(['--ui-auth', 'basic'], { AKB_UI_BASIC: 'ops:hunter2' });
    expect(run.status).toBe(2);
    expect(run.output).toContain(`at least ${MIN_PASSWORD_LENGTH} characters`);
    expect(run.output).not.toContain('hunter2');
  });

  it('logs in through the same form with user and password', async () => {
    const b = await serveAkb(lab, { uiAuth: 'basic' }, { AKB_UI_BASIC: 'ops:correct-horse-battery' });
    try {
      expect((await rawRequest(b.port, '/login')).body).toContain('name="password" type="password"');
      const wrong = await postLogin(b, { user: 'ops', password: 'wrong-password-1' });
      expect(wrong.status).toBe(401);
      const ok = await postLogin(b, { user: 'ops', password: 'correct-horse-battery', next: '/bgp' });
      expect(ok.status).toBe(303);
      expect(ok.headers.location).toBe('/bgp');
      expect((await rawRequest(b.port, '/bgp', { headers: { Cookie: cookiePair(ok) } })).status).toBe(200);
    } finally {
      await b.close();
    }
  });
});
