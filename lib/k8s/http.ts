import { HttpMethod, IsomorphicFetchHttpLibrary, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { z } from 'zod';
import type { KubeObject } from './models/object';

/**
 * Raw JSON GETs against the API server with the kubeconfig's auth and TLS. The generated typed clients
 * turn timestamps into Date objects; akb keeps objects exactly as the server sent them (bundle contract).
 */
export class KubeHttpError extends Error {
  constructor(
    readonly path: string,
    readonly statusCode: number,
    message: string,
    /** The server's Status object, when it sent one (reason, details.causes: what a conflict or an invalid field was). */
    readonly status?: KubeStatus,
  ) {
    super(message);
    this.name = 'KubeHttpError';
  }
}

const statusSchema = z.looseObject({
  message: z.string().optional(),
  reason: z.string().optional(),
  details: z
    .looseObject({
      causes: z
        .array(
          z.looseObject({
            type: z.string().optional(),
            reason: z.string().optional(),
            message: z.string().optional(),
            field: z.string().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});
export type KubeStatus = z.infer<typeof statusSchema>;

/** An error in words an operator can act on: the message plus the network cause (ECONNREFUSED) or HTTP status. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
  const status = (err as Error & { statusCode?: number }).statusCode;
  const detail = cause?.code ?? cause?.message;
  return `${err.message}${status !== undefined && !err.message.includes(String(status)) ? ` (HTTP ${status})` : ''}${detail ? ` (${detail})` : ''}`;
}

export interface RequestCounter {
  requests: number;
}

const http = new IsomorphicFetchHttpLibrary();

/** GET `path` and parse JSON; non-2xx → KubeHttpError with the server's Status message (never credentials). */
export interface GetOptions {
  counter?: RequestCounter;
  /** Aborts the request (e.g. when the source stops), so nothing outlives its owner. */
  signal?: AbortSignal;
  timeoutMs?: number;
}

export async function getJson(kc: KubeConfig, path: string, opts: GetOptions = {}): Promise<unknown> {
  return (await requestJson(kc, 'GET', path, opts)).body;
}

export interface RequestOptions extends GetOptions {
  /** JSON body (sent as JSON; server-side apply accepts JSON as YAML). */
  body?: unknown;
  /** Default application/json; `application/apply-patch+yaml` for server-side apply, `application/merge-patch+json`. */
  contentType?: string;
}

const METHODS: Record<string, HttpMethod> = {
  GET: HttpMethod.GET,
  POST: HttpMethod.POST,
  PUT: HttpMethod.PUT,
  PATCH: HttpMethod.PATCH,
  DELETE: HttpMethod.DELETE,
};

/**
 * One JSON request with the kubeconfig's auth and TLS; resolves with the status and parsed body for 2xx, throws
 * KubeHttpError with the server's Status (never credentials) otherwise.
 */
export async function requestJson(
  kc: KubeConfig,
  method: keyof typeof METHODS,
  path: string,
  opts: RequestOptions = {},
): Promise<{ status: number; body: unknown }> {
  const { counter, signal, timeoutMs = 30_000 } = opts;
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const ctx = new RequestContext(cluster.server.replace(/\/+$/, '') + path, METHODS[method]!);
  ctx.setHeaderParam('Accept', 'application/json');
  if (opts.body !== undefined) {
    ctx.setHeaderParam('Content-Type', opts.contentType ?? 'application/json');
    ctx.setBody(JSON.stringify(opts.body));
  }
  ctx.setSignal(signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs));
  await kc.applySecurityAuthentication(ctx);
  if (counter) counter.requests++;
  const resp = await http.send(ctx).toPromise();
  const text = await resp.body.text();
  if (resp.httpStatusCode < 200 || resp.httpStatusCode >= 300) {
    const status = parseStatus(text);
    throw new KubeHttpError(
      path,
      resp.httpStatusCode,
      `${method} ${path}: HTTP ${resp.httpStatusCode}${status?.message ? `: ${status.message.slice(0, 300)}` : ''}`,
      status,
    );
  }
  try {
    return { status: resp.httpStatusCode, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  } catch {
    throw new KubeHttpError(path, resp.httpStatusCode, `${method} ${path}: response is not JSON`);
  }
}

function parseStatus(text: string): KubeStatus | undefined {
  try {
    const parsed = statusSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const kubeObjectSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().optional(), resourceVersion: z.string().optional() }),
});
const listSchema = z.object({
  metadata: z.object({ resourceVersion: z.string().optional(), continue: z.string().optional() }).optional(),
  items: z.array(kubeObjectSchema).nullable(),
});

export interface KubeList {
  metadata: { resourceVersion: string };
  items: KubeObject[];
}

export interface ListOptions extends GetOptions {
  /** Objects per page (kubectl's default 500). */
  pageSize?: number;
  /** Applied to each object as its page arrives (the ingest reduction), so full objects never pile up. */
  reduce?: (object: KubeObject) => KubeObject;
  /** The most pages one list follows (default 10,000: 5 million objects at 500 a page); a server that keeps answering `continue` is an error. */
  maxPages?: number;
}

/**
 * Lists a collection, following `continue` tokens in pages of `pageSize`, so a large cluster is never one giant
 * response, and never more than `maxPages` of them.
 */
export async function listAll(kc: KubeConfig, path: string, opts: ListOptions = {}): Promise<KubeList> {
  const { pageSize = 500, reduce, maxPages = 10_000, ...get } = opts;
  const items: KubeObject[] = [];
  let token: string | undefined;
  let resourceVersion = '';
  let pages = 0;
  do {
    if (++pages > maxPages) throw new Error(`GET ${path}: still not complete after ${maxPages} pages of ${pageSize}; giving up`);
    const q = new URLSearchParams({ limit: String(pageSize) });
    if (token) q.set('continue', token);
    const raw = await getJson(kc, `${path}?${q.toString()}`, get);
    const parsed = listSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`GET ${path}: unexpected list shape at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
    }
    const page = (parsed.data.items ?? []) as KubeObject[];
    for (const item of page) items.push(reduce ? reduce(item) : item);
    resourceVersion = parsed.data.metadata?.resourceVersion ?? resourceVersion;
    token = parsed.data.metadata?.continue || undefined;
  } while (token);
  return { metadata: { resourceVersion }, items };
}
