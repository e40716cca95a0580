import type { KubeObject } from '../../k8s/models/object';
import { deriveCniResources } from './k8s-cni';
import { deriveCoreResources } from './k8s-core';
import { deriveServiceResources } from './k8s-services';
import { computeServices } from './services';
import type { LabWorld } from './world';

/**
 * Everything the simulated Kubernetes API holds for this world, keyed by lower-case resource plural
 * (the same keys as a bundle's `k8s`). Pure and deterministic.
 */
export function deriveKubernetes(w: LabWorld): Record<string, KubeObject[]> {
  // A cluster still to be built (greenfield) has nothing in the lab's own API but its system namespaces.
  if (!w.scenario.cluster.built) return { namespaces: deriveCoreResources(w).namespaces ?? [] };
  return { ...deriveCoreResources(w), ...deriveServiceResources(w, computeServices(w)), ...deriveCniResources(w) };
}
