import type { PollResult } from '../step';
import type { KubeObject } from '../../../lib/topology/bundle-types';

/**
 * When an object is ready, as a user would check it (kubectl rollout status, kubectl wait): a Deployment has
 * observed its generation and every replica is updated and available; a DaemonSet is updated and available on every
 * node it is scheduled to; a CRD is Established; a Namespace is Active. Other kinds are ready once they exist.
 */

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const conditions = (o: KubeObject): Condition[] => (o.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];

/** The kinds this module waits for; anything else is ready as soon as it is applied. */
export function waitsFor(kind: string): boolean {
  return ['Deployment', 'DaemonSet', 'StatefulSet', 'CustomResourceDefinition', 'Namespace'].includes(kind);
}

/** What to call the wait, e.g. "Deployment akb/akb to be available". */
export function readinessGoal(kind: string): string {
  switch (kind) {
    case 'Deployment':
      return 'available';
    case 'DaemonSet':
    case 'StatefulSet':
      return 'rolled out';
    case 'CustomResourceDefinition':
      return 'Established';
    case 'Namespace':
      return 'Active';
    default:
      return 'present';
  }
}

export function readiness(o: KubeObject | undefined): PollResult<KubeObject> {
  if (!o) return { done: false, status: 'not found' };
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  const st = (o.status ?? {}) as Record<string, unknown>;
  const generation = num(o.metadata.generation);
  const observed = num(st.observedGeneration);
  switch (o.kind) {
    case 'Deployment':
    case 'StatefulSet': {
      if (observed < generation) return { done: false, status: `the controller has not seen generation ${generation} yet` };
      const failed = conditions(o).find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
      if (failed) return { done: false, status: `progress deadline exceeded: ${failed.message ?? ''}` };
      const want = typeof spec.replicas === 'number' ? spec.replicas : 1;
      const updated = num(st.updatedReplicas);
      const available = o.kind === 'Deployment' ? num(st.availableReplicas) : num(st.readyReplicas);
      const progress = { done: Math.min(updated, available), total: want };
      if (updated < want) return { done: false, status: `${updated}/${want} replicas updated`, progress };
      if (available < want) return { done: false, status: `${available}/${want} replicas available`, progress };
      return { done: true, value: o };
    }
    case 'DaemonSet': {
      if (observed < generation) return { done: false, status: `the controller has not seen generation ${generation} yet` };
      const desired = num(st.desiredNumberScheduled);
      const updated = num(st.updatedNumberScheduled);
      const available = num(st.numberAvailable);
      const progress = { done: Math.min(updated, available), total: desired };
      if (updated < desired) return { done: false, status: `${updated}/${desired} nodes updated`, progress };
      if (available < desired) return { done: false, status: `${available}/${desired} nodes available`, progress };
      return { done: true, value: o };
    }
    case 'CustomResourceDefinition': {
      const established = conditions(o).find((c) => c.type === 'Established');
      return established?.status === 'True'
        ? { done: true, value: o }
        : { done: false, status: established?.message || 'not Established yet' };
    }
    case 'Namespace': {
      const phase = (st.phase as string | undefined) ?? 'unknown';
      return phase === 'Active' ? { done: true, value: o } : { done: false, status: `phase ${phase}` };
    }
    default:
      return { done: true, value: o };
  }
}
