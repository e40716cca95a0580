import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { readBody } from '../../node/http-body';
import type { Logger } from '../../logging';
import { ApicError } from '../../aci/errors';
import { specFields } from '../../../provisioner/spec/fields';
import { PROVISION_API, type DiscoverRequest } from '../../live/shared/provision';
import { DiscoverInputError, discoverFabric } from './discover';
import type { Guard } from './guard';
import { JobConflictError, ProvisionJobs } from './jobs';
import { planOf, review, validateDocument } from './review';

/**
 * The provisioning routes (`/api/v1/provision/...`). The live server's authentication gate runs before them (every
 * route answers 401 without a user); here every POST also passes the cross-site guard. Requests are validated with
 * zod at this trust boundary; answers never hold a credential (typed passwords go into a job's in-memory environment
 * and the discovery client, nowhere else), and errors say which field or value is wrong.
 */

const MAX_BODY = 1024 * 1024;
const secrets = z.strictObject({ apicPassword: z.string().max(1024).optional() }).prefault({});
const discoverSchema = z.strictObject({
  urls: z.array(z.url({ protocol: /^https$/, error: 'must be an https URL' })).min(1, 'give at least one APIC URL'),
  username: z.string().min(1, 'the APIC user is required'),
  password: z.string().min(1, 'the APIC password is required').max(1024),
  caFile: z.string().min(1).optional(),
});
const specBody = z.strictObject({ spec: z.unknown(), secrets });
const startBody = z.strictObject({
  command: z.enum(['apply', 'destroy']),
  spec: z.unknown(),
  secrets,
  /** Destroy only: the cluster's name typed by the user. */
  confirmName: z.string().optional(),
});

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

async function json<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const text = await readBody(req, MAX_BODY, () => new HttpError(413, `request body over ${MAX_BODY} bytes`));
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the request body is not JSON');
  }
  const parsed = schema.safeParse(doc);
  if (!parsed.success) throw new HttpError(400, parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
  return parsed.data;
}

/** The cluster name a spec document gives (validated later by the spec validator itself). */
function clusterOf(doc: unknown): string {
  const name = (doc as { cluster?: { name?: unknown } } | null)?.cluster?.name;
  if (typeof name !== 'string' || !name) throw new HttpError(400, 'cluster.name: required');
  return name;
}

export interface ProvisionRoutesOptions {
  jobs: ProvisionJobs;
  guard: Guard;
  logger: Logger;
}

export type ProvisionHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function provisionRoutes(o: ProvisionRoutesOptions): ProvisionHandler {
  const { jobs, guard } = o;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://akb.invalid');
    const parts = url.pathname.slice(PROVISION_API.length).split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    const route = `${method} ${parts.map((p, i) => (i > 0 && parts[0] === 'jobs' && i < 3 ? ':' : p)).join('/')}`;
    if (method !== 'GET' && method !== 'HEAD') {
      const refused = guard.refuseWrite(req);
      if (refused) throw new HttpError(403, refused);
    }
    switch (route) {
      case 'GET session':
        return send(res, 200, { csrfToken: guard.csrfToken(req), user: guard.user(req) });
      case 'GET schema':
        return send(res, 200, { fields: specFields() });
      case 'POST validate':
        return send(res, 200, validateDocument((await json(req, specBody)).spec));
      case 'POST discover':
        return send(res, 200, await discoverFabric((await json(req, discoverSchema)) as DiscoverRequest));
      case 'POST parse': {
        // An uploaded spec file (YAML or JSON) as a document for the form.
        const body = await json(req, z.strictObject({ text: z.string() }));
        try {
          return send(res, 200, { spec: parseYaml(body.text) as unknown });
        } catch (err) {
          throw new HttpError(400, `not valid YAML/JSON: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      case 'POST review': {
        const body = await json(req, specBody);
        const planned = planOf(body.spec);
        if ('problems' in planned) return send(res, 200, { ...validateDocument(body.spec), preflight: [], aci: [], kubernetes: [] });
        const cluster = clusterOf(body.spec);
        const [diff, checks] = await Promise.all([
          jobs.diff(cluster, body.spec, body.secrets),
          jobs.preflight(cluster, planned.plan.resolved, body.secrets),
        ]);
        return send(res, 200, { ...review(planned.plan, diff.plan, diff.error, body.spec), preflight: checks });
      }
      case 'GET jobs':
        return send(res, 200, { jobs: await jobs.history() });
      case 'POST jobs': {
        const body = await json(req, startBody);
        const cluster = clusterOf(body.spec);
        if (body.command === 'destroy' && body.confirmName !== cluster)
          throw new HttpError(400, `confirmName: type the cluster's name (${cluster}) to destroy it`);
        const { job } = await jobs.start({
          command: body.command,
          cluster,
          specDoc: body.spec,
          secrets: body.secrets,
          user: guard.user(req),
        });
        return send(res, 202, { cluster, job });
      }
      case 'POST jobs/:/:/retry': {
        const [, cluster, job] = parts as [string, string, string];
        const spec = await jobs.spec(cluster, job);
        if (spec === null) throw new HttpError(404, `no spec recorded for job ${job} of cluster ${cluster}`);
        const body = await json(req, z.strictObject({ secrets }));
        const started = await jobs.start({
          command: 'apply',
          cluster,
          specDoc: parseYaml(spec),
          secrets: body.secrets,
          user: guard.user(req),
        });
        return send(res, 202, { cluster, job: started.job });
      }
      case 'POST jobs/:/:/cancel': {
        const [, cluster, job] = parts as [string, string, string];
        if (!jobs.cancel(cluster, job, guard.user(req))) throw new HttpError(409, `job ${job} of cluster ${cluster} is not running here`);
        return send(res, 202, { cluster, job, cancelling: true });
      }
      case 'GET jobs/:/:/spec': {
        const [, cluster, job] = parts as [string, string, string];
        const spec = await jobs.spec(cluster, job);
        if (spec === null) throw new HttpError(404, `no spec recorded for job ${job} of cluster ${cluster}`);
        return send(res, 200, { cluster, job, specYaml: spec, spec: parseYaml(spec) as unknown });
      }
      case 'GET jobs/:/:/events':
        return streamEvents(req, res, jobs, parts[1]!, parts[2]!);
      default:
        throw new HttpError(404, `no provisioning route ${method} ${url.pathname}`);
    }
  };
  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.end();
      if (err instanceof HttpError) return send(res, err.status, { error: err.message, ...err.extra });
      if (err instanceof JobConflictError) return send(res, 409, { error: err.message });
      if (err instanceof DiscoverInputError) return send(res, 400, { error: err.message });
      // APIC refusals and unreachable controllers: the APIC's own message (the client keeps credentials out of it).
      if (err instanceof ApicError || (err instanceof Error && err.name === 'ApicUnavailableError'))
        return send(res, 502, { error: `APIC: ${err.message}` });
      o.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'provisioning request failed');
      send(res, 500, { error: err instanceof Error ? err.message : String(err) });
    });
  };
}

/** Server-sent events: one `data:` line per job event, `id` its index so a reconnecting EventSource resumes. */
async function streamEvents(req: IncomingMessage, res: ServerResponse, jobs: ProvisionJobs, cluster: string, job: string): Promise<void> {
  const last = Number(req.headers['last-event-id']);
  const from = Number.isInteger(last) && last >= 0 ? last + 1 : 0;
  const abort = new AbortController();
  req.once('close', () => abort.abort());
  const events = jobs.events(cluster, job, from, abort.signal);
  // The first event decides between a stream and an error answer (an unknown job is a 404, not an empty stream).
  const first = await events.next().catch((err: unknown) => {
    throw err instanceof JobConflictError ? new HttpError(404, err.message) : err;
  });
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
  let i = from;
  const write = (e: unknown) => res.write(`id: ${i++}\ndata: ${JSON.stringify(e)}\n\n`);
  if (!first.done) write(first.value);
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  try {
    if (!first.done) for await (const e of events) write(e);
    res.write('event: end\ndata: {}\n\n');
  } finally {
    clearInterval(keepAlive);
    res.end();
  }
}
