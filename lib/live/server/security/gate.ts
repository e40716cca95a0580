/**
 * The one security gate: every HTTP request (pages, Next's assets, the API, extra routes) and every
 * websocket upgrade passes through it before any route runs. In order, it
 * 1. sets the security headers (CSP, frame-ancestors, nosniff, HSTS over TLS);
 * 2. in auth mode `none`, refuses a Host that is not loopback or configured (DNS rebinding);
 * 3. refuses a foreign Origin on upgrades and on state-changing requests in every mode (cross-site
 *    websocket hijacking, CSRF), and a session-cookie request that changes state without an Origin;
 * 4. answers the login form, and establishes the principal: the request's own credentials, else the
 *    session cookie; failed attempts are rate-limited per client address;
 * 5. lets the route run with `principalOf(req)` set, or sends a browser to the login form, or answers 401.
 * Open paths (probes, and /metrics when configured) run without a principal; they see null.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { canonicalIp } from '../../../net/ip';
import type { Logger } from '../../../logging';
import { silentLogger } from '../../../logging';
import type { ServiceConfig } from '../config';
import type { UiAuth } from '../auth';
import { contentSecurityPolicy, setSecurityHeaders } from './headers';
import { hostCheck, originAllowed } from './hosts';
import { handleLogin, loginUrl, LOGIN_PATH, LOGOUT_PATH } from './login';
import { ANONYMOUS, setPrincipal, type Principal } from './principal';
import { createFailureLimiter, type FailureLimiterOptions } from './rate-limit';
import { createSessionCodec, type SessionCodec } from './session';

export interface SecurityGate {
  /** Before every HTTP route: true when the gate answered (a refusal, the login form), false to let the route run. */
  http(req: IncomingMessage, res: ServerResponse): boolean;
  /** Before every websocket upgrade: true when it refused (and answered on the socket), false to accept. */
  upgrade(req: IncomingMessage, socket: Duplex): boolean;
}

export interface GateOptions {
  auth: UiAuth | null;
  config: Pick<ServiceConfig, 'host' | 'dev'> & Partial<Pick<ServiceConfig, 'allowedHosts' | 'allowedOrigins'>>;
  /** Paths served without authentication (they see a null principal unless credentials came along). */
  openPaths?: readonly string[];
  limiter?: FailureLimiterOptions;
  logger?: Logger;
}

type Refusal = { status: number; reason: string; headers?: Record<string, string> };
const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 429: 'Too Many Requests' };
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createSecurityGate(opts: GateOptions): SecurityGate {
  const { auth, config } = opts;
  const logger = opts.logger ?? silentLogger;
  const csp = contentSecurityPolicy(config.dev);
  const allowedOrigins = config.allowedOrigins ?? [];
  const hostOk = auth ? () => true : hostCheck(config.allowedHosts ?? [], config.host);
  const open = new Set(opts.openPaths ?? []);
  const limiter = createFailureLimiter(opts.limiter);
  const sessions: SessionCodec | null = auth?.sessionKey ? createSessionCodec(auth.sessionKey) : null;
  const clientKey = (req: IncomingMessage): string => canonicalIp(req.socket.remoteAddress ?? '') ?? 'unknown';

  /** The host, origin and credential checks both HTTP and upgrades make; a principal, null, or a refusal. */
  const admit = (req: IncomingMessage, changesState: boolean): Principal | null | Refusal => {
    if (!hostOk(req))
      return {
        status: 403,
        reason: 'this Host is not served without UI authentication (DNS rebinding); add it with --allowed-hosts or set --ui-auth',
      };
    if (changesState && !originAllowed(req, allowedOrigins))
      return { status: 403, reason: 'cross-origin request refused: the Origin is not akb itself nor in --allowed-origins' };
    if (!auth) return ANONYMOUS;
    const result = auth.authenticate(req);
    if (result.kind !== 'absent') {
      const wait = limiter.retryAfterS(clientKey(req));
      if (wait > 0)
        return { status: 429, reason: `too many failed attempts: retry in ${wait} s`, headers: { 'Retry-After': String(wait) } };
      if (result.kind === 'ok') return result.principal;
      limiter.fail(clientKey(req));
      logger.debug({ peer: clientKey(req), mode: auth.mode }, 'UI authentication failed');
      return null;
    }
    const user = sessions?.verify(req);
    if (!user) return null;
    // Browsers send Origin on every state-changing request; one without it riding on a cookie is not ours.
    if (changesState && req.headers.origin === undefined)
      return { status: 403, reason: 'a state-changing request with a session cookie must carry an Origin header' };
    return { user, via: 'session' };
  };

  return {
    http(req, res) {
      setSecurityHeaders(req, res, csp);
      const path = pathOf(req);
      const method = req.method ?? 'GET';
      const verdict = admit(req, !SAFE_METHODS.has(method));
      if (isRefusal(verdict)) return answer(res, verdict);
      if (verdict) setPrincipal(req, verdict);
      if (auth && sessions && (path === LOGIN_PATH || path === LOGOUT_PATH))
        return handleLogin(req, res, path, { auth, sessions, limiter, clientKey });
      if (verdict || open.has(path)) return false;
      // A browser asking for a page is sent to the form; scripts and the API get the mode's 401 challenge.
      if (sessions && (method === 'GET' || method === 'HEAD') && (req.headers.accept ?? '').includes('text/html')) {
        res.writeHead(303, { Location: loginUrl(req.url ?? '/'), 'Cache-Control': 'no-store', 'Content-Length': '0' });
        res.end();
        return true;
      }
      auth?.challenge(res);
      return true;
    },
    upgrade(req, socket) {
      const verdict = admit(req, true);
      if (isRefusal(verdict) || !verdict) {
        refuseUpgrade(socket, verdict ?? { status: 401, reason: 'authentication required' });
        return true;
      }
      setPrincipal(req, verdict);
      return false;
    },
  };
}

function isRefusal(v: Principal | null | Refusal): v is Refusal {
  return v !== null && 'status' in v;
}

function answer(res: ServerResponse, r: Refusal): true {
  const body = `${r.reason}\n`;
  res.writeHead(r.status, {
    ...r.headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
  });
  res.end(body);
  return true;
}

function refuseUpgrade(socket: Duplex, r: Refusal): void {
  const body = `${r.reason}\n`;
  const extra = Object.entries(r.headers ?? {}).map(([k, v]) => `${k}: ${v}\r\n`);
  socket.end(
    `HTTP/1.1 ${r.status} ${STATUS_TEXT[r.status] ?? 'Refused'}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${extra.join('')}Connection: close\r\n\r\n${body}`,
  );
}

/** The request path; `//x` stays `//x` (not a host), absolute-form targets (`http://h/x`) give `/x`. */
export function pathOf(req: IncomingMessage): string {
  const target = req.url ?? '/';
  try {
    return new URL(target.startsWith('/') ? `http://akb.invalid${target}` : target).pathname;
  } catch {
    return '/';
  }
}
