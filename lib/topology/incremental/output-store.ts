/**
 * The output side of the incremental graph: what each unit of work contributes to the graph's nodes, edges, routes
 * and problems, the value each item resolves to, and which items changed since the last publish.
 *
 * Most items have one contributor (a pod, its unit). Some have several (a hypervisor seen by each of its VMs, a
 * problem merging details from many units): they resolve exactly as the batch correlator does (the canonically
 * first candidate; merged, sorted details), so the two can never disagree on how to combine.
 */
import { mergedMessage, preferredOf } from '../canonical';
import type { GraphEdge, GraphNode, Problem, Route, Severity } from '../graph';
import { byId, compareProblems, compareRoutes } from '../correlate/builder';
import { sameJson } from './same-json';

export type UnitKey = string;

/** One problem contribution of a unit: correlator details merge as details, ECMP findings as findings. */
export interface ProblemPart {
  severity: Severity;
  code: string;
  subject: string;
  messages: string[];
  findings: boolean;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Items with one contributor keep it inline; a second contributor turns the slot into a map. */
interface Slot<T> {
  unit: UnitKey | null;
  value: T | undefined;
  many: Map<UnitKey, T> | null;
  resolved: T | undefined;
  stale: boolean;
}

class Section<T> {
  readonly slots = new Map<string, Slot<T>>();
  /** Key → the resolved value at the last publish (undefined: it did not exist then), for keys touched since. */
  readonly touched = new Map<string, T | undefined>();

  constructor(private readonly resolve: (values: T[]) => T) {}

  set(key: string, unit: UnitKey, value: T): void {
    const slot = this.slots.get(key);
    if (!slot) {
      this.touch(key, undefined);
      this.slots.set(key, { unit, value, many: null, resolved: value, stale: false });
      return;
    }
    this.touch(key, slot.resolved);
    if (slot.many) slot.many.set(unit, value);
    else if (slot.unit === unit) slot.value = value;
    else {
      slot.many = new Map([[slot.unit!, slot.value!]]);
      slot.many.set(unit, value);
      slot.unit = null;
      slot.value = undefined;
    }
    slot.stale = true;
  }

  delete(key: string, unit: UnitKey): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    this.touch(key, slot.resolved);
    if (!slot.many) {
      if (slot.unit === unit) this.slots.delete(key);
      return;
    }
    slot.many.delete(unit);
    if (slot.many.size === 0) this.slots.delete(key);
    else if (slot.many.size === 1) {
      const [u, v] = slot.many.entries().next().value!;
      slot.unit = u;
      slot.value = v;
      slot.many = null;
    }
    slot.stale = true;
  }

  /** The current value of `key` (resolving it if its contributions changed), or undefined. */
  current(key: string): T | undefined {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    if (slot.stale) {
      slot.resolved = slot.many ? this.resolve([...slot.many.values()]) : slot.value;
      slot.stale = false;
    }
    return slot.resolved;
  }

  private touch(key: string, before: T | undefined): void {
    if (!this.touched.has(key)) this.touched.set(key, before);
  }
}

export interface SectionChanges<T> {
  added: T[];
  changed: T[];
  /** Keys of removed items. */
  removed: string[];
}

export interface OutputChanges {
  nodes: SectionChanges<GraphNode>;
  edges: SectionChanges<GraphEdge>;
  routes: SectionChanges<Route>;
  problems: SectionChanges<Problem>;
}

function resolveProblem(parts: ProblemPart[]): ProblemPart {
  const severity = parts.map((p) => p.severity).sort((a, b) => SEVERITY_RANK[a] - SEVERITY_RANK[b])[0]!;
  return { ...parts[0]!, severity, messages: parts.flatMap((p) => p.messages) };
}

function problemOf(part: ProblemPart): Problem {
  const { severity, code, subject, messages } = part;
  let message: string;
  if (part.findings) message = messages.length === 1 ? messages[0]! : mergedMessage(messages, true);
  else message = mergedMessage(messages);
  return { severity, code, subject, message };
}

export const routeKey = (leaf: string, prefix: string) => `${leaf}\u0000${prefix}`;
export const problemKey = (code: string, subject: string) => `${code}\u0000${subject}`;

/** The graph items contributed by all units, with the changes since the last publish. */
export class OutputStore {
  readonly nodes = new Section<GraphNode>((vs) => vs.reduce(preferredOf));
  readonly edges = new Section<GraphEdge>((vs) => vs.reduce(preferredOf));
  /** Routes have one contributor each (their unit); the reducer never runs for well-formed units. */
  readonly routes = new Section<Route>((vs) => vs.reduce(preferredOf));
  readonly problems = new Section<ProblemPart>(resolveProblem);

  get pending(): number {
    return this.nodes.touched.size + this.edges.touched.size + this.routes.touched.size + this.problems.touched.size;
  }

  /** What changed since the last call, as added / changed / removed items; resets the change tracking. */
  takeChanges(): OutputChanges {
    const take = <T, O>(s: Section<T>, out: (v: T) => O, equal: (a: T, b: T) => boolean): SectionChanges<O> => {
      const added: O[] = [];
      const changed: O[] = [];
      const removed: string[] = [];
      for (const [key, before] of s.touched) {
        const now = s.current(key);
        if (now === undefined) {
          if (before !== undefined) removed.push(key);
        } else if (before === undefined) added.push(out(now));
        else if (now !== before && !equal(before, now)) changed.push(out(now));
      }
      s.touched.clear();
      return { added, changed, removed };
    };
    const id = <T>(v: T) => v;
    return {
      nodes: take(this.nodes, id, sameJson),
      edges: take(this.edges, id, sameJson),
      routes: take(this.routes, id, sameJson),
      problems: take(this.problems, problemOf, (a, b) => sameJson(problemOf(a), problemOf(b))),
    };
  }

  /** Every current item in canonical order (as `correlate` returns them). */
  lists(): { nodes: GraphNode[]; edges: GraphEdge[]; routes: Route[]; problems: Problem[] } {
    const all = <T>(s: Section<T>) => [...s.slots.keys()].map((k) => s.current(k)!);
    return {
      nodes: all(this.nodes).sort(byId),
      edges: all(this.edges).sort(byId),
      routes: all(this.routes).sort(compareRoutes),
      problems: all(this.problems).map(problemOf).sort(compareProblems),
    };
  }
}
