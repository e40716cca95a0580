/**
 * Expected advertisement per service IP (PEERS.md B1, WIRE.md B6.5-B6.7): whether the CNI advertises
 * the IP at all, as which prefix, and from which nodes.
 */
import { inCidr } from '../../net/ip';
import type { TopologyGraph } from '../graph';
import type { EcmpInputs } from './inputs';
import { kubeRouterArgs, kubeRouterFlag, type Peering } from './peering';
import { matchesLabelSelector } from './selectors';
import type { CniKind, ExpectedPrefix, IpKind, ServiceIpAdvertisement, TrafficPolicy } from './types';
import { compareStrings } from '../../shared/compare';

/** Nodes with this label take no part in load-balancer traffic; Calico does not advertise service IPs from them. */
export const EXCLUDE_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

export function detectCni(graph: TopologyGraph, inputs: EcmpInputs): CniKind {
  if (graph.cluster.asnSource) return graph.cluster.asnSource;
  if (inputs.bgpConfigurations.length > 0 || inputs.bgpPeers.length > 0) return 'calico';
  if (inputs.ciliumClusterConfigs.length > 0) return 'cilium';
  if (inputs.nodes.some((n) => 'kube-router.io/peer.ips' in n.annotations)) return 'kube-router';
  return 'unknown';
}

export function isHostPrefix(prefix: string): boolean {
  return prefix.endsWith(prefix.includes(':') ? '/128' : '/32');
}

export function hostPrefix(ip: string): string {
  return `${ip}/${ip.includes(':') ? 128 : 32}`;
}

interface ServiceFacts {
  id: string;
  type: string;
  policy: TrafficPolicy;
  labels: Record<string, string>;
  ips: { ip: string; kind: IpKind }[];
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function servicesOf(graph: TopologyGraph): ServiceFacts[] {
  return graph.nodes
    .filter((n) => n.kind === 'service')
    .map((n) => {
      const d = n.data;
      const type = typeof d.type === 'string' ? d.type : 'ClusterIP';
      // externalTrafficPolicy only means something for NodePort and LoadBalancer services (KAPI ServiceSpec).
      const local = d.externalTrafficPolicy === 'Local' && (type === 'NodePort' || type === 'LoadBalancer');
      const ips = [
        ...strings(d.clusterIPs).map((ip) => ({ ip, kind: 'cluster' as const })),
        ...strings(d.externalIPs).map((ip) => ({ ip, kind: 'external' as const })),
        ...strings(d.loadBalancerIPs).map((ip) => ({ ip, kind: 'load-balancer' as const })),
      ];
      const labels = (d.labels && typeof d.labels === 'object' ? d.labels : {}) as Record<string, string>;
      return { id: n.id, type, policy: local ? ('Local' as const) : ('Cluster' as const), labels, ips };
    });
}

/** Nodes (`node:<name>`) with a ready endpoint of each service (`service:<ns>/<name>`). */
export function readyEndpointNodes(inputs: EcmpInputs): Map<string, Set<string>> {
  const podNode = new Map(inputs.pods.map((p) => [`${p.metadata.namespace ?? 'default'}/${p.metadata.name}`, p.spec?.nodeName]));
  const out = new Map<string, Set<string>>();
  for (const s of inputs.endpointSlices) {
    const ns = s.metadata.namespace ?? 'default';
    const svc = s.metadata.labels?.['kubernetes.io/service-name'];
    if (!svc) continue;
    const id = `service:${ns}/${svc}`;
    const set = out.get(id) ?? new Set<string>();
    out.set(id, set);
    for (const ep of s.endpoints ?? []) {
      // discovery/v1: a nil `ready` means ready.
      if (ep.conditions?.ready === false) continue;
      const ref = ep.targetRef;
      const node = ep.nodeName ?? (ref && (ref.kind ?? 'Pod') === 'Pod' ? podNode.get(`${ref.namespace ?? ns}/${ref.name}`) : undefined);
      if (node) set.add(`node:${node}`);
    }
  }
  return out;
}

const KIND_WORD: Record<IpKind, string> = { cluster: 'cluster IP', external: 'external IP', 'load-balancer': 'load-balancer IP' };

/** Whether the CNI advertises this IP, and the covering CIDR when it aggregates (Calico, Cluster policy). */
function advertisedBy(
  cni: CniKind,
  inputs: EcmpInputs,
  svc: ServiceFacts,
  ip: string,
  kind: IpKind,
): { ok: boolean; cidr?: string; reason: string } {
  if (cni === 'calico') {
    const cfg = inputs.bgpConfigurations.find((c) => c.metadata.name === 'default');
    const field = kind === 'cluster' ? 'serviceClusterIPs' : kind === 'external' ? 'serviceExternalIPs' : 'serviceLoadBalancerIPs';
    const cidrs = (cfg?.spec?.[field] ?? []).map((c) => c.cidr);
    const cidr = cidrs.find((c) => inCidr(ip, c));
    if (cidr) return { ok: true, cidr, reason: `inside BGPConfiguration default ${field} ${cidr}` };
    return {
      ok: false,
      reason: cidrs.length
        ? `outside BGPConfiguration default ${field} (${cidrs.join(', ')})`
        : `BGPConfiguration default sets no ${field}`,
    };
  }
  if (cni === 'kube-router') {
    const flag =
      kind === 'cluster' ? '--advertise-cluster-ip' : kind === 'external' ? '--advertise-external-ip' : '--advertise-loadbalancer-ip';
    const on = kubeRouterFlag(kubeRouterArgs(inputs), flag) === 'true';
    return { ok: on, reason: on ? `kube-router runs with ${flag}=true` : `kube-router does not run with ${flag}=true` };
  }
  if (cni === 'cilium') {
    const word = kind === 'cluster' ? 'ClusterIP' : kind === 'external' ? 'ExternalIP' : 'LoadBalancerIP';
    const adv = inputs.ciliumAdvertisements.find((a) =>
      (a.spec?.advertisements ?? []).some(
        (x) =>
          x.advertisementType === 'Service' && (x.service?.addresses ?? []).includes(word) && matchesLabelSelector(x.selector, svc.labels),
      ),
    );
    return adv
      ? { ok: true, reason: `CiliumBGPAdvertisement ${adv.metadata.name} advertises ${word}` }
      : { ok: false, reason: `no CiliumBGPAdvertisement selects this service for ${word}` };
  }
  return { ok: false, reason: 'the CNI is not recognised, so its advertisement configuration cannot be read' };
}

export interface Expectation {
  ips: ServiceIpAdvertisement[];
  prefixes: ExpectedPrefix[];
  /** Service id → nodes with a ready endpoint. */
  ready: Map<string, Set<string>>;
}

export function expectedAdvertisements(cni: CniKind, inputs: EcmpInputs, graph: TopologyGraph, peering: Peering): Expectation {
  const ready = readyEndpointNodes(inputs);
  const excludedByLabel = new Set(inputs.nodes.filter((n) => EXCLUDE_LABEL in n.labels).map((n) => `node:${n.name}`));
  const ips: ServiceIpAdvertisement[] = [];
  const byPrefix = new Map<string, ExpectedPrefix>();
  // Nodes already placed (advertiser or excluded) per prefix: keeps many services × many nodes linear.
  const placed = new Map<string, Set<string>>();
  const placedIn = (prefix: string) => {
    let set = placed.get(prefix);
    const e = byPrefix.get(prefix);
    if (!set) placed.set(prefix, (set = new Set([...(e?.advertisers ?? []), ...(e?.excluded ?? []).map((x) => x.node)])));
    return set;
  };
  const fromAll = (): Pick<ExpectedPrefix, 'advertisers' | 'excluded'> => ({
    advertisers: [...peering.peeringNodes].filter((n) => !excludedByLabel.has(n)),
    excluded: [...peering.peeringNodes]
      .filter((n) => excludedByLabel.has(n))
      .map((node) => ({ node, reason: `labelled ${EXCLUDE_LABEL}` })),
  });
  if (cni === 'calico') {
    // Calico advertises every configured service CIDR from every peering node, whether or not a service uses it yet.
    const spec = inputs.bgpConfigurations.find((c) => c.metadata.name === 'default')?.spec;
    for (const { cidr } of [
      ...(spec?.serviceClusterIPs ?? []),
      ...(spec?.serviceExternalIPs ?? []),
      ...(spec?.serviceLoadBalancerIPs ?? []),
    ]) {
      if (!byPrefix.has(cidr)) byPrefix.set(cidr, { prefix: cidr, policy: 'Cluster', services: [], ...fromAll() });
    }
  }
  for (const svc of servicesOf(graph)) {
    for (const { ip, kind } of svc.ips) {
      const adv = advertisedBy(cni, inputs, svc, ip, kind);
      // Calico aggregates Cluster-policy IPs into the configured CIDR; everyone else advertises a host route.
      const prefix = !adv.ok ? null : svc.policy === 'Cluster' && adv.cidr ? adv.cidr : hostPrefix(ip);
      ips.push({ service: svc.id, ip, kind, policy: svc.policy, prefix, advertised: adv.ok, reason: `${KIND_WORD[kind]} ${adv.reason}` });
      if (!prefix) continue;
      const entry = byPrefix.get(prefix) ?? { prefix, policy: svc.policy, services: [], advertisers: [], excluded: [] };
      byPrefix.set(prefix, entry);
      if (!entry.services.includes(svc.id)) entry.services.push(svc.id);
      const candidates = svc.policy === 'Local' ? (ready.get(svc.id) ?? new Set<string>()) : peering.peeringNodes;
      const seen = placedIn(prefix);
      for (const node of candidates) {
        if (seen.has(node)) continue;
        seen.add(node);
        if (excludedByLabel.has(node)) entry.excluded.push({ node, reason: `labelled ${EXCLUDE_LABEL}` });
        else if (!peering.peeringNodes.has(node))
          entry.excluded.push({ node, reason: 'has a ready endpoint but no BGP peering configured' });
        else entry.advertisers.push(node);
      }
    }
  }
  const prefixes = [...byPrefix.values()].sort((a, b) => compareStrings(a.prefix, b.prefix));
  for (const p of prefixes) {
    p.services.sort();
    p.advertisers.sort();
    p.excluded.sort((a, b) => compareStrings(a.node, b.node));
  }
  return { ips, prefixes, ready };
}
