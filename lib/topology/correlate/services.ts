import type { GraphNode } from '../graph';
import type { K8sEndpointSlice, K8sService } from '../k8s-models';
import type { GraphSink } from './builder';
import type { Context } from './context';
import { edgeId, podId, serviceId } from './ids';
import { IpIndex } from './ip-index';
import { normaliseIp } from '../../aci/models/attributes';

function serviceIps(s: K8sService) {
  const uniq = (xs: (string | null | undefined)[]) => [...new Set(xs.filter((x): x is string => !!x))];
  return {
    clusterIPs: uniq([...(s.spec?.clusterIPs ?? []), s.spec?.clusterIP]),
    externalIPs: uniq(s.spec?.externalIPs ?? []),
    loadBalancerIPs: uniq([...(s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip), s.spec?.loadBalancerIP]),
  };
}

/** A service's graph node and every cluster, external and load-balancer IP it owns (for labelling routes). */
export function serviceGraph(s: K8sService): { node: GraphNode; ips: string[] } {
  const ns = s.metadata.namespace ?? 'default';
  const ips = serviceIps(s);
  const node: GraphNode = {
    id: serviceId(ns, s.metadata.name),
    kind: 'service',
    name: s.metadata.name,
    data: {
      namespace: ns,
      type: s.spec?.type ?? 'ClusterIP',
      ...ips,
      externalTrafficPolicy: s.spec?.externalTrafficPolicy ?? null,
      labels: s.metadata.labels ?? {},
    },
  };
  return { node, ips: [...new Set([...ips.clusterIPs, ...ips.externalIPs, ...ips.loadBalancerIPs])] };
}

/** The service an EndpointSlice belongs to (`kubernetes.io/service-name`), or null. */
export function sliceServiceId(slice: K8sEndpointSlice): string | null {
  const name = slice.metadata.labels?.['kubernetes.io/service-name'];
  return name ? serviceId(slice.metadata.namespace ?? 'default', name) : null;
}

/** What matching a slice's endpoints to pods looks up. */
export interface SliceLookups {
  hasService(id: string): boolean;
  hasPod(id: string): boolean;
  podAt(ip: string): string | undefined;
}

/** `selects` edges from a slice's service to the pods its endpoints name (by targetRef, else by address). */
export function addSliceSelects(slice: K8sEndpointSlice, look: SliceLookups, sink: GraphSink): void {
  const svc = sliceServiceId(slice);
  if (!svc || !look.hasService(svc)) return;
  const ns = slice.metadata.namespace ?? 'default';
  for (const ep of slice.endpoints ?? []) {
    let pod: string | undefined;
    if (ep.targetRef && (ep.targetRef.kind ?? 'Pod') === 'Pod') pod = podId(ep.targetRef.namespace ?? ns, ep.targetRef.name);
    if (!pod || !look.hasPod(pod)) {
      const ip = ep.addresses?.map((a) => normaliseIp(a)).find((a) => a && look.podAt(a) !== undefined);
      pod = ip ? look.podAt(ip) : undefined;
    }
    if (pod && look.hasPod(pod)) sink.addEdge({ id: edgeId('selects', svc, pod), kind: 'selects', source: svc, target: pod, data: {} });
  }
}

/**
 * Service nodes, `selects` edges to the pods in their EndpointSlices, and the index of every cluster,
 * external and load-balancer IP → service id used to label routes.
 */
export function addServices(ctx: Context, podByIp: Map<string, string>): IpIndex<string> {
  const index = new IpIndex<string>();
  for (const s of ctx.inputs.k8s('services')) {
    const { node, ips } = serviceGraph(s);
    ctx.g.addNode(node);
    for (const ip of ips) index.add(ip, node.id);
  }
  const look: SliceLookups = { hasService: (id) => ctx.g.hasNode(id), hasPod: (id) => ctx.g.hasNode(id), podAt: (ip) => podByIp.get(ip) };
  for (const slice of ctx.inputs.k8s('endpointslices')) addSliceSelects(slice, look, ctx.g);
  return index;
}
