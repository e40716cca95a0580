/**
 * What one unit of work produced in one run: the graph items it contributes and the facts it read. Committing it
 * replaces the unit's previous contribution item by item, so an unchanged item is never touched (and never sent).
 */
import type { GraphSink } from '../correlate/builder';
import type { GraphEdge, GraphNode, Route, Severity } from '../graph';
import { problemKey, routeKey, type OutputStore, type ProblemPart, type UnitKey } from './output-store';
import { preferredOf } from '../canonical';
import { sameJson } from './same-json';

export class UnitSink implements GraphSink {
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];
  readonly routes: Route[] = [];
  readonly problems = new Map<string, ProblemPart>();
  /** Facts read (see DependencyIndex). */
  readonly facts: string[] = [];

  addNode(node: GraphNode): void {
    this.nodes.push(node);
  }

  addEdge(edge: GraphEdge): void {
    this.edges.push(edge);
  }

  addRoute(route: Route): void {
    this.routes.push(route);
  }

  problem(severity: Severity, code: string, subject: string, message: string): void {
    this.part(severity, code, subject, message, false);
  }

  /** An ECMP finding: merged with the others of its (code, subject) as `findingsAsProblems` does. */
  finding(severity: Severity, code: string, subject: string, message: string): void {
    this.part(severity, code, subject, message, true);
  }

  read(fact: string): void {
    this.facts.push(fact);
  }

  private part(severity: Severity, code: string, subject: string, message: string, findings: boolean): void {
    const key = problemKey(code, subject);
    const had = this.problems.get(key);
    if (had) {
      had.messages.push(message);
      if (severity === 'error' || (severity === 'warning' && had.severity === 'info')) had.severity = severity;
    } else this.problems.set(key, { severity, code, subject, messages: [message], findings });
  }
}

/** What a unit contributed last time, kept to diff the next run against (absent sections: nothing). */
export interface UnitRecord {
  nodes?: GraphNode[];
  edges?: GraphEdge[];
  routes?: Route[];
  problems?: ProblemPart[];
}

interface SectionWriter<T> {
  set(key: string, unit: UnitKey, v: T): void;
  delete(key: string, unit: UnitKey): void;
}

/** Items by key; one unit naming an id twice keeps the canonically first, as the batch builder does. */
function dedupe<T>(items: readonly T[], key: (t: T) => string): T[] {
  if (items.length < 2) return [...items];
  const m = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    const had = m.get(k);
    m.set(k, had === undefined ? item : preferredOf(had, item));
  }
  return [...m.values()];
}

function commitSection<T>(
  unit: UnitKey,
  before: readonly T[] | undefined,
  after: readonly T[],
  key: (t: T) => string,
  out: SectionWriter<T>,
): void {
  const old = new Map<string, T>();
  for (const item of before ?? []) old.set(key(item), item);
  for (const v of after) {
    const k = key(v);
    const had = old.get(k);
    if (had === undefined || (had !== v && !sameJson(had, v))) out.set(k, unit, v);
    old.delete(k);
  }
  for (const k of old.keys()) out.delete(k, unit);
}

const nodeKey = (n: GraphNode) => n.id;
const edgeKey = (e: GraphEdge) => e.id;
const ofRoute = (r: Route) => routeKey(r.leaf, r.prefix);
const ofProblem = (p: ProblemPart) => problemKey(p.code, p.subject);

/** Applies a unit's new run to the store; returns the record to keep (null when the unit contributes nothing). */
export function commitUnit(out: OutputStore, unit: UnitKey, before: UnitRecord | undefined, sink: UnitSink): UnitRecord | null {
  const now: UnitRecord = {};
  const nodes = dedupe(sink.nodes, nodeKey);
  const edges = dedupe(sink.edges, edgeKey);
  const routes = dedupe(sink.routes, ofRoute);
  const problems = [...sink.problems.values()];
  commitSection(unit, before?.nodes, nodes, nodeKey, out.nodes);
  commitSection(unit, before?.edges, edges, edgeKey, out.edges);
  commitSection(unit, before?.routes, routes, ofRoute, out.routes);
  commitSection(unit, before?.problems, problems, ofProblem, out.problems);
  if (nodes.length) now.nodes = nodes;
  if (edges.length) now.edges = edges;
  if (routes.length) now.routes = routes;
  if (problems.length) now.problems = problems;
  return nodes.length + edges.length + routes.length + problems.length === 0 ? null : now;
}
