/**
 * The browser login: GET /login shows a form, POST /login checks it and sets the session cookie, POST
 * /logout ends the session. The secret travels only in a POST body, never in a URL (ingress logs, history,
 * shared links, Referer). After login the browser goes back to the page it asked for, and only ever to a
 * path on akb itself (no open redirect).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../../../node/http-body';
import type { LoginFields, UiAuth } from '../auth';
import type { FailureLimiter } from './rate-limit';
import type { SessionCodec } from './session';

export const LOGIN_PATH = '/login';
export const LOGOUT_PATH = '/logout';
const MAX_FORM_BYTES = 8 * 1024;

/**
 * Where to send the browser after login: a path on this server, normalised the way the browser will
 * resolve it. Anything that leaves the origin (`//evil.example`, `/.//evil.example`, `/\evil.example`,
 * `https://…`) becomes `/`.
 */
export function safeNext(next: string | null | undefined): string {
  // Backslashes and control characters: browsers read `/\host` as `//host` and drop tabs and newlines.
  if (!next || !next.startsWith('/') || next.includes('\\') || [...next].some((c) => c.charCodeAt(0) < 0x20)) return '/';
  let url: URL;
  try {
    url = new URL(next, 'http://akb.invalid');
  } catch {
    return '/';
  }
  if (url.origin !== 'http://akb.invalid') return '/';
  // `new URL('/.//x')` keeps the path `//x`, which a browser's Location would read as a host: collapse it.
  const path = url.pathname.replace(/^\/{2,}/, '/');
  return `${path}${url.search}${url.hash}`;
}

/**
 * The login page's URL for a browser that asked for `target` (the request's path and query). A `token`
 * parameter (an old `?token=` link) is dropped, so the secret is not carried on into another URL.
 */
export function loginUrl(target: string): string {
  const url = new URL(safeNext(target), 'http://akb.invalid');
  url.searchParams.delete('token');
  const next = `${url.pathname}${url.search}`;
  return next === '/' ? LOGIN_PATH : `${LOGIN_PATH}?next=${encodeURIComponent(next)}`;
}

export interface LoginDeps {
  auth: UiAuth;
  sessions: SessionCodec;
  limiter: FailureLimiter;
  clientKey: (req: IncomingMessage) => string;
}

/** Answers /login and /logout; returns false for other paths. */
export function handleLogin(req: IncomingMessage, res: ServerResponse, path: string, deps: LoginDeps): boolean {
  if (path === LOGOUT_PATH) {
    if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
    res.setHeader('Set-Cookie', deps.sessions.clear(req));
    redirect(res, LOGIN_PATH);
    return true;
  }
  if (path !== LOGIN_PATH) return false;
  const next = safeNext(new URL(req.url ?? '/', 'http://akb.invalid').searchParams.get('next'));
  if (req.method === 'GET' || req.method === 'HEAD') {
    page(res, 200, deps.auth.mode, next, null, req.method === 'HEAD');
    return true;
  }
  if (req.method !== 'POST') return methodNotAllowed(res, 'GET, HEAD, POST');
  void readBody(req, MAX_FORM_BYTES, () => new Error('too large')).then(
    (body) => submit(req, res, new URLSearchParams(body), deps),
    () => page(res, 413, deps.auth.mode, next, 'The form was too large.', false),
  );
  return true;
}

function submit(req: IncomingMessage, res: ServerResponse, form: URLSearchParams, deps: LoginDeps): void {
  const next = safeNext(form.get('next'));
  const key = deps.clientKey(req);
  const wait = deps.limiter.retryAfterS(key);
  if (wait > 0) {
    res.setHeader('Retry-After', String(wait));
    page(res, 429, deps.auth.mode, next, `Too many failed attempts: try again in ${wait} s.`, false);
    return;
  }
  const fields: LoginFields = {};
  for (const name of ['token', 'user', 'password'] as const) {
    const value = form.get(name);
    if (value !== null) fields[name] = value;
  }
  const principal = deps.auth.login(fields);
  if (!principal) {
    deps.limiter.fail(key);
    page(res, 401, deps.auth.mode, next, deps.auth.mode === 'token' ? 'Wrong token.' : 'Wrong user or password.', false);
    return;
  }
  res.setHeader('Set-Cookie', deps.sessions.issue(req, principal.user));
  redirect(res, next);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { Location: location, 'Cache-Control': 'no-store', 'Content-Length': '0' });
  res.end();
}

function methodNotAllowed(res: ServerResponse, allow: string): true {
  const body = `use ${allow}\n`;
  res.writeHead(405, { Allow: allow, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
  return true;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(res: ServerResponse, status: number, mode: UiAuth['mode'], next: string, error: string | null, head: boolean): void {
  const fields =
    mode === 'token'
      ? '<label>Token <input name="token" type="password" autocomplete="current-password" required autofocus></label>'
      : '<label>User <input name="user" autocomplete="username" required autofocus></label>' +
        '<label>Password <input name="password" type="password" autocomplete="current-password" required></label>';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>akb · log in</title>
<style>body{font-family:system-ui,sans-serif;background:#0f172a;color:#e2e8f0;display:grid;place-items:center;min-height:100vh;margin:0}
form{background:#1e293b;padding:2rem;border-radius:.5rem;display:grid;gap:1rem;min-width:18rem}
label{display:grid;gap:.25rem}input{padding:.5rem;border-radius:.25rem;border:1px solid #475569;background:#0f172a;color:inherit}
button{padding:.5rem;border:0;border-radius:.25rem;background:#2563eb;color:#fff;cursor:pointer}.error{color:#fca5a5;margin:0}</style>
</head><body><form method="post" action="${LOGIN_PATH}">
<h1>akb</h1>${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
${fields}<input type="hidden" name="next" value="${escapeHtml(next)}">
<button type="submit">Log in</button></form></body></html>
`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(html)),
    'Cache-Control': 'no-store',
  });
  res.end(head ? undefined : html);
}
