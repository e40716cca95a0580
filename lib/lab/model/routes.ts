import { compareIps, mustParseIp } from '../../net/ip';
import { computeSessions, type SessionTruth } from './bgp';
import { leafTep } from './fabric';
import { advertisedPrefixes, type AdvertiseConfig } from './advertise';
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

/** What a scenario's CNI advertises: the `advertise` flags of its cni block (kube-router never advertises cluster IPs). */
export function scenarioAdvertise(w: LabWorld): AdvertiseConfig {
  const c = w.scenario.cluster;
  const adv = c.cni.advertise;
  const calico = c.cni.kind === 'calico';
  return {
    podCidr: true,
    aggregates: calico
      ? [
          ...(adv.clusterIPs ? [c.serviceSubnet] : []),
          ...(adv.externalIPs ? [c.externalSubnet] : []),
          ...(adv.loadBalancerIPs ? [loadBalancerPool(w).cidr] : []),
        ]
      : [],
    aggregating: calico,
    clusterIPs: adv.clusterIPs && c.cni.kind !== 'kube-router',
    externalIPs: adv.externalIPs,
    loadBalancerIPs: adv.loadBalancerIPs,
  };
}

/** The prefixes a node of the scenario advertises over its established sessions (see advertisedPrefixes). */
export function nodeAdvertisements(w: LabWorld, node: NodeState, services: ServiceState[]): string[] {
  return advertisedPrefixes(node.name, node.podCidr, scenarioAdvertise(w), services);
}

/** One path a leaf learned for a prefix over an established eBGP session. */
export interface LearnedPath {
  addr: string;
  node: string;
}

export interface LeafRouting {
  id: number;
  tep: string;
}

/**
 * Routes per leaf, from what each anchor learned: `learned` is leaf → prefix → paths. A leaf with its own paths for
 * a prefix uses them (eBGP, distance 20, beats iBGP 200), cut to `maxEcmp`; any other leaf in the VRF reaches the
 * prefix through the TEPs of the anchors that learned it, cut to `maxEcmpIbgp`. Which paths NX-OS keeps beyond the
 * limit is not documented for this case; the lab keeps the lowest next-hop addresses (the BGP best-path tie-break
 * on lowest neighbour address).
 */
export function installRoutes(
  leaves: readonly LeafRouting[],
  learned: ReadonlyMap<number, ReadonlyMap<string, readonly LearnedPath[]>>,
  limits: { maxEcmp: number; maxEcmpIbgp: number },
): RouteTruth[] {
  const tepOf = new Map(leaves.map((l) => [l.id, l.tep]));
  const anchorsWith = new Map<string, number[]>();
  for (const [leaf, table] of learned)
    for (const prefix of table.keys()) {
      const list = anchorsWith.get(prefix);
      if (list) list.push(leaf);
      else anchorsWith.set(prefix, [leaf]);
    }
  // Each address parsed once, each prefix's anchor TEPs ordered once: a large fabric has thousands of both.
  const parsed = new Map<string, ReturnType<typeof mustParseIp>>();
  const ip = (addr: string) => {
    let v = parsed.get(addr);
    if (!v) parsed.set(addr, (v = mustParseIp(addr)));
    return v;
  };
  const tepsOf = new Map<string, NextHopTruth[]>();
  const out: RouteTruth[] = [];
  for (const leaf of leaves) {
    const local = learned.get(leaf.id);
    for (const [prefix, anchors] of anchorsWith) {
      const direct = local?.get(prefix);
      if (direct) {
        const hops = [...direct].sort((a, b) => compareIps(ip(a.addr), ip(b.addr)));
        out.push({
          leaf: leaf.id,
          prefix,
          candidates: hops.length,
          nextHops: hops.slice(0, limits.maxEcmp).map((h) => ({ addr: h.addr, node: h.node, viaLeaf: null })),
        });
      } else {
        let teps = tepsOf.get(prefix);
        if (!teps)
          tepsOf.set(
            prefix,
            (teps = anchors
              .map((a) => ({ addr: tepOf.get(a) ?? '', node: null, viaLeaf: a }))
              .sort((a, b) => compareIps(ip(a.addr), ip(b.addr)))),
          );
        out.push({
          leaf: leaf.id,
          prefix,
          candidates: teps.length,
          nextHops: teps.slice(0, limits.maxEcmpIbgp).map((h) => ({ ...h })),
        });
      }
    }
  }
  return out;
}

/** The scenario's declared routes: its sessions, its nodes' advertisements, its L3Out's maxPaths. */
export function computeRoutes(w: LabWorld, sessions: SessionTruth[] = computeSessions(w), services = computeServices(w)): RouteTruth[] {
  const s = w.scenario;
  const nodes = new Map(w.nodes.map((n) => [n.name, n]));
  const adverts = new Map<string, string[]>();
  const learned = new Map<number, Map<string, LearnedPath[]>>();
  for (const sess of sessions) {
    if (sess.state !== 'established' || sess.leaf === null) continue;
    const node = nodes.get(sess.node)!;
    let prefixes = adverts.get(node.name);
    if (!prefixes) adverts.set(node.name, (prefixes = nodeAdvertisements(w, node, services)));
    let table = learned.get(sess.leaf);
    if (!table) learned.set(sess.leaf, (table = new Map()));
    for (const p of prefixes) {
      const list = table.get(p);
      if (list) list.push({ addr: node.ip, node: node.name });
      else table.set(p, [{ addr: node.ip, node: node.name }]);
    }
  }
  const leaves = s.fabric.leaves.map((l) => ({ id: l.id, tep: leafTep(s, l.id) }));
  return installRoutes(leaves, learned, { maxEcmp: s.l3out.maxPaths, maxEcmpIbgp: s.l3out.maxPaths });
}
