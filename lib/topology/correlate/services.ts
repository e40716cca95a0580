import type { K8sService } from '../k8s-models';
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

/**
 * Service nodes, `selects` edges to the pods in their EndpointSlices, and the index of every cluster,
 * external and load-balancer IP → service id used to label routes.
 */
export function addServices(ctx: Context, podByIp: Map<string, string>): IpIndex<string> {
  const index = new IpIndex<string>();
  for (const s of ctx.inputs.k8s('services')) {
    const ns = s.metadata.namespace ?? 'default';
    const id = serviceId(ns, s.metadata.name);
    const ips = serviceIps(s);
    ctx.g.addNode({
      id,
      kind: 'service',
      name: s.metadata.name,
      data: {
        namespace: ns,
        type: s.spec?.type ?? 'ClusterIP',
        ...ips,
        externalTrafficPolicy: s.spec?.externalTrafficPolicy ?? null,
        labels: s.metadata.labels ?? {},
      },
    });
    for (const ip of [...ips.clusterIPs, ...ips.externalIPs, ...ips.loadBalancerIPs]) index.add(ip, id);
  }
  for (const slice of ctx.inputs.k8s('endpointslices')) {
    const ns = slice.metadata.namespace ?? 'default';
    const svcName = slice.metadata.labels?.['kubernetes.io/service-name'];
    if (!svcName) continue;
    const svc = serviceId(ns, svcName);
    if (!ctx.g.hasNode(svc)) continue;
    for (const ep of slice.endpoints ?? []) {
      let pod: string | undefined;
      if (ep.targetRef && (ep.targetRef.kind ?? 'Pod') === 'Pod') pod = podId(ep.targetRef.namespace ?? ns, ep.targetRef.name);
      if (!pod || !ctx.g.hasNode(pod)) {
        const ip = ep.addresses?.map((a) => normaliseIp(a)).find((a) => a && podByIp.has(a));
        pod = ip ? podByIp.get(ip) : undefined;
      }
      if (pod && ctx.g.hasNode(pod))
        ctx.g.addEdge({ id: edgeId('selects', svc, pod), kind: 'selects', source: svc, target: pod, data: {} });
    }
  }
  return index;
}
