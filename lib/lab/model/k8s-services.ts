import type { KubeObject } from '../../k8s/models/object';
import { nameSuffix } from './ids';
import { meta } from './k8s-meta';
import type { ServiceState } from './services';
import type { LabWorld } from './world';

function serviceObject(w: LabWorld, svc: ServiceState): KubeObject {
  const sp = svc.spec;
  const isKubernetesApi = sp.namespace === 'default' && sp.name === 'kubernetes';
  const ports = [
    {
      name: isKubernetesApi ? 'https' : 'http',
      protocol: 'TCP',
      port: sp.port,
      targetPort: isKubernetesApi ? 6443 : sp.port,
      ...(sp.type === 'NodePort' || sp.type === 'LoadBalancer' ? { nodePort: 30000 + (hashPort(w, sp.namespace, sp.name) % 2767) } : {}),
    },
  ];
  const spec: Record<string, unknown> =
    sp.type === 'ExternalName'
      ? { type: 'ExternalName', externalName: sp.externalName ?? `${sp.name}.example.com` }
      : {
          type: sp.type,
          clusterIP: svc.clusterIP,
          clusterIPs: [svc.clusterIP],
          ipFamilies: ['IPv4'],
          ipFamilyPolicy: 'SingleStack',
          ports,
          ...(Object.keys(sp.selector).length ? { selector: sp.selector } : {}),
          ...(svc.externalIPs.length ? { externalIPs: svc.externalIPs } : {}),
          ...(sp.type === 'NodePort' || sp.type === 'LoadBalancer' ? { externalTrafficPolicy: sp.externalTrafficPolicy } : {}),
          ...(sp.type === 'LoadBalancer' && sp.externalTrafficPolicy === 'Local'
            ? { healthCheckNodePort: 32000 + (hashPort(w, sp.namespace, sp.name) % 700) }
            : {}),
          ...(sp.loadBalancerIP ? { loadBalancerIP: sp.loadBalancerIP } : {}),
          internalTrafficPolicy: 'Cluster',
          sessionAffinity: 'None',
        };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(
      w,
      'Service',
      sp.namespace,
      sp.name,
      isKubernetesApi ? { component: 'apiserver', provider: 'kubernetes' } : { app: sp.name },
    ),
    spec,
    status: { loadBalancer: svc.loadBalancerIP ? { ingress: [{ ip: svc.loadBalancerIP, ipMode: 'VIP' }] } : {} },
  };
}

function hashPort(w: LabWorld, ns: string, name: string): number {
  return parseInt(meta(w, 'port', ns, name).uid.slice(0, 8), 16);
}

/** One EndpointSlice per selecting service (the lab keeps each under the 100-endpoint default split for readability; larger ones are chunked). */
function endpointSlices(w: LabWorld, svc: ServiceState): KubeObject[] {
  const sp = svc.spec;
  const isKubernetesApi = sp.namespace === 'default' && sp.name === 'kubernetes';
  if (sp.type === 'ExternalName' || (!isKubernetesApi && Object.keys(sp.selector).length === 0)) return [];
  const endpoints = isKubernetesApi
    ? w.nodes
        .filter((n) => n.role === 'master')
        .map((n) => ({ addresses: [n.ip], conditions: { ready: n.ready, serving: n.ready, terminating: false }, nodeName: n.name }))
    : svc.endpoints.map((p) => ({
        addresses: [p.ip],
        conditions: { ready: p.ready, serving: p.ready, terminating: false },
        nodeName: p.node,
        targetRef: { kind: 'Pod', name: p.name, namespace: p.namespace, uid: meta(w, 'Pod', p.namespace, p.name).uid },
      }));
  const chunks: (typeof endpoints)[] = [];
  for (let i = 0; i < Math.max(1, endpoints.length); i += 100) chunks.push(endpoints.slice(i, i + 100));
  return chunks.map((chunk, i) => {
    const name = isKubernetesApi ? 'kubernetes' : `${sp.name}-${nameSuffix(5, w.scenario.seed, 'eps', sp.namespace, sp.name, i)}`;
    return {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        ...meta(w, 'EndpointSlice', sp.namespace, name, {
          'kubernetes.io/service-name': sp.name,
          'endpointslice.kubernetes.io/managed-by': isKubernetesApi
            ? 'endpointslicemirroring-controller.k8s.io'
            : 'endpointslice-controller.k8s.io',
        }),
        ownerReferences: [
          {
            apiVersion: 'v1',
            kind: 'Service',
            name: sp.name,
            uid: meta(w, 'Service', sp.namespace, sp.name).uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      addressType: 'IPv4',
      endpoints: chunk,
      ports: [{ name: isKubernetesApi ? 'https' : 'http', protocol: 'TCP', port: isKubernetesApi ? 6443 : sp.port }],
    };
  });
}

/**
 * A service's objects depend on its spec, its addresses and its endpoints (pods; the masters for the API server's):
 * worlds share what they did not change, so an unchanged service keeps its objects (and the sync skips them).
 */
interface ServiceMemo {
  seed: number;
  clusterIP: string | undefined;
  loadBalancerIP: string | undefined;
  endpoints: readonly unknown[];
  service: KubeObject;
  slices: KubeObject[];
}
const serviceMemo = new WeakMap<ServiceState['spec'], ServiceMemo>();

const sameItems = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function memoService(w: LabWorld, svc: ServiceState): ServiceMemo {
  const isKubernetesApi = svc.spec.namespace === 'default' && svc.spec.name === 'kubernetes';
  const endpoints = isKubernetesApi ? w.nodes.filter((n) => n.role === 'master') : svc.endpoints;
  const m = serviceMemo.get(svc.spec);
  if (
    m &&
    m.seed === w.scenario.seed &&
    m.clusterIP === svc.clusterIP &&
    m.loadBalancerIP === svc.loadBalancerIP &&
    sameItems(m.endpoints, endpoints)
  )
    return m;
  const next = {
    seed: w.scenario.seed,
    clusterIP: svc.clusterIP,
    loadBalancerIP: svc.loadBalancerIP,
    endpoints,
    service: serviceObject(w, svc),
    slices: endpointSlices(w, svc),
  };
  serviceMemo.set(svc.spec, next);
  return next;
}

export function deriveServiceResources(w: LabWorld, services: ServiceState[]): Record<string, KubeObject[]> {
  const memos = services.map((s) => memoService(w, s));
  return { services: memos.map((m) => m.service), endpointslices: memos.flatMap((m) => m.slices) };
}
