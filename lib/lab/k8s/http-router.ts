import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { KubeObject } from '../../k8s/models/object';
import { apiGroupDoc, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from './discovery';
import { errors } from './errors';
import { parseBody, readKubeBody, sendError, sendJson } from './http-io';
import { openApiV3 } from './openapi';
import { applyScale, hasScale, toScale } from './scale';
import { PATCH_TYPES, type PatchType } from './patch';
import { groupVersion, type ResourceDef } from './resources';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import type { KubeStore } from './store';
import { toTable, wantsTable, type IncludeObject } from './table';
import { parseObjectBody } from './validate';
import { serveWatch } from './watch';
import { fromEventsV1, toEventsV1 } from './event-versions';
import { validateFields } from './field-validation';
import { parseLogQuery, servePodLog } from './pod-log-endpoint';

export interface RouterContext {
  store: KubeStore;
  /** The bearer token of full access; undefined: no authentication (every request may write). */
  token: string | undefined;
  /** Optional second token allowed to read but not write (403 on writes), to exercise authorization errors. */
  readOnlyToken?: string;
  /** Replaces the bearer-token check (a lab-built cluster: client certificates, bootstrap tokens, anonymous discovery). */
  authorize?: (req: IncomingMessage) => 'write' | 'read' | undefined;
  /** host:port for `/api`'s serverAddressByClientCIDRs. */
  serverAddress: string;
  bookmarkIntervalMs: number;
  /** Called with each open watch's closer, so the server can end them on stop(). */
  trackWatch: (close: () => void, done: Promise<void>) => void;
}

interface ResourceRoute {
  def: ResourceDef;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const boolParam = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1');
const intParam = (field: string) => z.string().regex(/^\d+$/, `${field} must be a non-negative integer`).transform(Number).optional();
const querySchema = z.object({
  watch: boolParam,
  resourceVersion: z.string().optional(),
  labelSelector: z.string().optional(),
  fieldSelector: z.string().optional(),
  limit: intParam('limit'),
  continue: z.string().optional(),
  timeoutSeconds: intParam('timeoutSeconds'),
  allowWatchBookmarks: boolParam,
  fieldManager: z.string().max(128, 'fieldManager must be at most 128 characters').optional(),
  force: z.enum(['true', 'false']).optional(),
  includeObject: z.enum(['None', 'Metadata', 'Object']).optional(),
  dryRun: z.string().optional(),
  fieldValidation: z.enum(['Strict', 'Warn', 'Ignore']).optional(),
});
type Query = z.infer<typeof querySchema>;

function parseQuery(params: URLSearchParams): Query {
  const parsed = querySchema.safeParse(Object.fromEntries(params));
  if (!parsed.success) {
    throw errors.badRequest(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  // The apiserver's only dry-run value is "All" (every stage, nothing persisted).
  if (parsed.data.dryRun !== undefined && parsed.data.dryRun !== 'All')
    throw errors.invalid('DryRunOptions', 'meta.k8s.io', '', [
      { reason: 'FieldValueNotSupported', field: 'dryRun', message: `Unsupported value: "${parsed.data.dryRun}": supported values: "All"` },
    ]);
  return parsed.data;
}

function authorized(req: IncomingMessage, ctx: RouterContext): 'write' | 'read' | undefined {
  if (ctx.token === undefined) return 'write';
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) return undefined;
  const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  if (same(m[1] as string, ctx.token)) return 'write';
  if (ctx.readOnlyToken && same(m[1] as string, ctx.readOnlyToken)) return 'read';
  return undefined;
}

/** `/api/v1/...` or `/apis/g/v/...` → resource route; undefined when the path is not a resource path. */
function resolveRoute(ctx: RouterContext, parts: string[]): ResourceRoute | undefined {
  const core = parts[0] === 'api';
  const group = core ? '' : (parts[1] as string);
  const version = (core ? parts[1] : parts[2]) as string;
  const rest = parts.slice(core ? 2 : 3);
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && ['status', 'finalize'].includes(rest[2] as string))) {
    namespace = rest[1];
    rest.splice(0, 2);
  }
  const [plural, name, subresource, ...extra] = rest;
  if (!plural || extra.length) return undefined;
  const def = ctx.store.registry.find(group, version, plural);
  if (!def || (namespace !== undefined && !def.namespaced)) return undefined;
  if (def.namespaced && name !== undefined && namespace === undefined) return undefined;
  const podSubresource = def.group === '' && def.plural === 'pods' && (subresource === 'log' || subresource === 'eviction');
  if (
    subresource !== undefined &&
    !(subresource === 'status' && def.statusSubresource) &&
    !(subresource === 'scale' && hasScale(def)) &&
    !podSubresource
  )
    return undefined;
  return { def, version, namespace, name, subresource };
}

function discoveryDoc(ctx: RouterContext, parts: string[]): unknown | undefined {
  const path = parts.join('/');
  if (path === 'api') return apiVersions(ctx.serverAddress);
  if (path === 'apis') return apiGroupList(ctx.store.registry);
  if (parts[0] === 'api' && parts.length === 2) return apiResourceList(ctx.store.registry, '', parts[1] as string);
  if (parts[0] === 'apis' && parts.length === 2) return apiGroupDoc(ctx.store.registry, parts[1] as string);
  if (parts[0] === 'apis' && parts.length === 3) return apiResourceList(ctx.store.registry, parts[1] as string, parts[2] as string);
  return undefined;
}

export async function handleRequest(ctx: RouterContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://lab');
    const parts = url.pathname
      .split('/')
      .filter((p) => p !== '')
      .map(decodeURIComponent);
    const path = `/${parts.join('/')}`;
    if (['/healthz', '/readyz', '/livez'].includes(path)) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    if (path === '/version') return sendJson(res, 200, SERVER_VERSION);
    const access = ctx.authorize ? ctx.authorize(req) : authorized(req, ctx);
    if (!access) throw errors.unauthorized();
    if (parts[0] === 'openapi' && parts[1] === 'v3' && req.method === 'GET') {
      const doc = openApiV3(ctx.store.registry, parts.slice(2));
      if (doc === undefined) throw errors.noResource(`${req.method} ${path}`);
      return sendJson(res, 200, doc);
    }
    if (parts[0] !== 'api' && parts[0] !== 'apis') throw errors.noResource(`${req.method} ${path}`);
    const doc = discoveryDoc(ctx, parts);
    if (doc !== undefined) {
      if (req.method !== 'GET') throw errors.methodNotAllowed(req.method ?? '');
      return sendJson(res, 200, doc);
    }
    const route = resolveRoute(ctx, parts);
    if (!route) throw errors.noResource(`${req.method} ${path}`);
    const verb = req.method === 'GET' ? 'get' : (req.method ?? '').toLowerCase();
    if (access === 'read' && verb !== 'get') throw errors.forbidden(verb, route.def.group, route.def.plural, route.name);
    if (route.subresource === 'log') {
      if (req.method !== 'GET') throw errors.methodNotAllowed(req.method ?? '');
      const target = { namespace: route.namespace ?? 'default', name: route.name as string };
      return servePodLog(ctx.store, target, parseLogQuery(url.searchParams), res, ctx.trackWatch);
    }
    await serveResource(ctx, route, parseQuery(url.searchParams), req, res);
  } catch (err) {
    sendError(res, err);
  }
}

function presenter(route: ResourceRoute): (obj: KubeObject) => KubeObject {
  if (isEventsView(route.def)) return toEventsV1;
  const apiVersion = groupVersion(route.def.group, route.version);
  return (obj) => ({ ...obj, apiVersion, kind: route.def.kind });
}

/** events.k8s.io/v1 Events are the core v1 Events seen through the newer API: stored once, converted each way. */
function isEventsView(def: ResourceDef): boolean {
  return def.group === 'events.k8s.io' && def.plural === 'events';
}

async function serveResource(ctx: RouterContext, route: ResourceRoute, q: Query, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { store } = ctx;
  const { namespace, name } = route;
  const view = isEventsView(route.def);
  const def = view ? store.resource('events') : route.def;
  const present = presenter(route);
  const incoming = (obj: KubeObject): KubeObject => (view ? fromEventsV1(obj) : obj);
  const table: IncludeObject | undefined = wantsTable(req.headers.accept) ? (q.includeObject ?? 'Metadata') : undefined;
  const write = {
    resource: def,
    namespace,
    ...(route.subresource === 'status' ? { subresource: 'status' as const } : {}),
    ...(q.dryRun === 'All' ? { dryRun: true } : {}),
  };

  if (route.subresource === 'scale') return serveScale(ctx, route, req, res);
  if (route.subresource === 'eviction') return serveEviction(ctx, route, q, req, res);
  if (req.method === 'GET' && name === undefined) {
    // Parsed before any streaming starts, so a bad selector is a 400 response rather than a watch event.
    const byLabel = parseLabelSelector(q.labelSelector);
    const byField = parseFieldSelector(q.fieldSelector, def.plural);
    const matches = (o: KubeObject) => byLabel(o) && byField(o);
    if (q.watch) {
      const watch = serveWatch(
        store,
        {
          def,
          namespace,
          matches,
          resourceVersion: q.resourceVersion,
          timeoutSeconds: q.timeoutSeconds,
          bookmarks: q.allowWatchBookmarks,
          bookmarkIntervalMs: ctx.bookmarkIntervalMs,
          table,
          present,
        },
        res,
      );
      ctx.trackWatch(watch.close, new Promise((resolve) => res.on('close', () => resolve())));
      return;
    }
    const list = store.list(def, {
      namespace,
      labelSelector: q.labelSelector,
      fieldSelector: q.fieldSelector,
      limit: q.limit,
      continue: q.continue,
    });
    const meta = {
      resourceVersion: list.resourceVersion,
      ...(list.continue ? { continue: list.continue, remainingItemCount: list.remainingItemCount } : {}),
    };
    if (table) return sendJson(res, 200, toTable(def, list.items, meta, table));
    // Like the apiserver, built-in list items carry no kind/apiVersion; custom resources keep theirs.
    const items = list.items.map((o) => (def.custom ? present(o) : (({ apiVersion: _a, kind: _k, ...rest }) => rest)(present(o))));
    return sendJson(res, 200, { kind: def.listKind, apiVersion: groupVersion(route.def.group, route.version), metadata: meta, items });
  }
  if (req.method === 'GET') {
    const obj = store.get(def, name as string, namespace);
    return sendJson(res, 200, table ? toTable(def, [obj], { resourceVersion: obj.metadata.resourceVersion }, table) : present(obj));
  }
  if (req.method === 'POST' && name === undefined && !(def.namespaced && namespace === undefined)) {
    const obj = incoming(
      checkFields(
        res,
        route,
        q,
        parseObjectBody(parseBody(await readKubeBody(req), req.headers['content-type'] ?? '', { protobuf: true })),
      ),
    );
    checkNamespace(obj, namespace);
    return sendJson(res, 201, present(store.create(obj, write)));
  }
  if (req.method === 'PUT' && name !== undefined) {
    const obj = incoming(
      checkFields(
        res,
        route,
        q,
        parseObjectBody(parseBody(await readKubeBody(req), req.headers['content-type'] ?? '', { protobuf: true })),
      ),
    );
    checkNamespace(obj, namespace);
    if (obj.metadata.name !== name)
      throw errors.badRequest(`the name of the object (${String(obj.metadata.name)}) does not match the name on the URL (${name})`);
    return sendJson(res, 200, present(store.update(obj, write)));
  }
  if (req.method === 'PATCH' && name !== undefined && !view) {
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    if (!(PATCH_TYPES as readonly string[]).includes(contentType)) throw errors.unsupportedMediaType(contentType, [...PATCH_TYPES]);
    const type = contentType as PatchType;
    if (q.force !== undefined && type !== 'application/apply-patch+yaml') {
      throw errors.invalid('PatchOptions', 'meta.k8s.io', '', [
        { reason: 'FieldValueForbidden', field: 'force', message: 'Forbidden: may not be specified for non-apply patch' },
      ]);
    }
    const body = parseBody(await readKubeBody(req), type === 'application/apply-patch+yaml' ? 'yaml' : 'json');
    if (type === 'application/apply-patch+yaml') checkNamespace(checkFields(res, route, q, parseObjectBody(body)), namespace);
    const result = store.patch(def, name, body, type, { ...write, fieldManager: q.fieldManager, force: q.force === 'true' });
    return sendJson(res, result.created ? 201 : 200, present(result.object));
  }
  if (req.method === 'DELETE' && name !== undefined && route.subresource === undefined) {
    return sendJson(res, 200, present(store.delete(def, name, namespace, { dryRun: q.dryRun === 'All' })));
  }
  throw errors.methodNotAllowed(req.method ?? '');
}

/**
 * `POST pods/<name>/eviction` (policy/v1 Eviction, JSON or protobuf), what `kubectl drain` uses: with no
 * PodDisruptionBudget to respect, the pod is deleted and the answer is a Success Status, as the apiserver's.
 */
async function serveEviction(ctx: RouterContext, route: ResourceRoute, q: Query, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') throw errors.methodNotAllowed(req.method ?? '');
  const body = parseObjectBody(parseBody(await readKubeBody(req), req.headers['content-type'] ?? '', { protobuf: true }));
  if (body.kind !== undefined && body.kind !== 'Eviction')
    throw errors.badRequest(`an eviction body must be a policy/v1 Eviction, not ${body.kind}`);
  if (body.metadata.name !== undefined && body.metadata.name !== route.name)
    throw errors.badRequest(`name in URL does not match name in Eviction object`);
  ctx.store.delete(route.def, route.name as string, route.namespace, { dryRun: q.dryRun === 'All' });
  return sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}

/** Field validation of a body (Strict: 400; Warn, the apiserver's default: `Warning` headers kubectl prints). */
function checkFields(res: ServerResponse, route: ResourceRoute, q: Query, obj: KubeObject): KubeObject {
  const warnings = validateFields(obj, groupVersion(route.def.group, route.version), route.def.kind, q.fieldValidation ?? 'Warn');
  if (warnings.length)
    res.setHeader(
      'Warning',
      warnings.map((w) => `299 - ${JSON.stringify(w)}`),
    );
  return obj;
}

function checkNamespace(obj: KubeObject, namespace: string | undefined): void {
  if (namespace !== undefined && obj.metadata.namespace !== undefined && obj.metadata.namespace !== namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
}

async function serveScale(ctx: RouterContext, route: ResourceRoute, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { def, namespace } = route;
  const parent = ctx.store.get(def, route.name as string, namespace);
  if (req.method === 'GET') return sendJson(res, 200, toScale(parent));
  if (req.method !== 'PUT' && req.method !== 'PATCH') throw errors.methodNotAllowed(req.method ?? '');
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
  if (
    req.method === 'PATCH' &&
    !['application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json'].includes(contentType)
  ) {
    throw errors.unsupportedMediaType(contentType, [
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
      'application/json-patch+json',
    ]);
  }
  // A typed client's PUT of an autoscaling/v1 Scale may be protobuf; patches are always JSON.
  const body = parseBody(await readKubeBody(req), req.method === 'PUT' ? (req.headers['content-type'] ?? '') : 'json', { protobuf: true });
  const updated = ctx.store.update(applyScale(parent, body, req.method === 'PUT' ? undefined : contentType), { resource: def, namespace });
  return sendJson(res, 200, toScale(updated));
}
