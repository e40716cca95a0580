import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { safeEqual } from '../../node/safe-equal';
import type { Logger } from '../../logging';
import type { GroundTruth } from '../model';
import { LabEventError, type LabEventBatchResult, type LabEventResult } from './schema';
import { readBody } from '../../node/http-body';

/** What the control endpoint drives: the running lab. */
export interface LabControlTarget {
  event(input: unknown): Promise<LabEventResult>;
  /** All events or none: validated and applied in order, then one sync. */
  events(input: unknown): Promise<LabEventBatchResult>;
  truth(): GroundTruth;
  /** Fault injection by name (`apic-config-write`): arm with a JSON body, disarm, list what is armed. */
  faults: LabFaultControl;
  /** What the servers received, counted where they receive it (`apicConfigWrites`: POST/DELETE of /api/mo). */
  counters(): { apicConfigWrites: number };
}

export interface LabFaultControl {
  armed(): Record<string, unknown>;
  /** Throws LabEventError (404 unknown fault, 400 bad body) naming what is wrong. */
  arm(name: string, input: unknown): unknown;
  disarm(name: string): void;
}

export interface LabControlServer {
  url: string;
  /** Required as `Authorization: Bearer <token>` on every request (written 0600 into the lab directory). */
  token: string;
  stop(): Promise<void>;
}

/** Enough for a full batch of events. */
const MAX_BODY = 1024 * 1024;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Why a request may not drive the lab, or null. The lab runs inside akb (`npm start`) on loopback, where any web
 * page the operator opens could reach it: browsers mark their requests (`Origin`, `Sec-Fetch-Site`), a page on a
 * rebinding DNS name arrives with that name in `Host`, and neither knows the token in the lab directory. Scripts,
 * the bench and `akb lab event` send no browser headers, name 127.0.0.1 and read the token.
 */
function refusal(req: IncomingMessage, port: number, token: string): { status: number; error: string } | null {
  const site = req.headers['sec-fetch-site'];
  if (req.headers.origin !== undefined || (site !== undefined && site !== 'none'))
    return { status: 403, error: 'cross-site request refused: the lab control endpoint is for scripts and akb lab event, not web pages' };
  const host = (req.headers.host ?? '').toLowerCase();
  if (![`127.0.0.1:${port}`, `localhost:${port}`].includes(host))
    return { status: 403, error: `Host ${JSON.stringify(host.slice(0, 100))} refused: use http://127.0.0.1:${port}` };
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer === undefined || !safeEqual(bearer, token))
    return { status: 401, error: 'the lab control token is required: Authorization: Bearer <the control-token file in the lab directory>' };
  return null;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req, MAX_BODY, () => new LabEventError([`(body): larger than ${MAX_BODY} bytes`], 400));
  try {
    return JSON.parse(text);
  } catch {
    throw new LabEventError(['(body): must be a JSON object with a "kind"'], 400);
  }
}

/**
 * The lab's control endpoint on loopback: `POST /events` (a LabEvent as JSON → LabEventResult, or 4xx
 * `{error, issues}`), `POST /events/batch` (`{events: [...]}` applied as one change, for bursts faster than one
 * sync per event), `GET /truth` (the ground truth), `GET /counters` (configuration writes the lab APIC received), `GET /faults`, `POST /faults/<name>` (arm a fault, e.g.
 * `apic-config-write` `{nth, status, code, text}`) and `DELETE /faults/<name>`. Every request carries the lab's control
 * token; browsers' requests are refused (see `refusal`). Never bound off loopback.
 */
export async function startLabControl(
  target: LabControlTarget,
  logger: Logger,
  opts: { port?: number; token?: string } = {},
): Promise<LabControlServer> {
  const token = opts.token ?? randomBytes(24).toString('hex');
  let port = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
      const refused = refusal(req, port, token);
      if (refused)
        return send(
          res,
          refused.status,
          { error: refused.error },
          refused.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="akb-lab"' } : {},
        );
      try {
        if (req.method === 'POST' && path === '/events') return send(res, 200, await target.event(await readJson(req)));
        if (req.method === 'POST' && path === '/events/batch') return send(res, 200, await target.events(await readJson(req)));
        if (req.method === 'GET' && path === '/truth') return send(res, 200, target.truth());
        if (req.method === 'GET' && path === '/counters') return send(res, 200, target.counters());
        if (req.method === 'GET' && path === '/faults') return send(res, 200, target.faults.armed());
        const fault = /^\/faults\/([a-z-]+)$/.exec(path ?? '')?.[1];
        if (fault && req.method === 'POST') return send(res, 200, { [fault]: target.faults.arm(fault, await readJson(req)) });
        if (fault && req.method === 'DELETE') {
          target.faults.disarm(fault);
          return send(res, 200, target.faults.armed());
        }
        send(res, 404, {
          error: `no such endpoint: ${req.method} ${path} (POST /events, POST /events/batch, GET /truth, GET /counters, GET /faults, POST|DELETE /faults/<name>)`,
        });
      } catch (err) {
        if (err instanceof LabEventError) return send(res, err.status, { error: err.message, issues: err.issues });
        logger.error({ err: err instanceof Error ? err.message : String(err) }, 'lab control request failed');
        send(res, 500, { error: 'internal error' });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
