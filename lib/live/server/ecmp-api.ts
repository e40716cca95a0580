/**
 * `GET /api/v1/ecmp` and `GET /api/v1/bgp`: the ECMP/BGP troubleshooting views over the current graph
 * and bundle plus the churn and session history. Read-only. Query parameters are validated (zod) and a
 * bad one is answered 400 naming the parameter and what would be valid.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Bundle } from '../../topology/bundle-types';
import type { TopologyGraph } from '../../topology/graph';
import { analyseBgp, analyseEcmp, REHASH_MODEL, type EcmpAnalysis } from '../../topology/ecmp';
import { BGP_PATH, ECMP_PATH, type BgpResponse, type EcmpResponse } from '../shared/analysis-api';
import type { EcmpHistory } from './ecmp-history';

export interface EcmpApiContext {
  history: EcmpHistory;
  current(): { bundle: Bundle; graph: TopologyGraph } | null;
}

const optionalText = z.string().min(1, 'must not be empty').max(512, 'must be at most 512 characters').optional();
const ecmpQuery = z
  .object({
    prefix: optionalText,
    service: optionalText,
    leaf: optionalText,
    since: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-11-25T10:00:00Z' }).optional(),
    limit: z.coerce
      .number({ message: 'must be a number' })
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(5000, 'must be at most 5000')
      .default(500),
    /** `true`: prefixes without their matrices and no churn, for a list of every prefix on a large cluster. */
    summary: z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'),
  })
  .strict();
const bgpQuery = z
  .object({
    windowSeconds: z.coerce
      .number({ message: 'must be a number' })
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(86400, 'must be at most 86400 (one day)')
      .default(600),
  })
  .strict();

// One analysis per published graph: every browser refreshing on the same revision shares it.
const analyses = new WeakMap<TopologyGraph, EcmpAnalysis>();

function analysisOf(bundle: Bundle, graph: TopologyGraph): EcmpAnalysis {
  let a = analyses.get(graph);
  if (!a) analyses.set(graph, (a = analyseEcmp(bundle, graph)));
  return a;
}

function parseQuery<T extends z.ZodType>(schema: T, url: URL): { ok: true; value: z.output<T> } | { ok: false; message: string } {
  const raw: Record<string, string> = {};
  for (const [k, v] of url.searchParams) raw[k] = v;
  const r = schema.safeParse(raw);
  if (r.success) return { ok: true, value: r.data };
  const message = r.error.issues
    .map((i) =>
      i.code === 'unrecognized_keys'
        ? `unknown parameter(s) ${i.keys.join(', ')}; valid: ${Object.keys((schema as unknown as z.ZodObject).shape).join(', ')}`
        : `${i.path.join('.')}: ${i.message}`,
    )
    .join('; ');
  return { ok: false, message };
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : text);
}

function serveEcmp(url: URL, req: IncomingMessage, res: ServerResponse, ctx: EcmpApiContext): void {
  const q = parseQuery(ecmpQuery, url);
  if (!q.ok) return sendJson(req, res, 400, { error: 'bad_request', message: q.message });
  const cur = ctx.current();
  if (!cur) return sendJson(req, res, 503, { error: 'not_ready', message: 'no graph computed yet: the sources have not been read' });
  const { prefix, service, leaf, since, limit } = q.value;
  const summary = q.value.summary === 'true';
  const a = analysisOf(cur.bundle, cur.graph);
  const prefixes = a.prefixes.filter(
    (p) => (prefix === undefined || p.prefix === prefix) && (service === undefined || p.services.includes(service)),
  );
  const kept = new Set(prefixes.map((p) => p.prefix));
  const findings = a.findings
    .filter((f) => (prefix === undefined && service === undefined) || kept.has(f.prefix))
    .filter((f) => leaf === undefined || f.leaf === leaf);
  const body: EcmpResponse = {
    format: 'akb-ecmp/v1',
    revision: cur.graph.revision,
    generatedAt: cur.graph.generatedAt,
    cni: a.cni,
    maxPaths: a.maxPaths,
    model: REHASH_MODEL,
    ips: a.ips.filter((i) => service === undefined || i.service === service),
    prefixes: summary
      ? prefixes.map((p) => ({ ...p, leaves: [], cells: [] }))
      : leaf === undefined
        ? prefixes
        : prefixes.map((p) => ({ ...p, leaves: p.leaves.filter((l) => l.leaf === leaf), cells: p.cells.filter((c) => c.leaf === leaf) })),
    findings,
    churn: summary
      ? []
      : ctx.history.events({
          ...(prefix !== undefined ? { prefix } : {}),
          ...(leaf !== undefined ? { leaf } : {}),
          ...(service !== undefined ? { service } : {}),
          ...(since !== undefined ? { since } : {}),
          limit,
        }),
  };
  sendJson(req, res, 200, body);
}

function serveBgp(url: URL, req: IncomingMessage, res: ServerResponse, ctx: EcmpApiContext): void {
  const q = parseQuery(bgpQuery, url);
  if (!q.ok) return sendJson(req, res, 400, { error: 'bad_request', message: q.message });
  const cur = ctx.current();
  if (!cur) return sendJson(req, res, 503, { error: 'not_ready', message: 'no graph computed yet: the sources have not been read' });
  const since = new Date(Date.now() - q.value.windowSeconds * 1000).toISOString();
  const health = analyseBgp(cur.bundle, cur.graph);
  const flaps = ctx.history.flapCounts(since);
  const body: BgpResponse = {
    format: 'akb-bgp/v1',
    revision: cur.graph.revision,
    generatedAt: cur.graph.generatedAt,
    windowSeconds: q.value.windowSeconds,
    ...health,
    sessions: health.sessions.map((s) => ({ ...s, flaps: flaps.get(`${s.node}|${s.leaf}`) ?? 0 })),
    transitions: ctx.history.sessionTransitions(since),
  };
  sendJson(req, res, 200, body);
}

/** Answers the two routes; false for any other path so the caller can try its other handlers. */
export function handleEcmpRequest(req: IncomingMessage, res: ServerResponse, ctx: EcmpApiContext): boolean {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://akb.invalid');
  } catch {
    return false;
  }
  if (url.pathname !== ECMP_PATH && url.pathname !== BGP_PATH) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    sendJson(req, res, 405, { error: 'method_not_allowed', message: `${req.method ?? ''} is not allowed here; use GET or HEAD` });
    return true;
  }
  if (url.pathname === ECMP_PATH) serveEcmp(url, req, res, ctx);
  else serveBgp(url, req, res, ctx);
  return true;
}
