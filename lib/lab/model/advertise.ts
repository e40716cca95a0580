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
  for (const svc of services) {
    if (!svc.clusterIP || svc.clusterIP === 'None') continue;
    const local = svc.spec.externalTrafficPolicy === 'Local' && (svc.spec.type === 'NodePort' || svc.spec.type === 'LoadBalancer');
    if (!local && adv.aggregating) continue;
    if (local && !svc.endpoints.some((p) => p.node === node && p.ready)) continue;
    const ips: string[] = [];
    if (adv.clusterIPs) ips.push(svc.clusterIP);
    if (adv.externalIPs) ips.push(...svc.externalIPs);
    if (adv.loadBalancerIPs && svc.loadBalancerIP) ips.push(svc.loadBalancerIP);
    for (const ip of ips) out.add(`${ip}/32`);
  }
  return [...out];
}
