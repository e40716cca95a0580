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
  return { ...deriveCoreResources(w), ...deriveServiceResources(w, computeServices(w)), ...deriveCniResources(w) };
}
