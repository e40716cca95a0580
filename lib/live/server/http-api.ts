/**
 * The live service's HTTP surface next to the Next.js pages: health and readiness probes, Prometheus
 * metrics, `/api/v1/graph`, `/api/v1/bundle`, behind the security gate (`security/gate.ts`), which runs
 * first for every path, pages too.
 *
 * `handle` returns true when it answered the request (including the gate's refusals) and false to let
 * Next serve the page. The routes here only read; extra routes that write rely on the gate's Origin check.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Bundle } from '../../topology/bundle-types';
import type { TopologyGraph } from '../../topology/graph';
import type { SecurityGate } from './security/gate';
import { pathOf } from './security/gate';
import { principalOf } from './security/principal';
import type { LiveMetrics } from './metrics';
import type { SourceStatus } from '../../shared/source-status';
import { reduceBundle } from '../../topology/reduce';

export interface HttpApiService {
  graph(): TopologyGraph | null;
  bundle(): Bundle;
  ready(): boolean;
  sourceStatuses(): Record<string, SourceStatus>;
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface HttpApiContext {
  service: HttpApiService;
  metrics: LiveMetrics;
  /** Runs before every route (see security/gate.ts); built with `openPaths()`. */
  gate: SecurityGate;
  lab: boolean;
  /** Called before each scrape, to push values only the caller knows (websocket clients, APIC counts). */
  onScrape?: () => void;
  /** More routes behind authentication, by exact path. */
  extraRoutes?: Record<string, RouteHandler>;
  /** Routes behind authentication for a path and everything below it (`/api/v1/provision` → `/api/v1/provision/jobs`). */
  prefixRoutes?: Record<string, RouteHandler>;
}

export interface HttpApi {
  handle(req: IncomingMessage, res: ServerResponse): boolean;
}

const READ = ['GET', 'HEAD'];

/**
 * Paths the gate lets through without authentication: the kubelet's probes carry no credentials, and
 * `/metrics` when Prometheus scrapes the pod directly and cannot send the UI credentials (header mode,
 * where only the proxy authenticates). The metrics hold counts and states, no names of pods, nodes or tenants.
 */
export function openPaths(opts: { metricsOpen?: boolean } = {}): string[] {
  return ['/healthz', '/readyz', ...(opts.metricsOpen ? ['/metrics'] : [])];
}

export function createHttpApi(ctx: HttpApiContext): HttpApi {
  // Readiness latches: once both sources have synced, the pod stays in the Service even if a source
  // degrades later, so the page can still show *why* the APIC or the cluster is down.
  let everReady = false;
  const isReady = (): boolean => (everReady ||= ctx.service.ready());

  const routes: Record<string, RouteHandler> = {
    '/metrics': (req, res) => void serveMetrics(ctx, req, res),
    '/api/v1/graph': (req, res) => serveGraph(ctx.service, req, res),
    '/api/v1/bundle': (req, res) => serveBundle(ctx, req, res),
  };

  return {
    handle(req, res) {
      if (ctx.gate.http(req, res)) return true;
      const path = pathOf(req);
      if (path === '/healthz') return readOnly(req, res, () => send(res, req, 200, 'text/plain; charset=utf-8', 'ok\n'));
      if (path === '/readyz') return readOnly(req, res, () => serveReadiness(ctx, isReady(), req, res));
      const extra = ctx.extraRoutes?.[path] ?? prefixRoute(ctx.prefixRoutes, path);
      if (extra) {
        extra(req, res);
        return true;
      }
      const route = routes[path];
      if (route) return readOnly(req, res, () => route(req, res));
      if (path === '/api' || path.startsWith('/api/')) {
        const available = [...Object.keys(routes), ...Object.keys(ctx.extraRoutes ?? {}), ...Object.keys(ctx.prefixRoutes ?? {})]
          .filter((p) => p.startsWith('/api/'))
          .sort();
        sendJson(res, req, 404, { error: 'not_found', message: `no API route ${path}; available: ${available.join(', ')}` });
        return true;
      }
      return false;
    },
  };
}

function prefixRoute(routes: Record<string, RouteHandler> | undefined, path: string): RouteHandler | undefined {
  for (const [prefix, handler] of Object.entries(routes ?? {})) if (path === prefix || path.startsWith(`${prefix}/`)) return handler;
  return undefined;
}

/** Runs `serve` for GET/HEAD; answers 405 with `Allow` otherwise. Always returns true (answered). */
function readOnly(req: IncomingMessage, res: ServerResponse, serve: () => void): true {
  if (READ.includes(req.method ?? 'GET')) serve();
  else {
    res.setHeader('Allow', READ.join(', '));
    sendJson(res, req, 405, {
      error: 'method_not_allowed',
      message: `${req.method ?? ''} is not allowed here; use GET or HEAD (akb is read-only)`,
    });
  }
  return true;
}

/** Unauthenticated callers (the kubelet) learn ready or not; which source waits for what is behind auth. */
function serveReadiness(ctx: HttpApiContext, ready: boolean, req: IncomingMessage, res: ServerResponse): void {
  if (!principalOf(req)) return sendJson(res, req, ready ? 200 : 503, { ready });
  const sources = ctx.service.sourceStatuses();
  const waiting = Object.entries(sources)
    .filter(([, s]) => s.state !== 'synced')
    .map(([name, s]) => `${name}: ${s.state}${s.reason ? ` (${s.reason})` : ''}`);
  const body = {
    ready,
    lab: ctx.lab,
    revision: ctx.service.graph()?.revision ?? 0,
    sources,
    ...(ready ? {} : { reason: waiting.length ? `waiting for ${waiting.join('; ')}` : 'waiting for the first graph' }),
  };
  sendJson(res, req, ready ? 200 : 503, body);
}

async function serveMetrics(ctx: HttpApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    ctx.metrics.setRevision(ctx.service.graph()?.revision ?? 0);
    ctx.metrics.setSources(ctx.service.sourceStatuses());
    ctx.onScrape?.();
    send(res, req, 200, ctx.metrics.contentType, await ctx.metrics.text());
  } catch (err) {
    sendJson(res, req, 500, { error: 'metrics_failed', message: err instanceof Error ? err.message : String(err) });
  }
}

function serveGraph(service: HttpApiService, req: IncomingMessage, res: ServerResponse): void {
  const graph = service.graph();
  if (!graph) {
    res.setHeader('Retry-After', '1');
    sendJson(res, req, 503, {
      error: 'not_ready',
      message: 'no graph computed yet: the sources have not been read',
      sources: service.sourceStatuses(),
    });
    return;
  }
  const etag = `"${graph.revision}"`;
  res.setHeader('ETag', etag);
  // Revalidate every time: the graph changes whenever the fabric or the cluster does.
  res.setHeader('Cache-Control', 'no-cache');
  if (etagMatches(req.headers['if-none-match'], etag)) {
    res.writeHead(304);
    res.end();
    return;
  }
  sendJson(res, req, 200, graph);
}

/** RFC 9110 §13.1.2: If-None-Match uses weak comparison and may list several tags or be `*`. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}

function serveBundle(ctx: HttpApiContext, req: IncomingMessage, res: ServerResponse): void {
  // Reduced at ingest already; reduced again so nothing a source let through by mistake is handed out.
  const bundle = reduceBundle(ctx.service.bundle());
  const stamp = bundle.capturedAt.replace(/[:.]/g, '-');
  res.setHeader('Content-Disposition', `attachment; filename="akb-${ctx.lab ? 'lab-' : ''}bundle-${stamp}.json"`);
  res.setHeader('Cache-Control', 'no-store');
  sendJson(res, req, 200, bundle);
}

function sendJson(res: ServerResponse, req: IncomingMessage, status: number, body: unknown): void {
  send(res, req, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function send(res: ServerResponse, req: IncomingMessage, status: number, contentType: string, body: string): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
