/**
 * The Kubernetes wire format as akb holds it: shared by the Kubernetes adapter (lib/k8s), the lab's API
 * server, the bundle (lib/topology/bundle-types.ts) and the manifests the provisioner writes. Types only.
 */

/** A Kubernetes object as the API server returns it (camelCase fields; apiVersion/kind may be absent). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}
