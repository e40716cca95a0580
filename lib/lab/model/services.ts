import { cidrSize, hostAt, mustParseCidr } from '../../net/ip';
import type { ServiceSpec } from './schema';
import type { LabWorld, PodState } from './world';
import { allWorkloads } from './world';

/** A service with the addresses the cluster allocated it. */
export interface ServiceState {
  spec: ServiceSpec;
  /** `None` for headless, absent for ExternalName. */
  clusterIP?: string;
  externalIPs: string[];
  loadBalancerIP?: string;
  /** Pods selected by the service (ready or not). */
  endpoints: PodState[];
}

/** `default/kubernetes`, the API server service every cluster has. */
export const KUBERNETES_SERVICE: ServiceSpec = {
  name: 'kubernetes',
  namespace: 'default',
  type: 'ClusterIP',
  selector: {},
  port: 443,
  externalIPs: [],
  externalTrafficPolicy: 'Cluster',
  headless: false,
};

export function loadBalancerPool(w: LabWorld): { cidr: string; firstOffset: number } {
  const c = w.scenario.cluster;
  if (c.loadBalancerSubnet) return { cidr: c.loadBalancerSubnet, firstOffset: 1 };
  // Without a dedicated pool, LB IPs come from the upper half of the external-service subnet.
  return { cidr: c.externalSubnet, firstOffset: Number(cidrSize(mustParseCidr(c.externalSubnet))) / 2 };
}

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => labels[k] === selector[k]);
}

/**
 * A world's services, worked out once (the sync, the twin and the truth all ask): mutations replace a world's lists
 * and scenario rather than change them, so the same lists mean the same services.
 */
const servicesOf = new WeakMap<LabWorld, { scenario: unknown; nodes: unknown; pods: unknown; out: ServiceState[] }>();

/** Allocates addresses (deterministically by position) and resolves endpoints for every service. */
export function computeServices(w: LabWorld): ServiceState[] {
  const m = servicesOf.get(w);
  if (m && m.scenario === w.scenario && m.nodes === w.nodes && m.pods === w.pods) return m.out;
  const out = resolveServices(w);
  servicesOf.set(w, { scenario: w.scenario, nodes: w.nodes, pods: w.pods, out });
  return out;
}

function resolveServices(w: LabWorld): ServiceState[] {
  const c = w.scenario.cluster;
  const podsByWorkload = new Map<string, PodState[]>();
  for (const p of w.pods) {
    const list = podsByWorkload.get(p.workload);
    if (list) list.push(p);
    else podsByWorkload.set(p.workload, [p]);
  }
  const workloads = allWorkloads(w.scenario);
  const lbPool = loadBalancerPool(w);
  let lbIndex = 0;
  const out: ServiceState[] = [];
  [KUBERNETES_SERVICE, ...c.services].forEach((spec, i) => {
    const endpoints = workloads
      .filter((wl) => wl.namespace === spec.namespace && matches(spec.selector, wl.labels))
      .flatMap((wl) => podsByWorkload.get(`${wl.namespace}/${wl.name}`) ?? []);
    if (spec.type === 'ExternalName') {
      out.push({ spec, externalIPs: [], endpoints: [] });
      return;
    }
    const clusterIP = spec.headless ? 'None' : hostAt(c.serviceSubnet, i === 0 ? 1 : 9 + i);
    const loadBalancerIP =
      spec.type === 'LoadBalancer' ? (spec.loadBalancerIP ?? hostAt(lbPool.cidr, lbPool.firstOffset + lbIndex++)) : undefined;
    out.push({ spec, clusterIP, externalIPs: spec.externalIPs, ...(loadBalancerIP ? { loadBalancerIP } : {}), endpoints });
  });
  return out;
}
