import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MIN_TOKEN_LENGTH, TOKEN_COOKIE, UiAuthError, createUiAuth, readCookie, safeEqual, type UiAuth } from './auth';

const TOKEN = 'a1b2c3d4e5f6a7b8c9d0e1f2';
const dir = mkdtempSync(join(tmpdir(), 'akb-auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function request(url: string, headers: Record<string, string> = {}, method = 'GET'): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.url = url;
  req.method = method;
  req.headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return req;
}

/** A ServerResponse on no socket: status and headers set through setHeader/writeHead stay readable. */
function response(req: IncomingMessage): ServerResponse & { head: () => { status: number; headers: Record<string, unknown> } } {
  const res = new ServerResponse(req);
  return Object.assign(res, { head: () => ({ status: res.statusCode, headers: res.getHeaders() as Record<string, unknown> }) });
}

function tokenAuth(): UiAuth {
  const auth = createUiAuth({ uiAuth: 'token', uiAuthHeader: 'x-forwarded-user' }, { AKB_UI_TOKEN: TOKEN });
  if (!auth) throw new Error('expected token auth');
  return auth;
}

describe('createUiAuth', () => {
  it('is off (null) for mode none', () => {
    expect(createUiAuth({ uiAuth: 'none', uiAuthHeader: 'x-forwarded-user' }, { AKB_UI_TOKEN: TOKEN })).toBeNull();
  });

  it('reads the token from a file, dropping the trailing newline echo adds', () => {
    const file = join(dir, 'token');
    writeFileSync(file, `${TOKEN}\n`);
    const auth = createUiAuth({ uiAuth: 'token', uiAuthFile: file, uiAuthHeader: 'x' }, {});
    expect(auth?.authorize(request('/', { authorization: `Bearer ${TOKEN}` }))).toBe(true);
  });

  it('names the unreadable file but never shows a secret', () => {
    const missing = join(dir, 'nope');
    expect(() => createUiAuth({ uiAuth: 'token', uiAuthFile: missing, uiAuthHeader: 'x' }, {})).toThrow(
      new UiAuthError(`--ui-auth-file (AKB_UI_AUTH_FILE): cannot read ${missing} (ENOENT)`),
    );
  });

  it('refuses a short token (placeholders like change-me) without echoing it', () => {
    let message = '';
    try {
      createUiAuth({ uiAuth: 'token', uiAuthHeader: 'x' }, { AKB_UI_TOKEN: 'change-me' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(`at least ${MIN_TOKEN_LENGTH} characters`);
    expect(message).not.toContain('change-me');
  });

  it('refuses basic credentials that are not user:password', () => {
    for (const bad of ['nocolon', ':pw', 'user:']) {
      expect(() => createUiAuth({ uiAuth: 'basic', uiAuthHeader: 'x' }, { AKB_UI_BASIC: bad })).toThrow(/user:password/);
    }
  });
});

describe('token mode', () => {
  const auth = tokenAuth();

  it('accepts the bearer token or the cookie, and nothing else', () => {
    expect(auth.authorize(request('/', { authorization: `Bearer ${TOKEN}` }))).toBe(true);
    expect(auth.authorize(request('/', { cookie: `theme=dark; ${TOKEN_COOKIE}=${TOKEN}` }))).toBe(true);
    expect(auth.authorize(request('/'))).toBe(false);
    expect(auth.authorize(request('/', { authorization: `Bearer ${TOKEN}x` }))).toBe(false);
    expect(auth.authorize(request('/', { cookie: `${TOKEN_COOKIE}=${TOKEN.slice(1)}` }))).toBe(false);
    // A token in the query string is a login request, not a credential.
    expect(auth.authorize(request(`/?token=${TOKEN}`))).toBe(false);
  });

  it('logs a browser in by URL: cookie set, token removed from the URL', () => {
    const req = request(`/view?ns=default&token=${TOKEN}`, { 'x-forwarded-proto': 'https' });
    const res = response(req);
    expect(auth.handleLogin(req, res)).toBe(true);
    const { status, headers } = res.head();
    expect(status).toBe(303);
    expect(headers.location).toBe('/view?ns=default');
    expect(String(headers['set-cookie'])).toBe(`${TOKEN_COOKIE}=${TOKEN}; Path=/; HttpOnly; SameSite=Lax; Max-Age=604800; Secure`);
  });

  it('answers a wrong login token with 401 and leaves other requests alone', () => {
    const wrong = request('/?token=guess-guess-guess-guess');
    const res = response(wrong);
    expect(auth.handleLogin(wrong, res)).toBe(true);
    expect(res.head().status).toBe(401);
    expect(res.head().headers['set-cookie']).toBeUndefined();
    expect(auth.handleLogin(request('/view'), response(request('/view')))).toBe(false);
    expect(auth.handleLogin(request(`/?token=${TOKEN}`, {}, 'POST'), response(request('/')))).toBe(false);
  });

  it('challenges with a Bearer realm', () => {
    const res = response(request('/'));
    auth.challenge(res);
    expect(res.head()).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer realm="akb"' } });
  });
});

describe('basic mode', () => {
  const auth = createUiAuth({ uiAuth: 'basic', uiAuthHeader: 'x' }, { AKB_UI_BASIC: 'ops:s3cret:with:colons' })!;
  const basic = (cred: string) => request('/', { authorization: `Basic ${Buffer.from(cred).toString('base64')}` });

  it('accepts exactly the configured user and password (colons allowed in the password)', () => {
    expect(auth.authorize(basic('ops:s3cret:with:colons'))).toBe(true);
    expect(auth.authorize(basic('ops:s3cret'))).toBe(false);
    expect(auth.authorize(basic('other:s3cret:with:colons'))).toBe(false);
    expect(auth.authorize(request('/'))).toBe(false);
  });

  it('challenges with WWW-Authenticate Basic realm="akb"', () => {
    const res = response(request('/'));
    auth.challenge(res);
    expect(res.head().status).toBe(401);
    expect(res.head().headers['www-authenticate']).toMatch(/^Basic realm="akb"/);
  });
});

describe('header mode', () => {
  const auth = createUiAuth({ uiAuth: 'header', uiAuthHeader: 'X-Auth-Request-User' }, {})!;

  it('trusts a non-empty header set by the ingress, case-insensitively by name', () => {
    expect(auth.authorize(request('/', { 'X-Auth-Request-User': 'alice' }))).toBe(true);
    expect(auth.authorize(request('/', { 'x-auth-request-user': '  ' }))).toBe(false);
    expect(auth.authorize(request('/', { 'x-forwarded-user': 'alice' }))).toBe(false);
  });
});

describe('helpers', () => {
  it('safeEqual compares strings of any lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
  });

  it('readCookie finds one cookie among several and decodes it', () => {
    expect(readCookie('a=1; akb_token=x%2By; b=2', 'akb_token')).toBe('x+y');
    expect(readCookie('a=1', 'akb_token')).toBeUndefined();
    expect(readCookie('akb_token=%E0%A4%A', 'akb_token')).toBeUndefined();
  });
});
