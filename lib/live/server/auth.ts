/**
 * UI authentication: whose credentials a request carries. The security gate (`security/gate.ts`) calls it
 * for every route and websocket upgrade; nothing else decides who may see the fabric.
 *
 * Off by default (the local lab, on loopback only). When configured it is one of:
 * - `token`: a shared token. API clients send `Authorization: Bearer <token>`; browsers log in once through
 *   the login form (POST /login) and then carry a signed session cookie. The token never appears in a URL.
 * - `basic`: `user:password`. API clients send HTTP basic credentials; browsers use the same login form.
 * - `header`: an authenticating proxy (oauth2-proxy and the like) sets a header, e.g. `X-Forwarded-User`.
 *   The header is believed only from a trusted proxy: a peer address inside the configured CIDRs, or a
 *   request carrying the shared proxy secret in `X-Akb-Proxy-Secret`. From anyone else it is refused.
 *
 * Secrets come from a file (a mounted Secret) or the environment and never appear in errors or logs;
 * comparisons are constant-time (`lib/node/safe-equal.ts`).
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { canonicalIp, contains, parseCidr, parseIp, type Cidr } from '../../net/ip';
import { safeEqual } from '../../node/safe-equal';
import type { ServiceConfig } from './config';
import type { Principal } from './security/principal';

export type UiAuthMode = 'token' | 'basic' | 'header';

/** What a request's own credentials (not its session cookie) say. */
export type Authentication =
  | { kind: 'ok'; principal: Principal }
  /** No credentials offered: a browser that has to log in, or an anonymous probe. */
  | { kind: 'absent' }
  /** Credentials offered and wrong: counts towards the failed-attempt limit. */
  | { kind: 'wrong' };

export interface LoginFields {
  token?: string;
  user?: string;
  password?: string;
}

export interface UiAuth {
  readonly mode: UiAuthMode;
  /** Checks the credentials the request itself carries (bearer, basic, proxy header). */
  authenticate(req: IncomingMessage): Authentication;
  /**
   * The login form's fields (token or basic mode): the principal they name, or null when wrong.
   * Header mode has no form (the proxy logs users in) and answers null.
   */
  login(fields: LoginFields): Principal | null;
  /** The key session cookies are signed with, derived from the secret; null in header mode (no sessions). */
  readonly sessionKey: Buffer | null;
  /** Answers 401 with the challenge of the mode (`WWW-Authenticate: Basic realm="akb"` for basic). */
  challenge(res: ServerResponse): void;
}

export type UiAuthConfig = Pick<ServiceConfig, 'uiAuth' | 'uiAuthFile' | 'uiAuthHeader'> &
  Partial<Pick<ServiceConfig, 'uiAuthTrustedProxies' | 'uiAuthProxySecretFile'>>;

/** A shared token shorter than this is refused: it would be guessable, and catches unedited placeholders. */
export const MIN_TOKEN_LENGTH = 16;
/** Basic mode's password: long enough that the failed-attempt limit makes guessing it hopeless. */
export const MIN_PASSWORD_LENGTH = 12;
/** The header a trusted proxy proves itself with, when it is not identified by address. */
export const PROXY_SECRET_HEADER = 'x-akb-proxy-secret';

export class UiAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UiAuthError';
  }
}

/** The secret from the configured file (trailing newline removed: `echo` adds one) or the environment. */
function readSecret(file: string | undefined, flag: string, envName: string, env: Record<string, string | undefined>): string {
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new UiAuthError(`${flag}: cannot read ${file} (${code})`);
    }
    return text.replace(/\r?\n$/, '');
  }
  const value = env[envName];
  if (!value) throw new UiAuthError(`UI authentication needs ${flag} or ${envName}`);
  return value;
}

/** Session keys are derived from the secret: replicas sharing a Secret agree, and rotating it ends every session. */
const sessionKeyOf = (secret: string): Buffer => createHmac('sha256', secret).update('akb ui session v1').digest();

/** Builds the configured UI authentication, or null when it is off. Throws UiAuthError on a bad secret. */
export function createUiAuth(config: UiAuthConfig, env: Record<string, string | undefined> = process.env): UiAuth | null {
  switch (config.uiAuth) {
    case 'none':
      return null;
    case 'token':
      return tokenAuth(readSecret(config.uiAuthFile, '--ui-auth-file (AKB_UI_AUTH_FILE)', 'AKB_UI_TOKEN', env));
    case 'basic':
      return basicAuth(readSecret(config.uiAuthFile, '--ui-auth-file (AKB_UI_AUTH_FILE)', 'AKB_UI_BASIC', env));
    case 'header': {
      const secretGiven = Boolean(config.uiAuthProxySecretFile || env.AKB_UI_AUTH_PROXY_SECRET);
      const secret = secretGiven
        ? readSecret(
            config.uiAuthProxySecretFile,
            '--ui-auth-proxy-secret-file (AKB_UI_AUTH_PROXY_SECRET_FILE)',
            'AKB_UI_AUTH_PROXY_SECRET',
            env,
          )
        : null;
      return headerAuth(config.uiAuthHeader, config.uiAuthTrustedProxies ?? [], secret);
    }
  }
}

function tokenAuth(token: string): UiAuth {
  if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
    throw new UiAuthError(
      `UI token: must be at least ${MIN_TOKEN_LENGTH} characters without spaces (e.g. the output of \`openssl rand -hex 24\`)`,
    );
  }
  const principal: Principal = { user: 'token', via: 'token' };
  return {
    mode: 'token',
    sessionKey: sessionKeyOf(token),
    authenticate(req) {
      const header = req.headers.authorization;
      if (header === undefined) return { kind: 'absent' };
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
      return bearer !== undefined && safeEqual(bearer, token) ? { kind: 'ok', principal } : { kind: 'wrong' };
    },
    login: (fields) => (fields.token !== undefined && safeEqual(fields.token, token) ? principal : null),
    challenge: (res) =>
      refuse(res, 'Bearer realm="akb"', 'authentication required: send "Authorization: Bearer <token>", or log in at /login\n'),
  };
}

function basicAuth(credentials: string): UiAuth {
  const colon = credentials.indexOf(':');
  if (colon < 1 || colon === credentials.length - 1) {
    throw new UiAuthError('UI basic credentials: must be "user:password" with a non-empty user and password');
  }
  if (credentials.length - colon - 1 < MIN_PASSWORD_LENGTH) {
    throw new UiAuthError(`UI basic credentials: the password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  const user = credentials.slice(0, colon);
  const principal: Principal = { user, via: 'basic' };
  return {
    mode: 'basic',
    sessionKey: sessionKeyOf(credentials),
    authenticate(req) {
      const header = req.headers.authorization;
      if (header === undefined) return { kind: 'absent' };
      const encoded = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)?.[1];
      const ok = encoded !== undefined && safeEqual(Buffer.from(encoded, 'base64').toString('utf8'), credentials);
      return ok ? { kind: 'ok', principal } : { kind: 'wrong' };
    },
    login: (fields) =>
      fields.user !== undefined && fields.password !== undefined && safeEqual(`${fields.user}:${fields.password}`, credentials)
        ? principal
        : null,
    challenge: (res) => refuse(res, 'Basic realm="akb", charset="UTF-8"', 'authentication required: log in at /login\n'),
  };
}

function headerAuth(header: string, trustedProxies: string[], proxySecret: string | null): UiAuth {
  if (trustedProxies.length === 0 && proxySecret === null) {
    throw new UiAuthError(
      '--ui-auth header: give the proxies to trust (--ui-auth-trusted-proxies) or a shared secret (--ui-auth-proxy-secret-file)',
    );
  }
  const name = header.toLowerCase();
  const cidrs = trustedProxies.map((c) => parseCidr(c)).filter((c): c is Cidr => c !== null);
  const fromTrustedAddress = (req: IncomingMessage): boolean => {
    const peer = canonicalIp(req.socket.remoteAddress ?? '');
    const addr = peer === null ? null : parseIp(peer);
    return addr !== null && cidrs.some((c) => contains(c, addr));
  };
  const withSecret = (req: IncomingMessage): boolean => {
    const offered = req.headers[PROXY_SECRET_HEADER];
    return proxySecret !== null && typeof offered === 'string' && safeEqual(offered, proxySecret);
  };
  return {
    mode: 'header',
    sessionKey: null,
    authenticate(req) {
      const raw = req.headers[name];
      const user = (Array.isArray(raw) ? raw[0] : raw)?.trim();
      if (!user) return { kind: 'absent' };
      // The header proves nothing by itself: anyone can send it. Only the proxy's word counts.
      if (!fromTrustedAddress(req) && !withSecret(req)) return { kind: 'wrong' };
      return { kind: 'ok', principal: { user, via: 'header' } };
    },
    login: () => null,
    // No WWW-Authenticate: the proxy, not akb, knows how to log a user in.
    challenge: (res) =>
      refuse(res, null, `authentication required: akb expects requests through the authenticating proxy (header ${header})\n`),
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
