/**
 * Churn: changes of the installed next-hop set per (leaf, service prefix) between two graphs, with the
 * likely cause and the rehash estimate of REHASH_MODEL.
 */
import type { Bundle } from '../bundle-types';
import type { TopologyGraph } from '../graph';
import { readEcmpInputs } from './inputs';
import { sessionsOf } from './peering';
import { readyEndpointNodes } from './expected';
import { orderNextHops, rehashShare, REHASH_MODEL } from './rehash';

export interface PathSet {
  leaf: string;
  prefix: string;
  services: string[];
  /** Next-hop addresses in the model's hash order. */
  hops: string[];
  /** Address → `node:<name>` for next hops that are nodes. */
  nodes: Record<string, string>;
  /** Address → `leaf:<id>` for next hops that are fabric TEPs (the prefix is learned through another leaf). */
  fabric: Record<string, string>;
}

/** What changed around a next hop, as far as the two snapshots tell. */
export type ChurnCause =
  | { kind: 'endpoint-added' | 'endpoint-removed'; node: string; service: string }
  | { kind: 'node-down' | 'node-up'; node: string }
  | { kind: 'session-state-change'; node: string; from: string | null; to: string | null }
  /** The leaf reaches the prefix through another leaf's TEP: it has no direct path from a node. */
  | { kind: 'via-fabric'; hop: string; via: string }
  | { kind: 'unknown'; hop: string };

export interface ChurnEvent {
  at: string;
  leaf: string;
  prefix: string;
  services: string[];
  before: string[];
  after: string[];
  added: string[];
  removed: string[];
  causes: ChurnCause[];
  /** Share (0..1) of existing flows that land on another next hop, under `model`. */
  movedShare: number;
  model: string;
}

/** The facts causes are inferred from. */
export interface ChurnSignals {
  /** `node|leaf` → session state. */
  sessions: Map<string, string>;
  nodeReady: Map<string, boolean>;
  /** Service id → nodes with a ready endpoint. */
  ready: Map<string, Set<string>>;
}

export function churnSignals(bundle: Bundle, graph: TopologyGraph): ChurnSignals {
  const inputs = readEcmpInputs(bundle);
  return {
    sessions: new Map([...sessionsOf(graph)].map(([k, s]) => [k, s.state])),
    nodeReady: new Map(inputs.nodes.map((n) => [`node:${n.name}`, n.ready])),
    ready: readyEndpointNodes(inputs),
  };
}

/** The path sets worth tracking: routes that carry a service's address. */
export function pathSets(graph: TopologyGraph): Map<string, PathSet> {
  const out = new Map<string, PathSet>();
  for (const r of graph.routes) {
    if (r.services.length === 0) continue;
    const nodes: Record<string, string> = {};
    const fabric: Record<string, string> = {};
    for (const h of r.nextHops) {
      if (h.node) nodes[h.ip] = h.node;
      else if (h.fabricNode) fabric[h.ip] = h.fabricNode;
    }
    out.set(`${r.leaf}|${r.prefix}`, {
      leaf: r.leaf,
      prefix: r.prefix,
      services: [...r.services],
      hops: orderNextHops(r.nextHops.map((h) => h.ip)),
      nodes,
      fabric,
    });
  }
  return out;
}

function causesFor(
  hop: string,
  node: string | undefined,
  via: string | undefined,
  leaf: string,
  services: string[],
  added: boolean,
  prev: ChurnSignals,
  cur: ChurnSignals,
): ChurnCause[] {
  if (!node) return [via ? { kind: 'via-fabric', hop, via } : { kind: 'unknown', hop }];
  const out: ChurnCause[] = [];
  const before = prev.sessions.get(`${node}|${leaf}`) ?? null;
  const after = cur.sessions.get(`${node}|${leaf}`) ?? null;
  if (before !== after) out.push({ kind: 'session-state-change', node, from: before, to: after });
  const wasReady = prev.nodeReady.get(node);
  const isReady = cur.nodeReady.get(node);
  if (wasReady !== isReady && (wasReady !== undefined || isReady !== undefined))
    out.push({ kind: isReady ? 'node-up' : 'node-down', node });
  for (const s of services) {
    const had = prev.ready.get(s)?.has(node) ?? false;
    const has = cur.ready.get(s)?.has(node) ?? false;
    if (had !== has && has === added) out.push({ kind: has ? 'endpoint-added' : 'endpoint-removed', node, service: s });
  }
  return out.length > 0 ? out : [{ kind: 'unknown', hop: node }];
}

/** One event per (leaf, prefix) whose next-hop set changed, including appearing and disappearing routes. */
export function diffPathSets(
  prev: Map<string, PathSet>,
  cur: Map<string, PathSet>,
  prevSig: ChurnSignals,
  curSig: ChurnSignals,
  at: string,
): ChurnEvent[] {
  const events: ChurnEvent[] = [];
  for (const key of [...new Set([...prev.keys(), ...cur.keys()])].sort()) {
    const a = prev.get(key);
    const b = cur.get(key);
    const before = a?.hops ?? [];
    const after = b?.hops ?? [];
    if (before.length === after.length && before.every((h, i) => h === after[i])) continue;
    const ref = (b ?? a)!;
    const services = [...new Set([...(a?.services ?? []), ...(b?.services ?? [])])].sort();
    const added = after.filter((h) => !before.includes(h));
    const removed = before.filter((h) => !after.includes(h));
    const nodeOf = (h: string) => b?.nodes[h] ?? a?.nodes[h];
    const viaOf = (h: string) => b?.fabric[h] ?? a?.fabric[h];
    const causes = [
      ...added.flatMap((h) => causesFor(h, nodeOf(h), viaOf(h), ref.leaf, services, true, prevSig, curSig)),
      ...removed.flatMap((h) => causesFor(h, nodeOf(h), viaOf(h), ref.leaf, services, false, prevSig, curSig)),
    ];
    events.push({
      at,
      leaf: ref.leaf,
      prefix: ref.prefix,
      services,
      before,
      after,
      added,
      removed,
      causes,
      movedShare: rehashShare(before, after),
      model: REHASH_MODEL,
    });
  }
  return events;
}
