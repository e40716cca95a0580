/**
 * Bounded history of ECMP path sets and BGP session states, fed with every graph the live service
 * publishes. The analysis itself is pure (lib/topology/ecmp); this keeps the only state: what the
 * previous snapshot looked like and what changed since, capped so a flapping fabric cannot grow memory.
 */
import type { Bundle } from '../../topology/bundle-types';
import type { TopologyGraph } from '../../topology/graph';
import { churnSignals, diffPathSets, pathSets, type ChurnEvent, type ChurnSignals, type PathSet } from '../../topology/ecmp';
import type { SessionTransition } from '../shared/analysis-api';
import { compareStrings } from '../../shared/compare';

export interface EcmpHistoryOptions {
  /** Churn events kept per (leaf, prefix); default 50. */
  maxEventsPerKey?: number;
  /** (leaf, prefix) keys kept; the least recently changed go first. Default 5,000. */
  maxKeys?: number;
  /** Transitions kept per (node, leaf) session; default 100. */
  maxTransitionsPerSession?: number;
}

export interface ChurnQuery {
  prefix?: string;
  leaf?: string;
  service?: string;
  /** ISO time; events at or after it. */
  since?: string;
  /** Newest events kept when more match; default all. */
  limit?: number;
}

export class EcmpHistory {
  private previous: { sets: Map<string, PathSet>; signals: ChurnSignals } | null = null;
  /** `leaf|prefix` → events, oldest first. Map order doubles as LRU order (re-inserted on change). */
  private readonly churn = new Map<string, ChurnEvent[]>();
  private readonly transitions = new Map<string, SessionTransition[]>();
  private readonly opts: Required<EcmpHistoryOptions>;

  constructor(opts: EcmpHistoryOptions = {}) {
    this.opts = {
      maxEventsPerKey: opts.maxEventsPerKey ?? 50,
      maxKeys: opts.maxKeys ?? 5000,
      maxTransitionsPerSession: opts.maxTransitionsPerSession ?? 100,
    };
  }

  /**
   * Records one published snapshot; returns the churn events it caused. The first snapshot with any
   * service route or session is the baseline: what exists when akb starts (or once the APIC has first
   * been read, when the cluster syncs first) is not a "change".
   */
  record(graph: TopologyGraph, bundle: Bundle, at: Date = new Date()): ChurnEvent[] {
    const delta = this.observe(graph, bundle, at);
    this.absorb(delta);
    return delta.events;
  }

  /**
   * What one snapshot changed against the previous one (which it then replaces), without recording it: the
   * analysis worker observes, and the service's history absorbs what it posts back.
   */
  observe(graph: TopologyGraph, bundle: Bundle, at: Date = new Date()): HistoryDelta {
    const stamp = at.toISOString();
    const sets = pathSets(graph);
    const signals = churnSignals(bundle, graph);
    const prev = this.previous;
    this.previous = { sets, signals };
    if (!prev || (prev.sets.size === 0 && prev.signals.sessions.size === 0)) return { events: [], transitions: [] };
    return {
      events: diffPathSets(prev.sets, sets, prev.signals, signals, stamp),
      transitions: sessionChanges(prev.signals.sessions, signals.sessions, stamp),
    };
  }

  /** Records what `observe` found (here or in another thread). */
  absorb(delta: HistoryDelta): void {
    for (const t of delta.transitions)
      this.push(this.transitions, `${t.node}|${t.leaf}`, t, this.opts.maxTransitionsPerSession, this.opts.maxKeys);
    for (const e of delta.events) this.push(this.churn, `${e.leaf}|${e.prefix}`, e, this.opts.maxEventsPerKey, this.opts.maxKeys);
  }

  /** Churn events matching the query, oldest first. */
  events(q: ChurnQuery = {}): ChurnEvent[] {
    const out: ChurnEvent[] = [];
    for (const list of this.churn.values()) {
      for (const e of list) {
        if (q.prefix !== undefined && e.prefix !== q.prefix) continue;
        if (q.leaf !== undefined && e.leaf !== q.leaf) continue;
        if (q.service !== undefined && !e.services.includes(q.service)) continue;
        if (q.since !== undefined && e.at < q.since) continue;
        out.push(e);
      }
    }
    out.sort((a, b) => compareStrings(a.at, b.at) || compareStrings(a.leaf, b.leaf));
    return q.limit !== undefined && out.length > q.limit ? out.slice(out.length - q.limit) : out;
  }

  /** The next-hop sets a (leaf, prefix) has had, with when and why each began. */
  pathHistory(leaf: string, prefix: string): { at: string; hops: string[]; causes: ChurnEvent['causes'] }[] {
    return (this.churn.get(`${leaf}|${prefix}`) ?? []).map((e) => ({ at: e.at, hops: e.after, causes: e.causes }));
  }

  /** Session state changes, oldest first, optionally since an ISO time. */
  sessionTransitions(since?: string): SessionTransition[] {
    const out = [...this.transitions.values()].flat().filter((t) => since === undefined || t.at >= since);
    return out.sort((a, b) => compareStrings(a.at, b.at));
  }

  /** Flaps per `node|leaf` since `since`: times an established session stopped being established. */
  flapCounts(since: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const [key, list] of this.transitions) {
      const n = list.filter((t) => t.at >= since && t.from === 'established').length;
      if (n > 0) out.set(key, n);
    }
    return out;
  }

  private push<T>(map: Map<string, T[]>, key: string, item: T, perKey: number, maxKeys: number): void {
    const list = map.get(key) ?? [];
    map.delete(key);
    list.push(item);
    if (list.length > perKey) list.splice(0, list.length - perKey);
    map.set(key, list);
    while (map.size > maxKeys) map.delete(map.keys().next().value!);
  }
}

/** One snapshot's churn events and session state changes. */
export interface HistoryDelta {
  events: ChurnEvent[];
  transitions: SessionTransition[];
}

function sessionChanges(before: Map<string, string>, after: Map<string, string>, at: string): SessionTransition[] {
  const out: SessionTransition[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const from = before.get(key) ?? null;
    const to = after.get(key) ?? null;
    if (from === to) continue;
    const [node, leaf] = key.split('|') as [string, string];
    out.push({ at, node, leaf, from, to });
  }
  return out;
}
