import type { GraphEdge, GraphNode, Problem, Route, Severity } from '../graph';
import { mergedMessage, preferredOf } from '../canonical';
import { compareStrings } from '../../shared/compare';

/** Where correlation steps write what they find: the batch builder below, or one unit of the incremental graph. */
export interface GraphSink {
  addNode(node: GraphNode): void;
  addEdge(edge: GraphEdge): void;
  problem(severity: Severity, code: string, subject: string, message: string): void;
}

/**
 * Collects nodes, edges, routes and problems while the correlator runs, and `finish` returns them in canonical
 * order. Two inputs naming the same id keep the candidate whose canonical JSON sorts first (never "whichever came
 * first"), so the graph does not depend on input order.
 */
export class GraphBuilder implements GraphSink {
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

  /** Nodes in insertion order. */
  allNodes(): Iterable<GraphNode> {
    return this.nodes.values();
  }

  addNode(node: GraphNode): void {
    const existing = this.nodes.get(node.id);
    this.nodes.set(node.id, existing ? preferredOf(existing, node) : node);
  }

  addEdge(edge: GraphEdge): void {
    const existing = this.edges.get(edge.id);
    this.edges.set(edge.id, existing ? preferredOf(existing, edge) : edge);
  }

  addRoute(route: Route): void {
    this.routes.set(`${route.leaf}\u0000${route.prefix}`, route);
  }

  /**
   * One problem per (code, subject), the key the live patches use: further messages for the same pair are kept as
   * details, the message lists the first few (in code-point order) and counts the rest, and the worst severity wins.
   */
  problem(severity: Severity, code: string, subject: string, message: string): void {
    const key = `${code}\u0000${subject}`;
    const existing = this.problems.get(key);
    if (!existing) this.problems.set(key, { problem: { severity, code, subject, message }, details: new Set([message]) });
    else {
      existing.details.add(message);
      if (SEVERITY_RANK[severity] < SEVERITY_RANK[existing.problem.severity]) existing.problem.severity = severity;
    }
  }

  finish() {
    return {
      nodes: [...this.nodes.values()].sort(byId),
      edges: [...this.edges.values()].sort(byId),
      routes: [...this.routes.values()].sort(compareRoutes),
      problems: [...this.problems.values()]
        .map(({ problem, details }) => (details.size === 1 ? problem : { ...problem, message: mergedMessage([...details]) }))
        .sort(compareProblems),
    };
  }
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export const byId = (a: { id: string }, b: { id: string }) => compareStrings(a.id, b.id);
export const compareRoutes = (a: Route, b: Route) => compareStrings(a.leaf, b.leaf) || compareStrings(a.prefix, b.prefix);
export const compareProblems = (a: Problem, b: Problem) => compareStrings(a.code, b.code) || compareStrings(a.subject, b.subject);
