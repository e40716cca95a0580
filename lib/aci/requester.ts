import { RequestSigner, type CertificateAuthOptions } from './auth-cert';
import {
  LOGIN_PATH,
  LOGOUT_PATH,
  REFRESH_PATH,
  loginBody,
  logoutBody,
  parseLoginResponse,
  refreshDelayMs,
  sessionCookie,
  type PasswordAuthOptions,
} from './auth-password';
import { ControllerPool } from './controllers';
import { emptyCounts, type RequestCounts, type RequestKind } from './counters';
import { parseEnvelope, type ApicEnvelope } from './envelope';
import { parseApicError } from './errors';
import type { ApicLogger } from './redact';
import type { HttpResponse, Transport } from './transport';

/**
 * The authenticated request pipeline shared by queries, writes and subscriptions: picks a controller (failover),
 * authenticates (session cookie or per-request signature), re-logs in once on a token error, turns error envelopes
 * into ApicError, and counts every request by kind.
 */

export type AuthOptions = PasswordAuthOptions | CertificateAuthOptions;

/** The longest close() waits for aaaLogout; an APIC that has not answered by then lets the session expire. */
export const LOGOUT_TIMEOUT_MS = 2_000;

interface Session {
  token: string;
  refreshTimeoutSeconds: number;
}

export class ApicRequester {
  readonly counts: RequestCounts = emptyCounts();
  readonly #signer?: RequestSigner;
  #session?: Session;
  #loginInFlight?: Promise<Session>;
  #refreshTimer?: NodeJS.Timeout;
  #closed = false;
  readonly #sessionListeners = new Set<(token: string) => void>();
  /** Cert auth: the webtokenSession token of the open websocket; signed calls carry it (WIRE.md A1.4). */
  webSocketSession?: string;

  constructor(
    readonly transport: Transport,
    readonly pool: ControllerPool,
    readonly auth: AuthOptions,
    readonly log: ApicLogger,
  ) {
    if (auth.type === 'certificate') this.#signer = new RequestSigner(auth);
  }

  /** Credentials currently held, for log redaction. */
  secrets(): string[] {
    const s: string[] = [];
    if (this.auth.type === 'password') s.push(this.auth.password);
    if (this.#session) s.push(this.#session.token);
    if (this.webSocketSession) s.push(this.webSocketSession);
    return s;
  }

  get token(): string | undefined {
    return this.#session?.token;
  }

  /** Called after every new login (not refresh): a websocket bound to the old session must be reopened. */
  onNewSession(listener: (token: string) => void): () => void {
    this.#sessionListeners.add(listener);
    return () => this.#sessionListeners.delete(listener);
  }

  /** One raw exchange, authenticated, counted and logged (path only; tokens never travel in REST paths). */
  async exchange(kind: RequestKind, baseUrl: string, method: string, path: string, body?: string): Promise<HttpResponse> {
    this.counts[kind]++;
    const headers: Record<string, string> = {};
    if (this.#signer) headers.cookie = this.#signer.cookie(method, path, body ?? '', this.webSocketSession);
    else if (this.#session && kind !== 'login') headers.cookie = sessionCookie(this.#session.token);
    const started = Date.now();
    const res = await this.transport.request(baseUrl, method, path, headers, body);
    this.log.debug({ controller: baseUrl, method, path, kind, status: res.status, ms: Date.now() - started }, 'APIC request');
    return res;
  }

  /** The Cookie header for the websocket upgrade of `path` (`/socket<token>`): signed for cert auth (WIRE.md A1.4). */
  socketCookie(path: string, token: string): string {
    return this.#signer ? this.#signer.cookie('GET', path, '', token) : sessionCookie(token);
  }

  /**
   * Sends a request with failover (or on `pinned` only: subscriptions live on one controller) and returns the
   * parsed envelope. A token error (401/403) with password auth triggers one re-login and one retry.
   */
  async call(kind: RequestKind, method: string, path: string, body?: string, pinned?: string): Promise<ApicEnvelope> {
    const attempt = async (baseUrl: string): Promise<ApicEnvelope> => {
      if (this.auth.type === 'password' && !this.#session) await this.login(baseUrl);
      const usedToken = this.#session?.token;
      let res = await this.exchange(kind, baseUrl, method, path, body);
      if (this.auth.type === 'password' && (res.status === 401 || res.status === 403)) {
        const err = parseApicError(res.status, res.body, method, path);
        if (!err.isAuthError) throw err;
        // Concurrent requests rejected together share one new login: only the first to notice replaces the token.
        if (this.#session?.token === usedToken) {
          this.log.info({ controller: baseUrl, code: err.code }, 'APIC session rejected; logging in again');
          await this.login(baseUrl, true);
        }
        res = await this.exchange(kind, baseUrl, method, path, body);
      }
      if (res.status < 200 || res.status >= 300) throw parseApicError(res.status, res.body, method, path);
      return parseEnvelope(res.body, `${method} ${path}`);
    };
    return pinned ? attempt(pinned) : this.pool.run(attempt);
  }

  /** Password login; concurrent callers share one aaaLogin. `force` replaces a session another call may hold. */
  async login(baseUrl?: string, force = false): Promise<string> {
    if (this.auth.type !== 'password') throw new Error('login() is only for password authentication');
    if (this.#session && !force) return this.#session.token;
    if (!this.#loginInFlight) {
      const { user, password } = this.auth;
      const doLogin = async (url: string): Promise<Session> => {
        const res = await this.exchange('login', url, 'POST', LOGIN_PATH, loginBody(user, password));
        if (res.status < 200 || res.status >= 300) throw parseApicError(res.status, res.body, 'POST', LOGIN_PATH);
        return parseLoginResponse(res.body);
      };
      this.#loginInFlight = (baseUrl ? doLogin(baseUrl) : this.pool.run(doLogin)).finally(() => {
        this.#loginInFlight = undefined;
      });
      const session = await this.#loginInFlight;
      this.#session = session;
      this.log.info({ user, refreshTimeoutSeconds: session.refreshTimeoutSeconds }, 'APIC login');
      this.#scheduleRefresh(session.refreshTimeoutSeconds);
      for (const l of this.#sessionListeners) l(session.token);
      return session.token;
    }
    return (await this.#loginInFlight).token;
  }

  #scheduleRefresh(seconds: number): void {
    clearTimeout(this.#refreshTimer);
    if (this.#closed) return;
    this.#refreshTimer = setTimeout(() => void this.refresh(), refreshDelayMs(seconds));
    this.#refreshTimer.unref();
  }

  /** aaaRefresh; if it fails (expired, controller gone), a fresh login. Runs on a timer at half the lifetime. */
  async refresh(): Promise<void> {
    if (this.auth.type !== 'password' || this.#closed) return;
    try {
      const env = await this.pool.run(async (url) => {
        const res = await this.exchange('refresh', url, 'GET', REFRESH_PATH);
        if (res.status < 200 || res.status >= 300) throw parseApicError(res.status, res.body, 'GET', REFRESH_PATH);
        return parseLoginResponse(res.body);
      });
      // aaaRefresh may or may not rotate the token (WIRE.md §U.1): keep whatever it returns.
      this.#session = env;
      this.#scheduleRefresh(env.refreshTimeoutSeconds);
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'APIC session refresh failed; logging in again');
      try {
        await this.login(undefined, true);
      } catch (loginErr) {
        this.log.error({ err: loginErr instanceof Error ? loginErr.message : String(loginErr) }, 'APIC login failed');
        this.#scheduleRefresh(2); // retry soon; requests meanwhile log in on demand
      }
    }
  }

  /**
   * Stops the refresh timer and logs out, best effort: one attempt, on the controller requests go to, given at most
   * LOGOUT_TIMEOUT_MS, so a dead or silent controller cannot hold up shutdown (failing over, or waiting out the
   * request timeout on each controller, could take minutes). Never throws. The caller closes the transport
   * afterwards, which aborts a logout still in flight.
   */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#refreshTimer);
    if (this.auth.type !== 'password' || !this.#session) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${LOGOUT_TIMEOUT_MS} ms`)), LOGOUT_TIMEOUT_MS);
    });
    try {
      const logout = this.exchange('logout', this.pool.current, 'POST', LOGOUT_PATH, logoutBody(this.auth.user));
      const res = await Promise.race([logout, deadline]);
      if (res.status < 200 || res.status >= 300) this.log.warn({ status: res.status }, 'APIC logout refused');
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'APIC logout failed');
    } finally {
      clearTimeout(timer);
    }
    // Only now: until here the token is among the secrets the logger scrubs.
    this.#session = undefined;
  }

  /** Forgets the session without telling the APIC (tests and recovery use it to force a fresh login). */
  dropSession(): void {
    this.#session = undefined;
  }
}
