import type { Logger } from 'pino';
import {
  authenticate,
  badCredentials,
  canWrite,
  checkPassword,
  loginBodySchema,
  parseCookies,
  type Principal,
  type Session,
  type SessionStore,
} from './auth';
import { backupsFor } from './backups';
import { applyConfig } from './config';
import { splitDn } from '../../aci/models/dn';
import { ApicError } from './errors';
import { modifiedAnswer } from './modified';
import { runQuery, type QueryScope } from './query';
import { parseQueryOptions, parseRawQuery } from './query-options';
import type { SubscriptionHub } from './subscriptions';
import type { ApicTree } from './tree';
import { writeFaultsFor } from './write-faults';

/** One API request, transport-free. */
export interface ApiRequest {
  method: string;
  /** Path and query exactly as received, e.g. `/api/class/fvTenant.json?query-target-filter=...`. */
  url: string;
  body: string;
  cookieHeader?: string;
  challengeHeader?: string;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface ApiContext {
  tree: ApicTree;
  sessions: SessionStore;
  hub: SubscriptionHub;
  lab: { user: string; password: string };
  tokenLifetimeSec: number;
  secure: boolean;
  logger: Logger;
}

const EMPTY = { totalCount: '0', imdata: [] as unknown[] };
const API_RE = /^\/api\/(?:node\/)?(class|mo)\/(.+)\.(json|xml)$/;

/** Routes and answers one APIC REST request; throws `ApicError` for APIC-style failures. */
export function handleApi(ctx: ApiContext, req: ApiRequest): ApiResponse | undefined {
  const q = req.url.indexOf('?');
  const rawPath = q < 0 ? req.url : req.url.slice(0, q);
  const query = q < 0 ? '' : req.url.slice(q + 1);
  const path = decodePath(rawPath);
  const auth = (): Principal =>
    authenticate(
      { method: req.method, pathWithQuery: req.url, body: req.body, cookieHeader: req.cookieHeader, challengeHeader: req.challengeHeader },
      ctx.sessions,
      ctx.tree,
    );

  if (path === '/api/aaaLogin.json' && req.method === 'POST') return login(ctx, req.body, parseRawQuery(query));
  if (path === '/api/aaaRefresh.json' && (req.method === 'GET' || req.method === 'POST')) {
    const p = auth();
    if (!p.session) throw new ApicError(400, '400', 'aaaRefresh needs a login session (APIC-cookie), not a signed request');
    ctx.sessions.refresh(p.session);
    return loginResponse(ctx, p.session);
  }
  if (path === '/api/aaaLogout.json' && req.method === 'POST') {
    const p = auth();
    if (p.session) {
      ctx.hub.dropToken(p.session.token, 'logged out');
      ctx.sessions.end(p.session.token);
    }
    return { status: 200, body: EMPTY };
  }
  if (path === '/api/webtokenSession.json' && req.method === 'GET') {
    // Signed clients get a session token for their websocket (ACC apicapi.go login with cert).
    const p = auth();
    const session = p.session ?? ctx.sessions.create(p.user, false);
    return { status: 200, body: { totalCount: '1', imdata: [{ webtokenSession: { attributes: { token: session.token } } }] } };
  }
  if (path === '/api/subscriptionRefresh.json' && req.method === 'GET') {
    const p = auth();
    const id = parseRawQuery(query).find(([k]) => k === 'id')?.[1];
    if (!id) throw new ApicError(400, '400', "subscriptionRefresh needs the query parameter 'id'");
    if (!ctx.hub.refresh(subscriptionToken(ctx, p, req.cookieHeader), id))
      throw new ApicError(400, '400', `Subscription refresh failed: unknown or expired subscription id ${id}`);
    return { status: 200, body: { imdata: [] } };
  }
  const m = API_RE.exec(path);
  if (!m) return undefined;
  const [, kind, target, format] = m as unknown as [string, 'class' | 'mo', string, 'json' | 'xml'];
  if (format === 'xml') throw new ApicError(400, '400', 'the lab APIC answers .json requests only');
  const principal = auth();
  if (req.method === 'GET') return answerQuery(ctx, principal, req, kind, target, rawPath, query);
  if (kind !== 'mo') throw new ApicError(400, '400', `${req.method} is only valid on /api/mo/<dn>.json`);
  if (req.method !== 'POST' && req.method !== 'DELETE') throw new ApicError(400, '400', `method ${req.method} not supported`);
  if (!canWrite(ctx.tree, principal.user, ctx.lab.user))
    throw new ApicError(400, '400', `user ${principal.user} does not have write privilege for ${target}`);
  writeFaultsFor(ctx.tree).beforeWrite(req.method, target);
  if (req.method === 'DELETE') {
    ctx.tree.delete(ctx.tree.canonicalDn(target));
    return { status: 200, body: EMPTY };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(req.body);
  } catch {
    throw new ApicError(400, '400', "invalid data at line '1'. the body is not valid JSON");
  }
  const opts = parseQueryOptions(parseRawQuery(query));
  const { dn, changes } = applyConfig(ctx.tree, target, payload);
  ctx.logger.debug({ dn, changes: changes.length }, 'lab apic config applied');
  const backups = backupsFor(ctx.tree);
  backups.afterWrite(changes);
  backups.retire(changes);
  if (opts.rspSubtree !== 'modified') return { status: 200, body: EMPTY };
  const imdata = modifiedAnswer(ctx.tree, dn, changes);
  return { status: 200, body: { totalCount: String(imdata.length), imdata } };
}

function answerQuery(
  ctx: ApiContext,
  p: Principal,
  req: ApiRequest,
  kind: 'class' | 'mo',
  target: string,
  rawPath: string,
  query: string,
): ApiResponse {
  const params = parseRawQuery(query);
  const opts = parseQueryOptions(params);
  let scope: QueryScope;
  if (kind === 'mo') scope = { kind: 'mo', dn: ctx.tree.canonicalDn(target) };
  else {
    const rns = splitDn(target);
    const className = rns.pop()!;
    scope = rns.length > 0 ? { kind: 'class', className, under: ctx.tree.canonicalDn(rns.join('/')) } : { kind: 'class', className };
  }
  const result = runQuery(ctx.tree, scope, opts);
  const totalCount = String(result.totalCount);
  if (opts.subscription === undefined) return { status: 200, body: { totalCount, imdata: result.imdata } };
  const token = subscriptionToken(ctx, p, req.cookieHeader);
  if (!token)
    throw new ApicError(400, '400', 'subscription=yes needs a session token (log in, or GET /api/webtokenSession.json when signing)');
  const key = rawPath.replace(/^\/api\/node\//, '/api/') + '?' + canonicalParams(params);
  if (opts.subscription === 'no') {
    ctx.hub.unsubscribe(token, key);
    return { status: 200, body: { totalCount, imdata: result.imdata } };
  }
  const subscriptionId = ctx.hub.subscribe(token, key, scope, opts);
  return { status: 200, body: { totalCount, subscriptionId, imdata: result.imdata } };
}

/** The token a subscription belongs to: the login session, or a signed client's `APIC-WebSocket-Session`. */
function subscriptionToken(ctx: ApiContext, p: Principal, cookieHeader: string | undefined): string | undefined {
  if (p.session) return p.session.token;
  const session = ctx.sessions.lookup(parseCookies(cookieHeader).get('apic-websocket-session'));
  return session?.user === p.user ? session.token : undefined;
}

/** Query parameters that define what a subscription watches, order-independent. */
function canonicalParams(params: ReadonlyArray<readonly [string, string]>): string {
  const ignored = new Set(['subscription', 'refresh-timeout', '_dc', 'page', 'page-size']);
  return params
    .filter(([k]) => !ignored.has(k))
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join('&');
}

function login(ctx: ApiContext, body: string, params: ReturnType<typeof parseRawQuery>): ApiResponse {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ApicError(400, '400', "invalid data at line '1'. the body is not valid JSON");
  }
  const parsed = loginBodySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApicError(
      400,
      '400',
      `invalid login payload at ${issue.path.join('.') || '(root)'}: ${issue.message}; expected {"aaaUser":{"attributes":{"name":"...","pwd":"..."}}}`,
    );
  }
  const { name, pwd } = parsed.data.aaaUser.attributes;
  if (!checkPassword(ctx.tree, name, pwd, ctx.lab)) {
    ctx.logger.info({ user: name }, 'lab apic login failed');
    throw badCredentials();
  }
  const session = ctx.sessions.create(
    name,
    params.some(([k, v]) => k === 'gui-token-request' && v === 'yes'),
  );
  const cookie = `APIC-cookie=${session.token}; path=/; HttpOnly; HttpOnly${ctx.secure ? '; Secure' : ''}`;
  return { ...loginResponse(ctx, session), headers: { 'Set-Cookie': cookie } };
}

/** The aaaLogin answer (WIRE.md A1.1 real sample), also returned by aaaRefresh. */
function loginResponse(ctx: ApiContext, s: Session): ApiResponse {
  const created = String(Math.floor(s.createdAt / 1000));
  const attributes: Record<string, string> = {
    token: s.token,
    siteFingerprint: 'akbLabApicSite01',
    refreshTimeoutSeconds: String(ctx.tokenLifetimeSec),
    maximumLifetimeSeconds: '86400',
    guiIdleTimeoutSeconds: '1200',
    restTimeoutSeconds: '90',
    creationTime: created,
    firstLoginTime: created,
    userName: s.user,
    remoteUser: 'false',
    unixUserId: '15374',
    sessionId: s.token.slice(0, 24),
    lastName: '',
    firstName: '',
    changePassword: 'no',
    version: '6.0(4c)',
    buildTime: 'Mon Jan 01 00:00:00 UTC 2024',
    node: 'topology/pod-1/node-1',
  };
  if (s.challenge !== undefined) attributes['urlToken'] = s.challenge;
  const domain = { aaaUserDomain: { attributes: { name: 'all', rolesR: 'admin', rolesW: 'admin' } } };
  return { status: 200, body: { totalCount: '1', imdata: [{ aaaLogin: { attributes, children: [domain] } }] } };
}

function decodePath(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}
