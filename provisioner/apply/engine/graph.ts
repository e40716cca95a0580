import type { StepId } from '../../providers/step';

/** The dependency graph of a job's steps: checked once (unique IDs, known dependencies, no cycle) and ordered. */

export interface GraphNode {
  id: StepId;
  dependsOn: readonly StepId[];
}

export class StepGraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepGraphError';
  }
}

/**
 * A topological order (Kahn's algorithm, ties broken by the given order so the result is deterministic).
 * Throws naming a duplicate ID, an unknown dependency or a cycle.
 */
export function orderSteps<T extends GraphNode>(nodes: readonly T[]): T[] {
  const byId = new Map<StepId, T>();
  for (const n of nodes) {
    if (byId.has(n.id)) throw new StepGraphError(`two steps have the ID "${n.id}"`);
    byId.set(n.id, n);
  }
  for (const n of nodes) {
    for (const d of n.dependsOn) if (!byId.has(d)) throw new StepGraphError(`step "${n.id}" depends on "${d}", which is not a step`);
  }
  const remaining = new Map(nodes.map((n) => [n.id, new Set(n.dependsOn)]));
  const out: T[] = [];
  while (remaining.size > 0) {
    const ready = nodes.filter((n) => remaining.get(n.id)?.size === 0);
    if (ready.length === 0) {
      const stuck = [...remaining.keys()];
      throw new StepGraphError(`the steps' dependencies form a cycle among: ${stuck.join(', ')}`);
    }
    for (const n of ready) {
      out.push(n);
      remaining.delete(n.id);
      for (const deps of remaining.values()) deps.delete(n.id);
    }
  }
  return out;
}

/** Every step that depends on `id`, directly or not. */
export function dependentsOf(nodes: readonly GraphNode[], id: StepId): Set<StepId> {
  const out = new Set<StepId>();
  let frontier = [id];
  while (frontier.length > 0) {
    const next: StepId[] = [];
    for (const n of nodes) {
      if (out.has(n.id)) continue;
      if (n.dependsOn.some((d) => frontier.includes(d))) {
        out.add(n.id);
        next.push(n.id);
      }
    }
    frontier = next;
  }
  return out;
}
