import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocketServer } from 'ws';
import { silentLogger, type Logger } from '../../logging';
import { handleApi, type ApiContext } from './api';
import { SessionStore } from './auth';
import { labTlsMaterial } from './certs';
import { ApicError } from './errors';
import { readApicBody, sendHtml, sendJson } from './http-util';
import { DEFAULT_SUBSCRIPTION_LIFETIME_SEC, SubscriptionHub } from './subscriptions';
import { ApicTree } from './tree';
import { writeFaultsFor, type ConfigWriteFault, type ConfigWriteFaultInput } from './write-faults';

export interface LabApicOptions {
  /** Bind address; loopback by default. */
  host?: string;
  /** 0 (default) picks a free port; restart() reuses whatever was bound. */
  port?: number;
  /** Plain HTTP instead of TLS. */
  http?: boolean;
  user?: string;
  password?: string;
  /** Share one MIT between several controllers (failover tests). */
  tree?: ApicTree;
  /** Session token lifetime (`refreshTimeoutSeconds`); default 600 like a real APIC. */
  tokenLifetimeSec?: number;
  /** Lifetime of an unrefreshed subscription without `refresh-timeout`; default 80. */
  subscriptionLifetimeSec?: number;
  logger?: Logger;
  /**
   * Called once per answered request and websocket upgrade. Tests use it to learn what a client really sent and
   * what the lab issued (tokens, signatures, challenges), to check that none of it reaches a log.
   */
  observe?: (req: LabApicRequestRecord) => void;
}

/** One request as the lab received and answered it. Holds credentials: for tests only, never for logging. */
export interface LabApicRequestRecord {
  method: string;
  /** Path and query as received; `/socket<token>` for a websocket upgrade. */
  url: string;
  /** The Cookie header: session tokens, or the signature cookies of a signed request. */
  cookie?: string;
  /** The APIC-challenge header. */
  challenge?: string;
  /** The status answered; 101 for an accepted websocket upgrade. */
  status: number;
  /** The Set-Cookie answered: an aaaLogin answer carries the issued token in it. */
  setCookie?: string;
}

export interface LabApicFaults {
  /** Every HTTP response is delayed by this many ms (0 = none). */
  delayMs: number;
  /** The next `count` HTTP requests fail with `status` (default 503) and an nginx HTML page. */
  failNext(count: number, status?: number): void;
  /** Terminates every websocket (their subscriptions end with them). */
  dropWebsockets(): void;
  /** Expires every session token now: the next request with one gets 403 Token timeout. */
  expireAllTokens(): void;
  /** While on, changes are not pushed to subscriptions though sockets stay open (events lost in the APIC). */
  losePushes(on: boolean): void;
  /**
   * The Nth configuration write from now (POST/DELETE /api/mo, on any controller sharing this tree) fails with
   * this APIC error and changes nothing; the default is the next write, HTTP 400. See write-faults.ts.
   */
  failConfigWrite(fault?: ConfigWriteFaultInput): ConfigWriteFault;
  clearConfigWriteFault(): void;
  armedConfigWriteFault(): (ConfigWriteFault & { remaining: number }) | undefined;
  /** Configuration writes (POST/DELETE of /api/mo) received so far by every controller sharing the tree. */
  configWrites(): number;
}

export interface LabApic {
  /** `https://127.0.0.1:<port>` (or `http://` in http mode). */
  url: string;
  port: number;
  /** PEM of the CA that signed the server certificate (TLS mode only). */
  caPem?: string;
  credentials: { user: string; password: string };
  tree: ApicTree;
  faults: LabApicFaults;
  /** Stops listening and drops sessions, subscriptions and sockets. The tree is kept. */
  stop(): Promise<void>;
  /** Starts again on the same port (sessions from before the stop are gone, as on a controller reboot). */
  restart(): Promise<void>;
}

const SWEEP_INTERVAL_MS = 200;

/** Starts a lab APIC controller speaking the real REST + websocket protocol on loopback. */
export async function startLabApic(opts: LabApicOptions = {}): Promise<LabApic> {
  const host = opts.host ?? '127.0.0.1';
  const secure = !opts.http;
  const tls = secure ? labTlsMaterial() : undefined;
  const tree = opts.tree ?? new ApicTree();
  const logger = opts.logger ?? silentLogger;
  const credentials = { user: opts.user ?? 'admin', password: opts.password ?? 'lab-password' };
  const tokenLifetimeSec = opts.tokenLifetimeSec ?? 600;
  const subscriptionLifetimeSec = opts.subscriptionLifetimeSec ?? DEFAULT_SUBSCRIPTION_LIFETIME_SEC;

  let failures: { remaining: number; status: number } = { remaining: 0, status: 503 };
  let running: { server: Server; wss: WebSocketServer; ctx: ApiContext; sweep: NodeJS.Timeout } | undefined;
  let port = opts.port ?? 0;

  const onRequest = async (ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Headers given to writeHead are not readable from `res` afterwards, so the answer's Set-Cookie is kept here.
    let setCookie: string | undefined;
    // On 'finish', so every way of answering below (fault, error envelope, success) is reported with its status.
    if (opts.observe) {
      const observe = opts.observe;
      res.once('finish', () => {
        observe({
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          cookie: req.headers.cookie,
          challenge: header(req, 'apic-challenge'),
          status: res.statusCode,
          ...(setCookie !== undefined ? { setCookie } : {}),
        });
      });
    }
    try {
      const body = await readApicBody(req);
      if (faults.delayMs > 0) await sleep(faults.delayMs);
      if (failures.remaining > 0) {
        failures.remaining--;
        sendHtml(res, failures.status, failures.status === 503 ? 'Service Temporarily Unavailable' : 'Internal Server Error');
        return;
      }
      if (req.method === 'OPTIONS') return sendJson(res, 200, {});
      const answer = handleApi(ctx, {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        body,
        cookieHeader: req.headers.cookie,
        challengeHeader: header(req, 'apic-challenge'),
      });
      if (!answer) return sendHtml(res, 404, 'Not Found');
      setCookie = answer.headers?.['Set-Cookie'];
      sendJson(res, answer.status, answer.body, answer.headers);
    } catch (err) {
      if (err instanceof ApicError) return sendJson(res, err.httpStatus, err.envelope());
      logger.error({ err: err instanceof Error ? err.message : String(err), path: req.url?.split('?')[0] }, 'lab apic internal error');
      sendJson(res, 500, new ApicError(500, '500', 'Internal server error').envelope());
    }
  };

  const onUpgrade = (ctx: ApiContext, wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = req.url ?? '';
    const token = path.startsWith('/socket') ? safeDecode(path.slice('/socket'.length)) : '';
    const session = ctx.sessions.lookup(token);
    opts.observe?.({ method: req.method ?? 'GET', url: path, cookie: req.headers.cookie, status: session ? 101 : 403 });
    if (!session) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => ctx.hub.attachSocket(session.token, ws));
  };

  const start = async (): Promise<void> => {
    const sessions = new SessionStore(() => tokenLifetimeSec);
    const hub = new SubscriptionHub(tree, subscriptionLifetimeSec);
    const ctx: ApiContext = { tree, sessions, hub, lab: credentials, tokenLifetimeSec, secure, logger };
    const handler = (req: IncomingMessage, res: ServerResponse): void => void onRequest(ctx, req, res);
    const server = tls ? createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, handler) : createHttpServer(handler);
    const wss = new WebSocketServer({ noServer: true });
    server.on('upgrade', (req, socket, head) => onUpgrade(ctx, wss, req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    port = (server.address() as AddressInfo).port;
    const sweep = setInterval(() => {
      for (const token of sessions.sweepExpired()) hub.dropToken(token, 'token expired');
      hub.sweep();
    }, SWEEP_INTERVAL_MS);
    sweep.unref();
    running = { server, wss, ctx, sweep };
    logger.info({ url: urlOf(), user: credentials.user }, 'lab apic listening');
  };

  const stop = async (): Promise<void> => {
    if (!running) return;
    const { server, wss, ctx, sweep } = running;
    running = undefined;
    clearInterval(sweep);
    ctx.hub.close();
    ctx.sessions.clear();
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  const urlOf = (): string => `${secure ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const faults: LabApicFaults = {
    delayMs: 0,
    failNext(count, status = 503) {
      failures = { remaining: count, status };
    },
    dropWebsockets() {
      running?.ctx.hub.dropAllSockets();
    },
    expireAllTokens() {
      running?.ctx.sessions.expireAll();
    },
    losePushes(on) {
      if (running) running.ctx.hub.losePushes = on;
    },
    failConfigWrite: (fault) => writeFaultsFor(tree).failConfigWrite(fault),
    clearConfigWriteFault: () => writeFaultsFor(tree).clear(),
    armedConfigWriteFault: () => writeFaultsFor(tree).armed,
    configWrites: () => writeFaultsFor(tree).writes,
  };

  await start();
  return {
    get url() {
      return urlOf();
    },
    get port() {
      return port;
    },
    caPem: tls?.caPem,
    credentials,
    tree,
    faults,
    stop,
    async restart() {
      await stop();
      await start();
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
