import type { GraphEdge, GraphNode, Problem, Route, Severity } from '../graph';
import { compareStrings } from './ids';

/**
 * Collects nodes, edges, routes and problems while the correlator runs; the first writer of an id
 * wins (later facts about the same node merge into `data`), and `finish` returns them in canonical order.
 */
export class GraphBuilder {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly edges = new Map<string, GraphEdge>();
  private readonly routes = new Map<string, Route>();
  private readonly problems = new Map<string, { problem: Problem; details: Set<string> }>();

  hasNode(id: string): boolean {
    return this.nodes.has(id);
  }

  node(id: string): GraphNode | undefined {
    return this.nodes.get(id);
  }

  /** Nodes in insertion order (deterministic: the correlator walks its inputs in order). */
  allNodes(): Iterable<GraphNode> {
    return this.nodes.values();
  }

  addNode(node: GraphNode): GraphNode {
    const existing = this.nodes.get(node.id);
    if (existing) return existing;
    this.nodes.set(node.id, node);
    return node;
  }

  addEdge(edge: GraphEdge): void {
    if (!this.edges.has(edge.id)) this.edges.set(edge.id, edge);
  }

  route(leaf: string, prefix: string): Route {
    const key = `${leaf}\u0000${prefix}`;
    let r = this.routes.get(key);
    if (!r) {
      r = { leaf, prefix, nextHops: [], kubernetes: false, services: [] };
      this.routes.set(key, r);
    }
    return r;
  }

  allRoutes(): Iterable<Route> {
    return this.routes.values();
  }

  /**
   * One problem per (code, subject), the key the live patches use: further messages for the same pair
   * are kept as details, and the message lists the first few and counts the rest.
   */
  problem(severity: Severity, code: string, subject: string, message: string): void {
    const key = `${code}\u0000${subject}`;
    const existing = this.problems.get(key);
    if (!existing) this.problems.set(key, { problem: { severity, code, subject, message }, details: new Set([message]) });
    else existing.details.add(message);
  }

  private problemList(): Problem[] {
    return [...this.problems.values()].map(({ problem, details }) => {
      if (details.size === 1) return problem;
      const all = [...details];
      const shown = all.slice(0, MAX_DETAILS).join('; ');
      const more = all.length > MAX_DETAILS ? `; and ${all.length - MAX_DETAILS} more` : '';
      return { ...problem, message: shown + more };
    });
  }

  finish() {
    return {
      nodes: [...this.nodes.values()].sort(byId),
      edges: [...this.edges.values()].sort(byId),
      routes: [...this.routes.values()].sort(compareRoutes),
      problems: this.problemList().sort(compareProblems),
    };
  }
}

const MAX_DETAILS = 5;

export const byId = (a: { id: string }, b: { id: string }) => compareStrings(a.id, b.id);
export const compareRoutes = (a: Route, b: Route) => compareStrings(a.leaf, b.leaf) || compareStrings(a.prefix, b.prefix);
export const compareProblems = (a: Problem, b: Problem) => compareStrings(a.code, b.code) || compareStrings(a.subject, b.subject);
