/**
 * Why a BGP session between a node and an anchor leaf is not established, as far as both sides' configuration
 * shows it: the node's readiness, its address against the leaf's peer prefixes, the AS each side expects of the
 * other, and whether the CNI peers the node with that leaf at all. Pure: (bundle, graph, health) in, one
 * sentence per down pair out. The lab's twin and a real fabric are read the same way.
 */
import type { Bundle } from '../bundle-types';
import type { TopologyGraph } from '../graph';
import { moEntry } from '../../aci/mo';
import { nodeOfDn } from '../../aci/models/dn';
import { normaliseIp } from '../../aci/models/attributes';
import type { BgpHealth } from './bgp-health';
import { inCidr } from '../../net/ip';
import { readEcmpInputs } from './inputs';

export interface DownSession {
  node: string;
  leaf: string;
  state: string | null;
  /** The likely causes, most specific first; never empty. */
  causes: string[];
}

/** Calico's AS when no BGPConfiguration sets one. */
const CALICO_DEFAULT_AS = 64512;

interface LeafPeer {
  leaf: string;
  prefix: string;
  /** Remote AS the leaf expects (bgpAsP under the peer profile), when configured. */
  remoteAs: number | null;
}

/** Floating-SVI peer profiles per leaf with the AS each expects, from bgpPeerP and its bgpAsP child (`<peerP>/as`). */
function leafPeers(bundle: Bundle): LeafPeer[] {
  const asByPeer = new Map<string, number>();
  for (const mo of bundle.apic.bgpAsP ?? []) {
    const a = moEntry(mo)[1].attributes;
    if (a.dn?.endsWith('/as') && a.asn && /^\d+$/.test(a.asn)) asByPeer.set(a.dn.slice(0, -3), Number(a.asn));
  }
  const out: LeafPeer[] = [];
  for (const mo of bundle.apic.bgpPeerP ?? []) {
    const a = moEntry(mo)[1].attributes;
    const leafDn = a.dn ? /vlifp-\[([^\]]+)\]/.exec(a.dn)?.[1] : undefined;
    const where = leafDn ? nodeOfDn(leafDn) : null;
    if (a.dn && a.addr && where) out.push({ leaf: `leaf:${where.nodeId}`, prefix: a.addr, remoteAs: asByPeer.get(a.dn) ?? null });
  }
  return out;
}

/** The fabric's own AS (`uni/fabric/bgpInstP-default/as`), when the bundle carries it. */
function fabricAs(bundle: Bundle): number | null {
  for (const mo of bundle.apic.bgpAsP ?? []) {
    const a = moEntry(mo)[1].attributes;
    if (a.dn === 'uni/fabric/bgpInstP-default/as' && a.asn && /^\d+$/.test(a.asn)) return Number(a.asn);
  }
  return null;
}

const leafName = (leaf: string) => leaf.replace(/^leaf:/, 'leaf ');
const nodeName = (node: string) => node.replace(/^node:/, '');

export function downSessions(
  bundle: Bundle,
  graph: TopologyGraph,
  health: BgpHealth,
  scope?: { nodes?: string[]; leaves?: string[] },
): DownSession[] {
  const inputs = readEcmpInputs(bundle);
  const peers = leafPeers(bundle);
  const fabric = fabricAs(bundle);
  const clusterAs =
    graph.cluster.asn ??
    (health.cni === 'calico' && inputs.bgpConfigurations.every((c) => c.metadata.name !== 'default') ? CALICO_DEFAULT_AS : null);
  const leafIp = new Map<string, string>();
  for (const [ip, leaf] of inputs.anchorIps) if (!ip.includes(':')) leafIp.set(leaf, ip);
  const nodeIp = new Map(
    graph.nodes.filter((n) => n.kind === 'k8s-node').map((n) => [n.id, typeof n.data.ip === 'string' ? normaliseIp(n.data.ip) : null]),
  );
  const ready = new Map(inputs.nodes.map((n) => [`node:${n.name}`, n.ready]));
  const out: DownSession[] = [];
  for (const s of health.sessions) {
    if (s.expectedBy.length === 0 || s.state === 'established') continue;
    if (scope?.nodes && !scope.nodes.includes(s.node)) continue;
    if (scope?.leaves && !scope.leaves.includes(s.leaf)) continue;
    const causes: string[] = [];
    const ip = nodeIp.get(s.node) ?? null;
    const node = nodeName(s.node);
    const leaf = leafName(s.leaf);
    if (ready.get(s.node) === false) causes.push(`node ${node} is NotReady`);
    const onLeaf = peers.filter((p) => p.leaf === s.leaf);
    const covering = ip ? onLeaf.filter((p) => inCidr(ip, p.prefix.includes('/') ? p.prefix : `${p.prefix}/32`)) : [];
    if (ip && onLeaf.length > 0 && covering.length === 0)
      causes.push(`${node}'s address ${ip} is outside ${leaf}'s BGP peer prefixes (${onLeaf.map((p) => p.prefix).join(', ')})`);
    for (const p of covering) {
      if (p.remoteAs !== null && clusterAs !== null && p.remoteAs !== clusterAs)
        causes.push(
          `${leaf} expects AS ${p.remoteAs} from ${ip} (bgpAsP of peer ${p.prefix}), the cluster's ${health.cni === 'calico' ? 'BGPConfiguration' : 'CNI'} says ${clusterAs}`,
        );
    }
    if (health.cni === 'calico') {
      const addr = leafIp.get(s.leaf);
      const peersForLeaf = inputs.bgpPeers.filter(
        (p) => addr !== undefined && normaliseIp((p.spec?.peerIP ?? '').replace(/:\d+$/, '')) === addr,
      );
      if (addr && peersForLeaf.length === 0) causes.push(`no BGPPeer has ${leaf}'s address ${addr} as peerIP`);
      else if (s.expectedBy.includes('fabric') && !s.expectedBy.includes('cni'))
        causes.push(`no BGPPeer for ${leaf} (${addr}) selects node ${node} (check the node's labels against the peers' nodeSelector)`);
      if (fabric !== null)
        for (const p of peersForLeaf) {
          // The analysis' parsed peers keep only what it needs; the AS is read from the object as the cluster has it.
          const raw = (bundle.k8s.bgppeers ?? []).find((o) => o.metadata.name === p.metadata.name);
          const asNumber = (raw?.spec as { asNumber?: unknown } | undefined)?.asNumber;
          if (typeof asNumber === 'number' && asNumber !== fabric)
            causes.push(`BGPPeer ${p.metadata.name} says ${leaf} is AS ${asNumber}; the fabric's AS is ${fabric}`);
        }
    }
    const unmapped = health.unmappedPeers[s.node];
    if (unmapped?.length) causes.push(`${node} peers with ${unmapped.join(', ')}, which is no anchor leaf's address`);
    if (causes.length === 0)
      causes.push(
        s.state === null
          ? `${leaf} reports no session for ${ip ?? node}: the node is not connecting (CNI BGP not running, no route to the leaf, or the VLAN/encap does not reach it)`
          : `both sides' AS numbers and addresses agree; check the BGP password (set on one side only, or different) and the node's reachability`,
      );
    out.push({ node: s.node, leaf: s.leaf, state: s.state, causes });
  }
  return out;
}

/** One line per down pair: `node worker-1 ↔ leaf 101: idle — leaf 101 expects AS 65003 …`. */
export function describeDown(d: DownSession): string {
  return `node ${nodeName(d.node)} ↔ ${leafName(d.leaf)}: ${d.state ?? 'no session'} — ${d.causes.join('; ')}`;
}
