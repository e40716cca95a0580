import type { GraphEdge, GraphNode, Problem, Route, TopologyGraph } from './graph';
import { canonicalJson } from './canonical';
import { byId, compareProblems, compareRoutes } from './correlate/builder';

/**
 * The difference between two graphs: what the live websocket sends instead of a whole graph.
 * JSON-serialisable and compact: removals carry keys only, additions and changes carry the new value.
 */
export interface GraphPatch {
  format: 'akb-graph-patch/v1';
  /** Revision of the graph the patch applies to, and of the graph it produces. */
  fromRevision: number;
  revision: number;
  generatedAt: string;
  cluster?: TopologyGraph['cluster'];
  fabric?: TopologyGraph['fabric'];
  nodes: Section<GraphNode, string>;
  edges: Section<GraphEdge, string>;
  /** Routes are keyed by [leaf, prefix]. */
  routes: Section<Route, [leaf: string, prefix: string]>;
  /** Problems are keyed by [code, subject]. */
  problems: Section<Problem, [code: string, subject: string]>;
}

/** Added and changed items carry the whole new value; removed items only their key. */
export interface Section<T, K> {
  added: T[];
  changed: T[];
  removed: K[];
}

const routeKey = (r: Route): [string, string] => [r.leaf, r.prefix];
const problemKey = (p: Problem): [string, string] => [p.code, p.subject];
const flat = (k: string | [string, string]) => (typeof k === 'string' ? k : `${k[0]}\u0000${k[1]}`);

function diffSection<T, K extends string | [string, string]>(a: T[], b: T[], key: (t: T) => K): Section<T, K> {
  const before = new Map(a.map((t) => [flat(key(t)), t]));
  const after = new Set<string>();
  const added: T[] = [];
  const changed: T[] = [];
  for (const t of b) {
    const k = flat(key(t));
    after.add(k);
    const old = before.get(k);
    if (old === undefined) added.push(t);
    else if (canonicalJson(old) !== canonicalJson(t)) changed.push(t);
  }
  const removed = a.filter((t) => !after.has(flat(key(t)))).map(key);
  return { added, changed, removed };
}

/**
 * `items` (in canonical order, as every graph akb produces) with the section applied, still in that order. The
 * orders compare keys only, so each changed key is found by binary search and the result is one copy of the list:
 * on a 2,000-node graph a patch of a few items costs a copy of 300,000 pointers, not a sort of them.
 */
function applySection<T, K extends string | [string, string]>(
  items: T[],
  s: Section<T, K>,
  key: (t: T) => K,
  order: (x: T, y: T) => number,
  probe: (k: K) => T,
): T[] {
  if (s.added.length === 0 && s.changed.length === 0 && s.removed.length === 0) return items;
  /** First index whose item is not before `t`. */
  const lowerBound = (t: T): number => {
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (order(items[mid]!, t) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const upserts = new Map<string, T>();
  for (const t of [...s.added, ...s.changed]) upserts.set(flat(key(t)), t);
  const replace = new Map<number, T>();
  const drop = new Set<number>();
  const inserts: { at: number; item: T }[] = [];
  for (const t of upserts.values()) {
    const at = lowerBound(t);
    if (at < items.length && order(items[at]!, t) === 0) replace.set(at, t);
    else inserts.push({ at, item: t });
  }
  for (const k of s.removed) {
    if (upserts.has(flat(k))) continue;
    const t = probe(k);
    const at = lowerBound(t);
    if (at < items.length && order(items[at]!, t) === 0) drop.add(at);
  }
  inserts.sort((a, b) => a.at - b.at || order(a.item, b.item));
  const out: T[] = [];
  let next = 0;
  for (let i = 0; i <= items.length; i++) {
    while (next < inserts.length && inserts[next]!.at === i) out.push(inserts[next++]!.item);
    if (i === items.length) break;
    if (drop.has(i)) continue;
    out.push(replace.get(i) ?? items[i]!);
  }
  return out;
}

/** What changed from `a` to `b`. */
export function diff(a: TopologyGraph, b: TopologyGraph): GraphPatch {
  const patch: GraphPatch = {
    format: 'akb-graph-patch/v1',
    fromRevision: a.revision,
    revision: b.revision,
    generatedAt: b.generatedAt,
    nodes: diffSection(a.nodes, b.nodes, (n) => n.id),
    edges: diffSection(a.edges, b.edges, (e) => e.id),
    routes: diffSection(a.routes, b.routes, routeKey),
    problems: diffSection(a.problems, b.problems, problemKey),
  };
  if (canonicalJson(a.cluster) !== canonicalJson(b.cluster)) patch.cluster = b.cluster;
  if (canonicalJson(a.fabric) !== canonicalJson(b.fabric)) patch.fabric = b.fabric;
  return patch;
}

/** `a` (canonical) with `patch` applied, in canonical order: `applyPatch(a, diff(a, b))` deep-equals `b` for canonical `a` and `b`. */
export function applyPatch(a: TopologyGraph, patch: GraphPatch): TopologyGraph {
  return {
    format: a.format,
    revision: patch.revision,
    generatedAt: patch.generatedAt,
    cluster: patch.cluster ?? a.cluster,
    fabric: patch.fabric ?? a.fabric,
    nodes: applySection(
      a.nodes,
      patch.nodes,
      (n) => n.id,
      byId,
      (id) => ({ id }) as GraphNode,
    ),
    edges: applySection(
      a.edges,
      patch.edges,
      (e) => e.id,
      byId,
      (id) => ({ id }) as GraphEdge,
    ),
    routes: applySection(a.routes, patch.routes, routeKey, compareRoutes, ([leaf, prefix]) => ({ leaf, prefix }) as Route),
    problems: applySection(a.problems, patch.problems, problemKey, compareProblems, ([code, subject]) => ({ code, subject }) as Problem),
  };
}

/** True when the patch changes nothing but the revision. */
export function isEmptyPatch(p: GraphPatch): boolean {
  return (
    !p.cluster &&
    !p.fabric &&
    [p.nodes, p.edges, p.routes, p.problems].every((s) => s.added.length === 0 && s.changed.length === 0 && s.removed.length === 0)
  );
}

/** Sorts a graph's lists into the canonical order the correlator produces. */
export function canonicalOrder(g: TopologyGraph): TopologyGraph {
  return {
    ...g,
    nodes: [...g.nodes].sort(byId),
    edges: [...g.edges].sort(byId),
    routes: [...g.routes].sort(compareRoutes),
    problems: [...g.problems].sort(compareProblems),
  };
}
