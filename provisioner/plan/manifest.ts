import type { KubeObject } from '../../lib/k8s/models/object';

/** A Kubernetes object the plan writes: always with apiVersion, kind and metadata. */
export type Manifest = KubeObject & { apiVersion: string; kind: string };

export function manifest(apiVersion: string, kind: string, metadata: KubeObject['metadata'], body: Record<string, unknown> = {}): Manifest {
  return { apiVersion, kind, metadata, ...body };
}
