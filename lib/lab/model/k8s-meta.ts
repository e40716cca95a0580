import { stableUid } from './ids';
import type { LabWorld } from './world';

export const LAB_EPOCH_K8S = '2026-01-01T00:00:00Z';

/** Metadata every derived object carries: a seeded uid stable across derivations, and a fixed creation time. */
export function meta(
  w: LabWorld,
  kind: string,
  namespace: string | undefined,
  name: string,
  labels?: Record<string, string>,
): { name: string; namespace?: string; uid: string; creationTimestamp: string; labels?: Record<string, string> } {
  return {
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    uid: stableUid(w.scenario.seed, kind, namespace ?? '', name),
    creationTimestamp: LAB_EPOCH_K8S,
    ...(labels && Object.keys(labels).length > 0 ? { labels } : {}),
  };
}
