import type { MoAttributes, WireMo } from '../../aci/mo';
import { isAtOrBelow, rnOf } from '../../aci/models/dn';
import { isKnownClass, propsOf, unknownClass, WRITE_ONLY_ATTRS } from './classes';
import { compareValues, evalFilter } from './filter';
import type { QueryOptions } from './query-options';
import type { ApicTree, MoRecord } from './tree';
import { compareStrings } from '../../shared/compare';

/** What a query URL names: every object of a class (optionally below a DN, for node-scoped queries), or one DN. */
export type QueryScope = { kind: 'class'; className: string; under?: string } | { kind: 'mo'; dn: string };

export interface QueryResult {
  totalCount: number;
  imdata: WireMo[];
}

/** Evaluates a query against the tree exactly as the APIC option set describes (WIRE.md A2.2). */
export function runQuery(tree: ApicTree, scope: QueryScope, opts: QueryOptions): QueryResult {
  let targets = selectTargets(tree, scope, opts);
  if (opts.include.has('count')) {
    return {
      totalCount: 1,
      imdata: [{ moCount: { attributes: { childAction: '', count: String(targets.length), dn: 'cnt', status: '' } } }],
    };
  }
  if (opts.orderBy.length > 0) targets = orderTargets(targets, opts);
  const withSubtree = opts.rspSubtree === 'children' || opts.rspSubtree === 'full';
  const rendered: MoRecord[] = [];
  const render = (mo: MoRecord, collect: MoRecord[]): WireMo[] =>
    withSubtree ? renderChildren(tree, mo, opts, opts.rspSubtree === 'full', collect) : [];

  if (opts.include.has('required') && withSubtree) {
    // Only parents whose selected subtree is non-empty count, so totalCount and paging see the reduced set.
    targets = targets.filter((mo) => render(mo, []).length > 0);
  }
  const totalCount = targets.length;
  const page = opts.pageSize !== undefined ? targets.slice(opts.page * opts.pageSize, (opts.page + 1) * opts.pageSize) : targets;
  const imdata: WireMo[] = [];
  for (const mo of page) {
    rendered.push(mo);
    imdata.push(toWire(mo, true, render(mo, rendered), opts.props));
  }
  if (opts.include.has('relations')) imdata.push(...relatedObjects(tree, rendered, opts));
  return { totalCount, imdata };
}

/** The objects a query targets, before ordering and paging. */
export function selectTargets(tree: ApicTree, scope: QueryScope, opts: QueryOptions): MoRecord[] {
  let base: readonly MoRecord[];
  if (scope.kind === 'class') {
    if (!isKnownClass(scope.className) && tree.byClass(scope.className).length === 0) throw unknownClass(scope.className);
    base = tree.byClass(scope.className);
    if (scope.under !== undefined) base = base.filter((mo) => mo.dn.startsWith(scope.under + '/'));
  } else {
    const mo = tree.get(scope.dn);
    base = mo ? [mo] : [];
  }
  let targets: MoRecord[];
  if (opts.target === 'self') {
    targets = [...base];
  } else {
    // For a DN the lab holds no object for (an implicit container), children/subtree still reach what lies below it.
    const roots = scope.kind === 'mo' ? [scope.dn] : base.map((mo) => mo.dn);
    const seen = new Set<string>();
    targets = [];
    for (const root of roots) {
      const self = tree.get(root);
      const found = opts.target === 'children' ? tree.children(root) : [...(self ? [self] : []), ...tree.descendants(root)];
      for (const mo of found) {
        if (seen.has(mo.dn)) continue;
        seen.add(mo.dn);
        targets.push(mo);
      }
    }
    if (opts.targetClasses) targets = targets.filter((mo) => opts.targetClasses!.has(mo.className));
  }
  if (opts.targetFilter) targets = targets.filter((mo) => evalFilter(opts.targetFilter!, mo));
  return targets;
}

/** Whether one object (as created/modified/deleted) is something the query targets — for subscriptions. */
export function queryTargets(tree: ApicTree, scope: QueryScope, opts: QueryOptions, mo: MoRecord): boolean {
  if (opts.targetFilter && !evalFilter(opts.targetFilter, mo)) return false;
  if (opts.target !== 'self' && opts.targetClasses && !opts.targetClasses.has(mo.className)) return false;
  if (scope.kind === 'mo') {
    if (opts.target === 'self') return mo.dn === scope.dn;
    if (opts.target === 'children') return mo.dn.startsWith(scope.dn + '/') && rnOf(mo.dn) === mo.dn.slice(scope.dn.length + 1);
    return isAtOrBelow(mo.dn, scope.dn);
  }
  if (scope.under !== undefined && !mo.dn.startsWith(scope.under + '/')) return false;
  if (opts.target === 'self') return mo.className === scope.className;
  // children/subtree of a class: the object must lie (directly, for children) below an object of that class.
  const ancestors = tree
    .byClass(scope.className)
    .filter((a) => mo.dn.startsWith(a.dn + '/') || (opts.target === 'subtree' && a.dn === mo.dn));
  if (opts.target === 'subtree') return ancestors.length > 0;
  return ancestors.some((a) => rnOf(mo.dn) === mo.dn.slice(a.dn.length + 1));
}

function orderTargets(targets: MoRecord[], opts: QueryOptions): MoRecord[] {
  // DNs order as strings (their RNs mix names and numbers); other properties by the type their values suggest.
  const compare = (prop: string) => (prop === 'dn' ? compareStrings : compareValues);
  const value = (mo: MoRecord, prop: string): string => (prop === 'dn' ? mo.dn : (mo.attrs[prop] ?? ''));
  const keys = opts.orderBy.map((k) => ({ ...k, compare: compare(k.prop) }));
  // The class index is already sorted by DN: paging a large class by DN (what clients do) needs no sort at all.
  if (keys.length === 1 && keys[0]!.prop === 'dn' && !keys[0]!.desc && isSortedByDn(targets)) return targets;
  return [...targets].sort((a, b) => {
    for (const key of keys) {
      const c = key.compare(value(a, key.prop), value(b, key.prop));
      if (c !== 0) return key.desc ? -c : c;
    }
    return 0;
  });
}

function isSortedByDn(targets: readonly MoRecord[]): boolean {
  for (let i = 1; i < targets.length; i++) if (targets[i - 1]!.dn > targets[i]!.dn) return false;
  return true;
}

/**
 * Children for `rsp-subtree=children|full`. `rsp-subtree-class` and `rsp-subtree-filter` select objects; in full mode
 * the containers on the way to a selected object are kept so the nesting stays intact.
 */
function renderChildren(tree: ApicTree, mo: MoRecord, opts: QueryOptions, full: boolean, rendered: MoRecord[]): WireMo[] {
  const out: WireMo[] = [];
  for (const child of tree.children(mo.dn)) {
    const selected =
      (!opts.rspClasses || opts.rspClasses.has(child.className)) &&
      (!opts.rspFilter || evalFilter(opts.rspFilter, child, { strictClass: true }));
    const below = full ? renderChildren(tree, child, opts, true, rendered) : [];
    if (selected || below.length > 0) {
      rendered.push(child);
      out.push(toWire(child, false, below, opts.props));
    }
  }
  return out;
}

/**
 * `rsp-subtree-include=relations`: objects related to what was returned — the targets of its relation MOs (`tDn`)
 * and the parents of relation MOs pointing at it — restricted to `rsp-subtree-class` when given.
 */
function relatedObjects(tree: ApicTree, rendered: readonly MoRecord[], opts: QueryOptions): WireMo[] {
  const seen = new Set(rendered.map((mo) => mo.dn));
  const out: WireMo[] = [];
  const add = (mo: MoRecord | undefined): void => {
    if (!mo || seen.has(mo.dn) || (opts.rspClasses && !opts.rspClasses.has(mo.className))) return;
    seen.add(mo.dn);
    out.push(toWire(mo, true, [], opts.props));
  };
  for (const mo of rendered) {
    const target = mo.attrs['tDn'];
    if (target) add(tree.get(target));
    for (const relation of tree.relationsPointingAt(mo.dn)) {
      const parent = relation.dn.slice(0, relation.dn.length - rnOf(relation.dn).length - 1);
      add(tree.get(parent));
    }
  }
  return out;
}

/**
 * The wire form of a stored object, as a real APIC renders it: attributes sorted by name, all strings, `status`
 * empty, `dn` on top-level objects and `rn` on nested children, write-only secrets (passwords) never returned;
 * with `rsp-prop-include=config-only|naming-only` only those properties.
 */
export function toWire(mo: MoRecord, topLevel: boolean, children: WireMo[], props: QueryOptions['props'] = 'all'): WireMo {
  const attributes: MoAttributes = {};
  const all: Record<string, string> = { ...mo.attrs, status: '' };
  if (topLevel) all['dn'] = mo.dn;
  else all['rn'] = rnOf(mo.dn);
  const keep = props === 'all' ? undefined : props === 'config-only' ? propsOf(mo.className).config : propsOf(mo.className).naming;
  for (const key of Object.keys(all).sort()) {
    if (WRITE_ONLY_ATTRS.has(key)) continue;
    if (keep && !keep.has(key) && key !== 'dn' && key !== 'rn' && key !== 'status') continue;
    attributes[key] = all[key]!;
  }
  return children.length > 0 ? { [mo.className]: { attributes, children } } : { [mo.className]: { attributes } };
}
