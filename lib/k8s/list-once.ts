import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from './models/object';
import { discoverResources } from './discovery';
import { listAll, type RequestCounter } from './http';
import { CLUSTER_RESOURCES, collectionPath, type ClusterResource } from './resources';
import { compareObjects } from './snapshot';
import { kubeReducer } from '../topology/reduce';

export interface ClusterListing {
  /** The bundle's `k8s` section: one key per installed resource, objects sorted. */
  k8s: Record<string, KubeObject[]>;
  /** Bundle key → served version, or null when not installed. */
  installed: Record<string, string | null>;
  /** HTTP requests made (discovery + list pages), for `akb capture` to report. */
  requests: number;
}

/**
 * Lists every resource once (for `akb capture`): discovery, then one paged list per installed resource. With
 * `reduce`, each object is cut to what akb reads as it arrives (the ingest reduction); otherwise kept as served.
 */
export async function listClusterResources(
  kc: KubeConfig,
  resources: readonly ClusterResource[] = CLUSTER_RESOURCES,
  opts: { reduce?: boolean } = {},
): Promise<ClusterListing> {
  const counter: RequestCounter = { requests: 0 };
  const found = await discoverResources(kc, resources, { counter });
  const k8s: Record<string, KubeObject[]> = {};
  const installed: Record<string, string | null> = {};
  for (const r of resources) {
    const version = found.get(r.key) ?? null;
    installed[r.key] = version;
    if (version === null) continue;
    const list = await listAll(kc, collectionPath(r, version), { counter, ...(opts.reduce ? { reduce: kubeReducer(r.key) } : {}) });
    k8s[r.key] = [...list.items].sort(compareObjects);
  }
  return { k8s, installed, requests: counter.requests };
}
