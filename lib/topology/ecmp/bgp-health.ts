/**
 * BGP health per (node, anchor leaf): expected by the CNI's peer configuration and/or the fabric's
 * L3Out peer (a bgpPeer/bgpPeerP prefix covering the node's address), against the sessions reported.
 */
import type { Bundle } from '../bundle-types';
import type { TopologyGraph } from '../graph';
import { nodeOfDn } from '../../aci/models/dn';
import { normaliseIp } from '../../aci/models/attributes';
import { readEcmpInputs } from './inputs';
import { computePeering, sessionKey } from './peering';
import { inCidr } from '../../net/ip';
import { detectCni } from './expected';
import type { BgpSessionHealth, CniKind, SessionExpectation } from './types';
import { compareStrings } from '../../shared/compare';

/** Fabric-side peer prefixes per leaf: operational bgpPeer entries in the VRF, and configured bgpPeerP under floating SVIs. */
function fabricPeerPrefixes(bundle: Bundle): { leaf: string; prefix: string }[] {
  const dom = `/dom-${bundle.fabric.tenant}:${bundle.fabric.vrf}/`;
  const out: { leaf: string; prefix: string }[] = [];
  for (const mo of bundle.apic.bgpPeer ?? []) {
    const a = mo.bgpPeer?.attributes;
    const where = a?.dn ? nodeOfDn(a.dn) : null;
    if (a?.addr && where && a.dn?.includes(dom)) out.push({ leaf: `leaf:${where.nodeId}`, prefix: a.addr });
  }
  for (const mo of bundle.apic.bgpPeerP ?? []) {
    const a = mo.bgpPeerP?.attributes;
    // `.../vlifp-[topology/pod-1/node-201]-[vlan-100]/peerP-[10.0.0.0/24]`: the leaf is inside the vlifp RN.
    const leafDn = a?.dn ? /vlifp-\[([^\]]+)\]/.exec(a.dn)?.[1] : undefined;
    const where = leafDn ? nodeOfDn(leafDn) : null;
    if (a?.addr && where && a.dn?.startsWith(`uni/tn-${bundle.fabric.tenant}/`)) out.push({ leaf: `leaf:${where.nodeId}`, prefix: a.addr });
  }
  return out;
}

export interface BgpHealth {
  cni: CniKind;
  /** True when expected sessions come from the CNI configuration; false when only the fabric's view was available. */
  fromCniConfig: boolean;
  nodes: string[];
  leaves: string[];
  sessions: BgpSessionHealth[];
  /** Peer IPs configured in the CNI that match no anchor leaf address, per node. */
  unmappedPeers: Record<string, string[]>;
}

export function analyseBgp(bundle: Bundle, graph: TopologyGraph): BgpHealth {
  const inputs = readEcmpInputs(bundle);
  const cni = detectCni(graph, inputs);
  const peering = computePeering(cni, inputs, graph);
  const fabricPeers = fabricPeerPrefixes(bundle);
  const nodeIp = new Map(
    graph.nodes.filter((n) => n.kind === 'k8s-node').map((n) => [n.id, typeof n.data.ip === 'string' ? normaliseIp(n.data.ip) : null]),
  );
  const pairs = new Map<string, BgpSessionHealth>();
  const entry = (node: string, leaf: string) => {
    const k = sessionKey(node, leaf);
    let e = pairs.get(k);
    if (!e) pairs.set(k, (e = { node, leaf, expectedBy: [], state: null, peerIp: null, prefixesReceived: null }));
    return e;
  };
  const expect = (e: BgpSessionHealth, by: SessionExpectation) => {
    if (!e.expectedBy.includes(by)) e.expectedBy.push(by);
  };
  for (const [node, leaves] of peering.cniLeaves) for (const leaf of leaves) expect(entry(node, leaf), 'cni');
  // The fabric accepts any speaker inside a peer prefix; only nodes the CNI makes speakers are expected to use it.
  for (const [node, ip] of nodeIp) {
    if (!ip || !peering.peeringNodes.has(node)) continue;
    const cniLeaves = peering.cniLeaves.get(node);
    for (const fp of fabricPeers) {
      if (!inCidr(ip, fp.prefix.includes('/') ? fp.prefix : `${fp.prefix}/${fp.prefix.includes(':') ? 128 : 32}`)) continue;
      // With a CNI configuration, a prefix peer on a leaf the node is not told to peer with is not an expectation.
      if (peering.fromCni && !cniLeaves?.has(fp.leaf)) continue;
      expect(entry(node, fp.leaf), 'fabric');
    }
  }
  for (const s of peering.sessions.values()) {
    const e = entry(s.node, s.leaf);
    e.state = s.state;
    e.peerIp = s.peerIp;
    e.prefixesReceived = s.prefixesReceived;
  }
  const sessions = [...pairs.values()].sort((a, b) => compareStrings(a.node, b.node) || compareStrings(a.leaf, b.leaf));
  for (const s of sessions) s.expectedBy.sort();
  return {
    cni,
    fromCniConfig: peering.fromCni,
    nodes: [...new Set([...peering.peeringNodes, ...sessions.map((s) => s.node)])].sort(),
    leaves: [...new Set(sessions.map((s) => s.leaf))].sort(),
    sessions,
    unmappedPeers: Object.fromEntries(peering.unmappedPeers),
  };
}
