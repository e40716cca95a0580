import { renderFilter, type Filter } from './filter';

/**
 * Typed APIC queries (WIRE.md A2.1-A2.2) and their rendering to a request path. A query is plain data: the client
 * adds paging and subscription parameters when it sends it.
 */

export type QueryTarget = 'self' | 'children' | 'subtree';
export type RspSubtree = 'no' | 'children' | 'full';

export interface QueryOptions {
  queryTarget?: QueryTarget;
  targetSubtreeClass?: string[];
  /** `query-target-filter`: an AST from filter.ts, or an already-rendered expression. */
  filter?: Filter | string;
  rspSubtree?: RspSubtree;
  rspSubtreeClass?: string[];
  rspSubtreeInclude?: string[];
  rspSubtreeFilter?: Filter | string;
  rspPropInclude?: 'all' | 'config-only' | 'naming-only';
  /** `<class>.<prop>` with an optional `|asc` / `|desc`, e.g. `fvCEp.mac|asc`. */
  orderBy?: string[];
  /**
   * Page size for transparent paging. Plain class queries are paged by default with the client's page size;
   * other queries only when this is set (add `orderBy` so their pages are stable).
   */
  pageSize?: number;
}

export type ApicQuery = ({ kind: 'class'; className: string; node?: string } & QueryOptions) | ({ kind: 'mo'; dn: string } & QueryOptions);

const CLASS_RE = /^[A-Za-z][A-Za-z0-9]*$/;
const NODE_RE = /^topology\/pod-\d+\/node-\d+$/;

function checkClass(name: string, what: string): string {
  if (!CLASS_RE.test(name)) throw new TypeError(`${what} "${name}" is not an APIC class name (letters and digits, e.g. fvTenant)`);
  return name;
}

/** `GET /api/class/<class>.json` */
export function classQuery(className: string, opts: QueryOptions = {}): ApicQuery {
  return { kind: 'class', className: checkClass(className, 'class'), ...opts };
}

/** `GET /api/node/class/topology/pod-P/node-N/<class>.json`: a class query scoped to one switch. */
export function nodeClassQuery(node: string, className: string, opts: QueryOptions = {}): ApicQuery {
  if (!NODE_RE.test(node)) throw new TypeError(`node "${node}" must look like topology/pod-1/node-101`);
  return { kind: 'class', className: checkClass(className, 'class'), node, ...opts };
}

/** `GET /api/mo/<dn>.json` */
export function moQuery(dn: string, opts: QueryOptions = {}): ApicQuery {
  if (dn.length === 0 || dn.startsWith('/') || /[\s?#]/.test(dn)) {
    throw new TypeError(`dn "${dn}" must be a non-empty APIC DN without leading "/", whitespace, "?" or "#"`);
  }
  return { kind: 'mo', dn, ...opts };
}

/**
 * Percent-encodes only what cannot travel raw in a query value (space, `%`, `&`, `#`, `+`, `=`, controls, non-ASCII).
 * APIC's own clients send `(`, `)`, `"`, `,` raw, and ACC notes that encoding them breaks APIC (WIRE.md A2.1); keeping
 * them raw also makes the sent path equal its decoded form, so every certificate-signature convention agrees.
 */
export function encodeQueryValue(value: string): string {
  return value.replace(/[^\x21-\x7e]|[%&#+=]/gu, (ch) => encodeURIComponent(ch));
}

/** The resource path without query string: `/api/class/fvTenant.json`, `/api/mo/uni/tn-a.json`. */
export function resourcePath(q: ApicQuery): string {
  if (q.kind === 'mo') return `/api/mo/${q.dn}.json`;
  return q.node ? `/api/node/class/${q.node}/${q.className}.json` : `/api/class/${q.className}.json`;
}

const renderMaybe = (f: Filter | string): string => (typeof f === 'string' ? f : renderFilter(f));

/** Query parameters in a fixed order (stable paths make signatures and logs reproducible). */
export function queryParams(q: ApicQuery): Array<[string, string]> {
  const p: Array<[string, string]> = [];
  if (q.queryTarget) p.push(['query-target', q.queryTarget]);
  if (q.targetSubtreeClass?.length)
    p.push(['target-subtree-class', q.targetSubtreeClass.map((c) => checkClass(c, 'target-subtree-class')).join(',')]);
  if (q.filter !== undefined) p.push(['query-target-filter', renderMaybe(q.filter)]);
  if (q.rspSubtree) p.push(['rsp-subtree', q.rspSubtree]);
  if (q.rspSubtreeClass?.length) p.push(['rsp-subtree-class', q.rspSubtreeClass.map((c) => checkClass(c, 'rsp-subtree-class')).join(',')]);
  if (q.rspSubtreeFilter !== undefined) p.push(['rsp-subtree-filter', renderMaybe(q.rspSubtreeFilter)]);
  if (q.rspSubtreeInclude?.length) p.push(['rsp-subtree-include', q.rspSubtreeInclude.join(',')]);
  if (q.rspPropInclude) p.push(['rsp-prop-include', q.rspPropInclude]);
  if (q.orderBy?.length) p.push(['order-by', q.orderBy.join(',')]);
  return p;
}

/** Joins a path and parameters into the exact string sent (and signed). */
export function withParams(path: string, params: Array<[string, string]>): string {
  if (params.length === 0) return path;
  return `${path}?${params.map(([k, v]) => `${k}=${encodeQueryValue(v)}`).join('&')}`;
}

/** The full request path of a query, optionally with extra parameters (paging, subscription). */
export function queryPath(q: ApicQuery, extra: Array<[string, string]> = []): string {
  return withParams(resourcePath(q), [...queryParams(q), ...extra]);
}

/**
 * The page order of a query: the caller's, else `<class>.dn` for a plain class query (APIC pages are only stable
 * when ordered). Subtree and MO queries have no single class to order by; they keep whatever order APIC gives.
 */
export function defaultOrderBy(q: ApicQuery): string[] | undefined {
  if (q.orderBy?.length) return q.orderBy;
  return q.kind === 'class' && (q.queryTarget ?? 'self') === 'self' ? [`${q.className}.dn`] : undefined;
}
