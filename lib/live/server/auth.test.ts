import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MIN_PASSWORD_LENGTH, MIN_TOKEN_LENGTH, PROXY_SECRET_HEADER, UiAuthError, createUiAuth, readCookie, type UiAuth } from './auth';

const TOKEN = 'a1b2c3d4e5f6a7b8c9d0e1f2';
const dir = mkdtempSync(join(tmpdir(), 'akb-auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function request(url: string, headers: Record<string, string> = {}, method = 'GET', peer = '198.51.100.7'): IncomingMessage {
  const socket = new Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: peer });
  const req = new IncomingMessage(socket);
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
    expect(auth?.authenticate(request('/', { authorization: `Bearer ${TOKEN}` })).kind).toBe('ok');
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

  it(`refuses a basic password shorter than ${MIN_PASSWORD_LENGTH} characters without echoing it`, () => {
    expect(() => createUiAuth({ uiAuth: 'basic', uiAuthHeader: 'x' }, { AKB_UI_BASIC: 'ops:hunter2' })).toThrow(
      new UiAuthError(`UI basic credentials: the password must be at least ${MIN_PASSWORD_LENGTH} characters`),
    );
  });

  it('refuses header mode that trusts no proxy', () => {
    expect(() => createUiAuth({ uiAuth: 'header', uiAuthHeader: 'x-forwarded-user' }, {})).toThrow(/--ui-auth-trusted-proxies/);
  });
});

describe('token mode', () => {
  const auth = tokenAuth();
  const kind = (req: IncomingMessage) => auth.authenticate(req).kind;

  it('accepts the bearer token; no header is absent, anything else is wrong', () => {
    expect(kind(request('/', { authorization: `Bearer ${TOKEN}` }))).toBe('ok');
    expect(kind(request('/'))).toBe('absent');
    expect(kind(request('/', { authorization: `Bearer ${TOKEN}x` }))).toBe('wrong');
    expect(kind(request('/', { authorization: `Basic ${TOKEN}` }))).toBe('wrong');
    // A token in the query string or an old cookie is no credential at all.
    expect(kind(request(`/?token=${TOKEN}`))).toBe('absent');
    expect(kind(request('/', { cookie: `akb_token=${TOKEN}` }))).toBe('absent');
  });

  it('logs in through the form fields only with the exact token', () => {
    expect(auth.login({ token: TOKEN })).toEqual({ user: 'token', via: 'token' });
    expect(auth.login({ token: TOKEN.slice(1) })).toBeNull();
    expect(auth.login({ user: 'token', password: TOKEN })).toBeNull();
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
    expect(auth.authenticate(basic('ops:s3cret:with:colons'))).toEqual({ kind: 'ok', principal: { user: 'ops', via: 'basic' } });
    expect(auth.authenticate(basic('ops:s3cret')).kind).toBe('wrong');
    expect(auth.authenticate(basic('other:s3cret:with:colons')).kind).toBe('wrong');
    expect(auth.authenticate(request('/')).kind).toBe('absent');
    expect(auth.login({ user: 'ops', password: 's3cret:with:colons' })).toEqual({ user: 'ops', via: 'basic' });
    expect(auth.login({ user: 'ops', password: 's3cret' })).toBeNull();
  });

  it('challenges with WWW-Authenticate Basic realm="akb"', () => {
    const res = response(request('/'));
    auth.challenge(res);
    expect(res.head().status).toBe(401);
    expect(res.head().headers['www-authenticate']).toMatch(/^Basic realm="akb"/);
  });
});

describe('header mode', () => {
  const byAddress = createUiAuth({ uiAuth: 'header', uiAuthHeader: 'X-Auth-Request-User', uiAuthTrustedProxies: ['10.0.0.0/8'] }, {})!;
  const bySecret = createUiAuth(
    { uiAuth: 'header', uiAuthHeader: 'X-Auth-Request-User' },
    { AKB_UI_AUTH_PROXY_SECRET: 'proxy-secret-0123456789' },
  )!;

  it('believes the header only from a trusted proxy address (IPv4-mapped too)', () => {
    expect(byAddress.authenticate(request('/', { 'X-Auth-Request-User': 'alice' }, 'GET', '10.1.2.3'))).toEqual({
      kind: 'ok',
      principal: { user: 'alice', via: 'header' },
    });
    expect(byAddress.authenticate(request('/', { 'X-Auth-Request-User': 'alice' }, 'GET', '::ffff:10.1.2.3')).kind).toBe('ok');
    expect(byAddress.authenticate(request('/', { 'X-Auth-Request-User': 'alice' }, 'GET', '192.0.2.1')).kind).toBe('wrong');
    expect(byAddress.authenticate(request('/', { 'x-auth-request-user': '  ' }, 'GET', '10.1.2.3')).kind).toBe('absent');
    expect(byAddress.authenticate(request('/', { 'x-forwarded-user': 'alice' }, 'GET', '10.1.2.3')).kind).toBe('absent');
  });

  it('believes the header from anywhere when the proxy sends the shared secret', () => {
    const headers = { 'X-Auth-Request-User': 'bob', [PROXY_SECRET_HEADER]: 'proxy-secret-0123456789' };
    expect(bySecret.authenticate(request('/', headers)).kind).toBe('ok');
    expect(bySecret.authenticate(request('/', { ...headers, [PROXY_SECRET_HEADER]: 'guess' })).kind).toBe('wrong');
    expect(bySecret.authenticate(request('/', { 'X-Auth-Request-User': 'bob' })).kind).toBe('wrong');
  });
});

describe('helpers', () => {
  it('readCookie finds one cookie among several and decodes it', () => {
    expect(readCookie('a=1; akb_token=x%2By; b=2', 'akb_token')).toBe('x+y');
    expect(readCookie('a=1', 'akb_token')).toBeUndefined();
    expect(readCookie('akb_token=%E0%A4%A', 'akb_token')).toBeUndefined();
  });
});
