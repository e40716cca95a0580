import type { KubeObject } from '../../k8s/models/object';
import { errors } from './errors';
import { jsonPatch, mergePatch } from './patch';
import type { ResourceDef } from './resources';

/**
 * The `/scale` subresource (autoscaling/v1 Scale) of Deployments and ReplicaSets, used by `kubectl scale`:
 * reads and writes `spec.replicas` of the parent object.
 */
export function hasScale(def: ResourceDef): boolean {
  return def.group === 'apps' && (def.plural === 'deployments' || def.plural === 'replicasets');
}

export interface Scale {
  kind: 'Scale';
  apiVersion: 'autoscaling/v1';
  metadata: KubeObject['metadata'];
  spec: { replicas: number };
  status: { replicas: number; selector?: string };
}

export function toScale(obj: KubeObject): Scale {
  const spec = (obj.spec ?? {}) as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  const status = (obj.status ?? {}) as { replicas?: number };
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  const selector = Object.entries(spec.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: status.replicas ?? 0, ...(selector ? { selector } : {}) },
  };
}

/** The parent object with `spec.replicas` from a Scale written with PUT (`patchType` undefined) or PATCH. */
export function applyScale(parent: KubeObject, body: unknown, patchType: string | undefined): KubeObject {
  const current = toScale(parent);
  const next = (
    patchType === undefined ? body : patchType === 'application/json-patch+json' ? jsonPatch(current, body) : mergePatch(current, body)
  ) as Partial<Scale>;
  const replicas = next?.spec?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw errors.invalid('Scale', 'autoscaling', parent.metadata.name, [
      { reason: 'FieldValueInvalid', field: 'spec.replicas', message: 'Invalid value: must be a non-negative integer' },
    ]);
  }
  const sentVersion = next.metadata?.resourceVersion;
  return {
    ...parent,
    metadata: { ...parent.metadata, resourceVersion: sentVersion ?? parent.metadata.resourceVersion },
    spec: { ...(parent.spec as object), replicas },
  };
}
