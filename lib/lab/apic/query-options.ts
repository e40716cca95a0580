import { z } from 'zod';
import { ApicError } from './errors';
import { parseFilter, type Filter } from './filter';

/** Parsed APIC query options (WIRE.md A2.2). Unknown parameters (e.g. the GUI's `_dc`) are ignored. */
export interface QueryOptions {
  target: 'self' | 'children' | 'subtree';
  targetClasses?: ReadonlySet<string>;
  targetFilter?: Filter;
  rspSubtree: 'no' | 'children' | 'full' | 'modified';
  rspClasses?: ReadonlySet<string>;
  rspFilter?: Filter;
  /** `rsp-prop-include`: every property, only configurable ones, or only the naming ones (and `dn`/`rn`, `status`). */
  props: 'all' | 'config-only' | 'naming-only';
  include: ReadonlySet<string>;
  orderBy: readonly OrderKey[];
  page: number;
  pageSize?: number;
  subscription?: 'yes' | 'no';
  refreshTimeoutSec?: number;
}

export interface OrderKey {
  className: string;
  prop: string;
  desc: boolean;
}

/** One query string parameter list, in order, percent-decoded (but `+` kept: ACC sends filters unencoded). */
export type RawParams = ReadonlyArray<readonly [string, string]>;

export function parseRawQuery(query: string): RawParams {
  const out: Array<[string, string]> = [];
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    out.push([safeDecode(key), safeDecode(value)]);
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const INCLUDE_VALUES = [
  'faults',
  'health',
  'fault-count',
  'count',
  'required',
  'relations',
  'no-scoped',
  'subtree',
  'audit-logs',
  'event-logs',
  'fault-records',
  'stats',
  'health-records',
  'port-deployment',
  'relations-with-parent',
] as const;

const scalarSchema = z.object({
  'query-target': z.enum(['self', 'children', 'subtree']).default('self'),
  'rsp-subtree': z.enum(['no', 'children', 'full', 'modified']).default('no'),
  'rsp-prop-include': z.enum(['all', 'config-only', 'naming-only']).default('all'),
  page: z.string().regex(/^\d+$/, 'must be a non-negative integer').transform(Number).default(0),
  'page-size': z
    .string()
    .regex(/^[1-9]\d*$/, 'must be a positive integer')
    .transform(Number)
    .optional(),
  subscription: z.enum(['yes', 'no']).optional(),
  'refresh-timeout': z
    .string()
    .regex(/^[1-9]\d*$/, 'must be a positive number of seconds')
    .transform(Number)
    .optional(),
});

export function parseQueryOptions(params: RawParams): QueryOptions {
  const first = (k: string): string | undefined => params.find(([key]) => key === k)?.[1];
  const list = (k: string): Set<string> | undefined => {
    const values = params.filter(([key]) => key === k).flatMap(([, v]) => v.split(','));
    const set = new Set(values.map((v) => v.trim()).filter((v) => v !== ''));
    return set.size > 0 ? set : undefined;
  };
  const scalars = scalarSchema.safeParse({
    'query-target': first('query-target'),
    'rsp-subtree': first('rsp-subtree'),
    'rsp-prop-include': first('rsp-prop-include'),
    page: first('page'),
    'page-size': first('page-size'),
    subscription: first('subscription'),
    'refresh-timeout': first('refresh-timeout'),
  });
  if (!scalars.success) {
    const issue = scalars.error.issues[0]!;
    throw new ApicError(400, '400', `Invalid value for query option '${String(issue.path[0])}': ${issue.message}`);
  }
  const include = list('rsp-subtree-include') ?? new Set<string>();
  for (const v of include) {
    if (!(INCLUDE_VALUES as readonly string[]).includes(v))
      throw new ApicError(400, '400', `Invalid value for query option 'rsp-subtree-include': '${v}' (valid: ${INCLUDE_VALUES.join(', ')})`);
  }
  const s = scalars.data;
  const targetFilter = first('query-target-filter');
  const rspFilter = first('rsp-subtree-filter');
  return {
    target: s['query-target'],
    targetClasses: list('target-subtree-class'),
    targetFilter: targetFilter ? parseFilter(targetFilter) : undefined,
    rspSubtree: s['rsp-subtree'],
    rspClasses: list('rsp-subtree-class'),
    rspFilter: rspFilter ? parseFilter(rspFilter) : undefined,
    props: s['rsp-prop-include'],
    include,
    orderBy: parseOrderBy(first('order-by')),
    page: s.page,
    pageSize: s['page-size'],
    subscription: s.subscription,
    refreshTimeoutSec: s['refresh-timeout'],
  };
}

/** `order-by=fvCEp.ip|desc,fvCEp.mac` → keys; the direction defaults to ascending. */
function parseOrderBy(v: string | undefined): OrderKey[] {
  if (!v) return [];
  return v
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((item) => {
      const m = /^\s*([A-Za-z][A-Za-z0-9]*)\.([A-Za-z][A-Za-z0-9]*)(?:\|(asc|desc))?\s*$/.exec(item);
      if (!m)
        throw new ApicError(400, '400', `Invalid value for query option 'order-by': '${item}' (expected <class>.<property>[|asc|desc])`);
      return { className: m[1]!, prop: m[2]!, desc: m[3] === 'desc' };
    });
}
