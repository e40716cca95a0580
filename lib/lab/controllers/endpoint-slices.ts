import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../k8s/models/object';
import type { KubeStore } from '../k8s';
import { array, matchLabels, podIp, podNode, podPhase, podReady, record } from './scheduling';

const MANAGED_BY = 'endpointslice-controller.k8s.io';

function sliceName(svc: KubeObject): string {
  const h = createHash('sha256').update(String(svc.metadata.uid)).digest('hex').slice(0, 5);
  return `${svc.metadata.name}-${h}`;
}

function desiredSlice(svc: KubeObject, pods: KubeObject[]): KubeObject {
  const spec = record(svc.spec);
  const selector = record(spec.selector) as Record<string, string>;
  const endpoints = pods
    .filter((p) => podPhase(p) === 'Running' && podIp(p) && matchLabels(selector, p.metadata.labels))
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
    .map((p) => ({
      addresses: [podIp(p)!],
      conditions: { ready: podReady(p), serving: podReady(p), terminating: false },
      ...(podNode(p) ? { nodeName: podNode(p) } : {}),
      targetRef: { kind: 'Pod', name: p.metadata.name, namespace: p.metadata.namespace, uid: p.metadata.uid },
    }));
  const ports = array<{ name?: string; port?: number; targetPort?: number | string; protocol?: string }>(spec.ports).map((p) => ({
    name: p.name ?? '',
    protocol: p.protocol ?? 'TCP',
    port: typeof p.targetPort === 'number' ? p.targetPort : p.port,
  }));
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: sliceName(svc),
      namespace: svc.metadata.namespace,
      labels: { 'kubernetes.io/service-name': svc.metadata.name, 'endpointslice.kubernetes.io/managed-by': MANAGED_BY },
      ownerReferences: [
        { apiVersion: 'v1', kind: 'Service', name: svc.metadata.name, uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true },
      ],
    },
    addressType: 'IPv4',
    endpoints,
    ports,
  };
}

/**
 * The endpointslice controller for Services users applied through the API: one slice per selecting Service,
 * listing the Running pods it selects (world pods and controller pods alike); a slice goes with its Service.
 */
export class UserEndpointSliceReconciler {
  /** Whether any slice of ours may exist: lets the reconciler skip listing while users have applied no Service. */
  private maybeOwnSlices = false;

  constructor(private readonly store: KubeStore) {}

  reconcile(isWorldOwned: (plural: string, namespace: string | undefined, name: string) => boolean): void {
    const services = this.store.list('services').items.filter((s) => !isWorldOwned('services', s.metadata.namespace, s.metadata.name));
    if (services.length === 0 && !this.maybeOwnSlices) return;
    this.maybeOwnSlices = services.length > 0;
    const wanted = new Map<string, KubeObject>();
    const podsByNamespace = new Map<string, KubeObject[]>();
    for (const svc of services) {
      if (Object.keys(record(record(svc.spec).selector)).length === 0) continue;
      const ns = svc.metadata.namespace ?? 'default';
      let pods = podsByNamespace.get(ns);
      if (!pods) podsByNamespace.set(ns, (pods = this.store.list('pods', { namespace: ns }).items));
      const slice = desiredSlice(svc, pods);
      wanted.set(`${ns}/${slice.metadata.name}`, slice);
    }
    for (const slice of this.store.list('endpointslices').items) {
      if (slice.metadata.labels?.['endpointslice.kubernetes.io/managed-by'] !== MANAGED_BY) continue;
      if (isWorldOwned('endpointslices', slice.metadata.namespace, slice.metadata.name)) continue;
      const key = `${slice.metadata.namespace}/${slice.metadata.name}`;
      const want = wanted.get(key);
      if (!want) {
        this.store.delete('endpointslices', slice.metadata.name, slice.metadata.namespace);
        continue;
      }
      wanted.delete(key);
      if (isDeepStrictEqual(slice.endpoints, want.endpoints) && isDeepStrictEqual(slice.ports, want.ports)) continue;
      this.store.update({ ...slice, endpoints: want.endpoints, ports: want.ports });
    }
    for (const slice of wanted.values()) this.store.create(slice);
  }
}
