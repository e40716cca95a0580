/**
 * UI authentication: who may see the pages, the HTTP API and the live websocket.
 *
 * Off by default (the local lab). When configured it is one of:
 * - `token`: a shared token, sent as `Authorization: Bearer <token>` or the `akb_token` cookie. A browser
 *   logs in by opening any page with `?token=<token>`: the answer sets the cookie and redirects to the
 *   same URL without the token, so it does not stay in the address bar, history or Referer headers.
 *   The websocket handshake then carries the cookie.
 * - `basic`: HTTP basic credentials `user:password`.
 * - `header`: an authenticating ingress (oauth2-proxy and the like) sets a header, e.g. `X-Forwarded-User`.
 *   Only safe when the pod is reachable solely through that ingress.
 *
 * Secrets come from a file (a mounted Secret) or the environment and never appear in errors or logs;
 * comparisons are constant-time over SHA-256 digests so neither content nor length leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ServiceConfig } from './config';

export type UiAuthMode = 'token' | 'basic' | 'header';

export interface UiAuth {
  readonly mode: UiAuthMode;
  /** True when the request carries valid credentials (query-string tokens are not credentials here). */
  authorize(req: IncomingMessage): boolean;
  /** Answers 401 with the challenge of the mode (`WWW-Authenticate: Basic realm="akb"` for basic). */
  challenge(res: ServerResponse): void;
  /**
   * Token mode: a GET/HEAD with `?token=` is a browser login. A valid token gets a 303 to the same URL
   * without it and the cookie; a wrong one gets the 401 challenge. Returns true when it answered.
   */
  handleLogin(req: IncomingMessage, res: ServerResponse): boolean;
}

export type UiAuthConfig = Pick<ServiceConfig, 'uiAuth' | 'uiAuthFile' | 'uiAuthHeader'>;

export const TOKEN_COOKIE = 'akb_token';
/** A shared token shorter than this is refused: it would be guessable, and catches unedited placeholders. */
export const MIN_TOKEN_LENGTH = 16;
const COOKIE_MAX_AGE_S = 7 * 24 * 3600;

export class UiAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UiAuthError';
  }
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Constant-time equality of two strings of any lengths. */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** The secret from the configured file (trailing newline removed: `echo` adds one) or the environment. */
function readSecret(file: string | undefined, envName: string, env: Record<string, string | undefined>): string {
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new UiAuthError(`--ui-auth-file (AKB_UI_AUTH_FILE): cannot read ${file} (${code})`);
    }
    return text.replace(/\r?\n$/, '');
  }
  const value = env[envName];
  if (!value) throw new UiAuthError(`UI authentication needs --ui-auth-file or ${envName}`);
  return value;
}

/** Builds the configured UI authentication, or null when it is off. Throws UiAuthError on a bad secret. */
export function createUiAuth(config: UiAuthConfig, env: Record<string, string | undefined> = process.env): UiAuth | null {
  switch (config.uiAuth) {
    case 'none':
      return null;
    case 'token':
      return tokenAuth(readSecret(config.uiAuthFile, 'AKB_UI_TOKEN', env));
    case 'basic':
      return basicAuth(readSecret(config.uiAuthFile, 'AKB_UI_BASIC', env));
    case 'header':
      return headerAuth(config.uiAuthHeader);
  }
}

function tokenAuth(token: string): UiAuth {
  if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
    throw new UiAuthError(
      `UI token: must be at least ${MIN_TOKEN_LENGTH} characters without spaces (e.g. the output of \`openssl rand -hex 24\`)`,
    );
  }
  const authorize = (req: IncomingMessage): boolean => {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer !== undefined) return safeEqual(bearer, token);
    const cookie = readCookie(req.headers.cookie, TOKEN_COOKIE);
    return cookie !== undefined && safeEqual(cookie, token);
  };
  const challenge = (res: ServerResponse): void =>
    refuse(
      res,
      'Bearer realm="akb"',
      'authentication required: send "Authorization: Bearer <token>", or open this page with ?token=<token> once to log in\n',
    );
  return {
    mode: 'token',
    authorize,
    challenge,
    handleLogin(req, res) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      const url = new URL(req.url ?? '/', 'http://akb.invalid');
      const offered = url.searchParams.get('token');
      if (offered === null) return false;
      if (!safeEqual(offered, token)) {
        challenge(res);
        return true;
      }
      url.searchParams.delete('token');
      const cookie = [`${TOKEN_COOKIE}=${encodeURIComponent(token)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${COOKIE_MAX_AGE_S}`];
      if (isHttps(req)) cookie.push('Secure');
      res.setHeader('Location', `${url.pathname}${url.search}`);
      res.setHeader('Set-Cookie', cookie.join('; '));
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Length', '0');
      res.writeHead(303);
      res.end();
      return true;
    },
  };
}

function basicAuth(credentials: string): UiAuth {
  const colon = credentials.indexOf(':');
  if (colon < 1 || colon === credentials.length - 1) {
    throw new UiAuthError('UI basic credentials: must be "user:password" with a non-empty user and password');
  }
  return {
    mode: 'basic',
    authorize(req) {
      const encoded = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
      return encoded !== undefined && safeEqual(Buffer.from(encoded, 'base64').toString('utf8'), credentials);
    },
    challenge: (res) => refuse(res, 'Basic realm="akb", charset="UTF-8"', 'authentication required\n'),
    handleLogin: () => false,
  };
}

function headerAuth(header: string): UiAuth {
  const name = header.toLowerCase();
  return {
    mode: 'header',
    authorize(req) {
      const value = req.headers[name];
      return typeof value === 'string' ? value.trim() !== '' : Array.isArray(value) && value.some((v) => v.trim() !== '');
    },
    // No WWW-Authenticate: the ingress, not akb, knows how to log a user in.
    challenge: (res) =>
      refuse(res, null, `authentication required: akb expects requests through the authenticating ingress (header ${header})\n`),
    handleLogin: () => false,
  };
}

function refuse(res: ServerResponse, wwwAuthenticate: string | null, message: string): void {
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', String(Buffer.byteLength(message)));
  res.setHeader('Cache-Control', 'no-store');
  if (wwwAuthenticate) res.setHeader('WWW-Authenticate', wwwAuthenticate);
  res.writeHead(401);
  res.end(message);
}

/** The value of one cookie in a Cookie header, URI-decoded; undefined when absent or malformed. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Whether the browser reached us over HTTPS: directly, or through a TLS-terminating ingress. */
function isHttps(req: IncomingMessage): boolean {
  if ((req.socket as Partial<TLSSocket>).encrypted) return true;
  const proto = req.headers['x-forwarded-proto'];
  return (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase() === 'https';
}
