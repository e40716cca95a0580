import type { ServiceState } from './services';

/** What a node's BGP speaker is configured to advertise (from its CNI's configuration, or a scenario's). */
export interface AdvertiseConfig {
  podCidr: boolean;
  /**
   * CIDRs every node advertises as they are (Calico's serviceClusterIPs/ExternalIPs/LoadBalancerIPs); a speaker
   * that aggregates advertises a Cluster-policy service through them, not as a /32.
   */
  aggregates: readonly string[];
  /** True for Calico, which covers Cluster-policy services with its aggregates. */
  aggregating: boolean;
  clusterIPs: boolean;
  externalIPs: boolean;
  loadBalancerIPs: boolean;
}

/**
 * The prefixes one node advertises over its established sessions.
 * Calico: every node advertises the configured service CIDRs (Cluster policy); for Local policy services, nodes
 * with a ready endpoint add a /32 per service IP. kube-router and Cilium advertise per-service /32s from every
 * node (Cluster) or from nodes with a ready endpoint (Local), for the address kinds they are configured for.
 */
export function advertisedPrefixes(
  node: string,
  podCidr: string | undefined,
  adv: AdvertiseConfig,
  services: readonly ServiceState[],
): string[] {
  const out = new Set<string>();
  if (adv.podCidr && podCidr) out.add(podCidr);
  for (const cidr of adv.aggregates) out.add(cidr);
  for (const entry of serviceAdverts(adv, services)) {
    if (entry.onlyOn && !entry.onlyOn.has(node)) continue;
    for (const p of entry.prefixes) out.add(p);
  }
  return [...out];
}

interface ServiceAdvert {
  prefixes: string[];
  /** Local policy: only the nodes with a ready endpoint advertise it. */
  onlyOn: Set<string> | null;
}

/**
 * What each service contributes, worked out once per service list and advertisement settings (every node of a
 * large cluster asks about the same services), in service order.
 */
const advertsMemo = new WeakMap<readonly ServiceState[], Map<string, ServiceAdvert[]>>();

function serviceAdverts(adv: AdvertiseConfig, services: readonly ServiceState[]): ServiceAdvert[] {
  let byConfig = advertsMemo.get(services);
  if (!byConfig) advertsMemo.set(services, (byConfig = new Map()));
  const key = `${adv.aggregating}|${adv.clusterIPs}|${adv.externalIPs}|${adv.loadBalancerIPs}`;
  let list = byConfig.get(key);
  if (list) return list;
  list = [];
  for (const svc of services) {
    if (!svc.clusterIP || svc.clusterIP === 'None') continue;
    const local = svc.spec.externalTrafficPolicy === 'Local' && (svc.spec.type === 'NodePort' || svc.spec.type === 'LoadBalancer');
    if (!local && adv.aggregating) continue;
    const ips: string[] = [];
    if (adv.clusterIPs) ips.push(svc.clusterIP);
    if (adv.externalIPs) ips.push(...svc.externalIPs);
    if (adv.loadBalancerIPs && svc.loadBalancerIP) ips.push(svc.loadBalancerIP);
    const onlyOn = local ? new Set(svc.endpoints.filter((p) => p.ready).map((p) => p.node)) : null;
    list.push({ prefixes: ips.map((ip) => `${ip}/32`), onlyOn });
  }
  byConfig.set(key, list);
  return list;
}
