import { compareIps, mustParseIp } from '../../net/ip';
import { computeSessions, type SessionTruth } from './bgp';
import { leafTep } from './fabric';
import { computeServices, loadBalancerPool, type ServiceState } from './services';
import type { LabWorld, NodeState } from './world';

export interface NextHopTruth {
  addr: string;
  /** The Kubernetes node behind a directly learned (eBGP) next hop. */
  node: string | null;
  /** The anchor leaf behind a fabric (iBGP, TEP) next hop. */
  viaLeaf: number | null;
}

/** One installed route on one leaf in the cluster VRF. */
export interface RouteTruth {
  leaf: number;
  prefix: string;
  nextHops: NextHopTruth[];
  /** Every candidate next hop before the max-paths cut (so tests can check what was dropped). */
  candidates: number;
}

/**
 * The prefixes a node advertises over its established sessions.
 * Calico: every node advertises the configured service CIDRs (Cluster policy); for Local policy services, nodes
 * with a ready endpoint add a /32 per service IP. kube-router and Cilium advertise per-service /32s from every
 * node (Cluster) or from nodes with a ready endpoint (Local); kube-router does not advertise cluster IPs.
 */
export function nodeAdvertisements(w: LabWorld, node: NodeState, services: ServiceState[]): string[] {
  const c = w.scenario.cluster;
  const cni = c.cni;
  const out = new Set<string>([node.podCidr]);
  const aggregates = cni.kind === 'calico';
  if (aggregates) {
    if (cni.advertise.clusterIPs) out.add(c.serviceSubnet);
    if (cni.advertise.externalIPs) out.add(c.externalSubnet);
    if (cni.advertise.loadBalancerIPs) out.add(loadBalancerPool(w).cidr);
  }
  for (const svc of services) {
    if (!svc.clusterIP || svc.clusterIP === 'None') continue;
    const local = svc.spec.externalTrafficPolicy === 'Local' && (svc.spec.type === 'NodePort' || svc.spec.type === 'LoadBalancer');
    if (!local && aggregates) continue;
    if (local && !svc.endpoints.some((p) => p.node === node.name && p.ready)) continue;
    const ips: string[] = [];
    if (cni.advertise.clusterIPs && cni.kind !== 'kube-router') ips.push(svc.clusterIP);
    if (cni.advertise.externalIPs) ips.push(...svc.externalIPs);
    if (cni.advertise.loadBalancerIPs && svc.loadBalancerIP) ips.push(svc.loadBalancerIP);
    for (const ip of ips) out.add(`${ip}/32`);
  }
  return [...out];
}

/**
 * Routes per leaf. A leaf with established sessions uses the node next hops it learned itself (eBGP, distance 20,
 * beats iBGP 200); any other leaf in the VRF reaches the prefix through the TEPs of the anchors that learned it.
 * ECMP is cut to `maxPaths`. Which paths NX-OS keeps beyond the limit is not documented for this case; the lab
 * keeps the lowest next-hop addresses (the BGP best-path tie-break on lowest neighbour address).
 */
export function computeRoutes(w: LabWorld, sessions: SessionTruth[] = computeSessions(w), services = computeServices(w)): RouteTruth[] {
  const s = w.scenario;
  const maxPaths = s.l3out.maxPaths;
  const nodes = new Map(w.nodes.map((n) => [n.name, n]));
  const adverts = new Map<string, string[]>();
  /** leaf → prefix → node next hops */
  const learned = new Map<number, Map<string, NodeState[]>>();
  for (const sess of sessions) {
    if (sess.state !== 'established' || sess.leaf === null) continue;
    const node = nodes.get(sess.node)!;
    let prefixes = adverts.get(node.name);
    if (!prefixes) adverts.set(node.name, (prefixes = nodeAdvertisements(w, node, services)));
    let table = learned.get(sess.leaf);
    if (!table) learned.set(sess.leaf, (table = new Map()));
    for (const p of prefixes) {
      const list = table.get(p);
      if (list) list.push(node);
      else table.set(p, [node]);
    }
  }
  const anchorsWith = new Map<string, number[]>();
  for (const [leaf, table] of learned)
    for (const prefix of table.keys()) anchorsWith.set(prefix, [...(anchorsWith.get(prefix) ?? []), leaf]);
  const out: RouteTruth[] = [];
  for (const leaf of s.fabric.leaves) {
    const local = learned.get(leaf.id);
    for (const [prefix, anchors] of anchorsWith) {
      const direct = local?.get(prefix);
      if (direct) {
        const hops = [...direct].sort((a, b) => compareIps(mustParseIp(a.ip), mustParseIp(b.ip)));
        out.push({
          leaf: leaf.id,
          prefix,
          candidates: hops.length,
          nextHops: hops.slice(0, maxPaths).map((n) => ({ addr: n.ip, node: n.name, viaLeaf: null })),
        });
      } else {
        const teps = anchors
          .map((a) => ({ addr: leafTep(s, a), node: null, viaLeaf: a }))
          .sort((a, b) => compareIps(mustParseIp(a.addr), mustParseIp(b.addr)));
        out.push({ leaf: leaf.id, prefix, candidates: teps.length, nextHops: teps.slice(0, maxPaths) });
      }
    }
  }
  return out;
}
