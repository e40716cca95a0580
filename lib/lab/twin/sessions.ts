import type { BgpState, SessionReason, SessionTruth } from '../model/bgp';
import type { ClusterConfig, NodeBgpConfig, NodePeer } from './cluster-config';
import { leafPeerFor, safeInCidr, type FabricConfig, type FloatingSvi, type LeafPeerConfig } from './fabric-config';

/**
 * Session states decided the way the two BGP speakers would, from what each side is configured with and what the
 * wire between them is (pure). A node opens a session to each configured peer address; a leaf accepts it when one
 * of its floating SVIs holds that address, is deployed, shares the node's VLAN and subnet, and has a bgpPeerP
 * covering the node. States as NX-OS shows them on the passive, dynamic-neighbour side:
 *   - no TCP session reaches the leaf (node down, unreachable, blocked, no neighbour accepted) → `idle`;
 *   - TCP-MD5 mismatch: the SYNs are dropped, the node keeps retrying → `active`;
 *   - AS mismatch either way: OPEN answered by NOTIFICATION (bad peer AS) → `idle`;
 *   - a peer address no leaf holds: the node's connects go nowhere → `active`, and no leaf shows anything.
 * `detail` names the mismatch; it lives in the lab's ground truth only, never on the APIC wire.
 */

/** What the lab knows of a node's cabling (the wire), independent of either side's configuration. */
export interface NodeWire {
  /** Leaves the node's traffic enters the fabric on (empty: not cabled). */
  leaves: readonly number[];
  /** The VLAN the node's interface is on (port group / tagged VLAN). */
  vlan?: number;
  /** The rack it stands in. */
  rack?: number;
  /** Leaves the lab drops BGP to for this node (the `session-down` event). */
  blocked: ReadonlySet<number>;
  /** The address configured on the node's interface, when the wire knows it better than the Node object. */
  ip?: string;
}

export interface WireFacts {
  node(name: string): NodeWire | undefined;
  /** Rack of a leaf (scenario), so a rack's anchors are expected to peer with its nodes. */
  leafRack(leaf: number): number | undefined;
}

export interface DecidedSession extends SessionTruth {
  /** The SVI the session runs on (for the operational MOs), when a leaf holds the peer address. */
  svi?: FloatingSvi;
  /** True when the leaf knows the neighbour and shows a bgpPeerEntry for it. */
  leafShows: boolean;
  /** The node's peer configuration, when it has one for this address. */
  peer?: NodePeer;
  /** The leaf's bgpPeerP accepting the node, when one covers it. */
  leafPeer?: LeafPeerConfig;
}

interface Verdict {
  state: BgpState;
  reason: SessionReason;
  detail: string;
  leafShows: boolean;
}

const up = (): Verdict => ({ state: 'established', reason: 'ok', detail: 'established', leafShows: true });
const down = (state: BgpState, reason: SessionReason, detail: string, leafShows = true): Verdict => ({ state, reason, detail, leafShows });

/** Whose address a node peer points at: the deployed (or not) floating SVIs holding it. */
export function svisByAddress(fabric: FabricConfig): Map<string, FloatingSvi[]> {
  const out = new Map<string, FloatingSvi[]>();
  for (const svi of fabric.svis) out.set(svi.addr, [...(out.get(svi.addr) ?? []), svi]);
  return out;
}

function decide(
  node: NodeBgpConfig,
  ip: string | undefined,
  wire: NodeWire | undefined,
  peer: NodePeer | undefined,
  svi: FloatingSvi,
  fabric: FabricConfig,
  others: string,
): Verdict {
  const leaf = `leaf ${svi.leaf}`;
  if (!node.ready) return down('idle', 'node-not-ready', `node ${node.name} is NotReady`);
  if (!peer)
    return down('idle', 'no-node-peer', `node ${node.name} has no BGP peer for ${svi.addr} (${leaf})${others ? `: ${others}` : ''}`, false);
  if (peer.problem)
    return down('idle', 'node-peer-unreadable', `node ${node.name} cannot use its peer ${svi.addr}: ${peer.problem}`, false);
  if (svi.notDeployed) return down('idle', 'svi-not-deployed', `${leaf} does not deploy ${svi.addr}: ${svi.notDeployed}`, false);
  if (!wire || wire.leaves.length === 0) return down('idle', 'not-cabled', `node ${node.name} has no link to the fabric`);
  if (wire.vlan !== svi.vlan)
    return down(
      'idle',
      'vlan-mismatch',
      `${leaf}'s floating SVI is on VLAN ${svi.vlan}, node ${node.name} is on VLAN ${wire.vlan ?? 'none'}`,
    );
  if (!ip || !safeInCidr(ip, svi.subnet))
    return down(
      'idle',
      'outside-subnet',
      `node ${node.name}'s address ${ip ?? '(none)'} is outside ${leaf}'s floating SVI subnet ${svi.subnet}`,
    );
  if (wire.blocked.has(svi.leaf))
    return down('idle', 'admin-down', `the lab drops BGP between node ${node.name} and ${leaf} (session-down)`);
  const lp = leafPeerFor(svi, ip);
  if (!lp)
    return down(
      'idle',
      'no-leaf-peer',
      `${leaf} has no bgpPeerP covering ${ip} (its peers: ${svi.peers.map((p) => p.prefix).join(', ') || 'none'})`,
      false,
    );
  if (!lp.enabled) return down('idle', 'leaf-peer-disabled', `${leaf}'s ${lp.dn} is administratively disabled`);
  if (lp.password !== peer.password) {
    const side = !lp.password
      ? `${peer.source} sets a password, ${leaf}'s bgpPeerP sets none`
      : !peer.password
        ? `${leaf}'s bgpPeerP sets a password, ${peer.source} sets none`
        : `${leaf}'s bgpPeerP and ${peer.source} set different passwords`;
    return down('active', 'password-mismatch', `TCP-MD5 mismatch between ${leaf} and ${ip}: ${side}`);
  }
  const leafAs = lp.localAs ?? fabric.fabricAs;
  if (leafAs === undefined)
    return down('idle', 'no-fabric-as', `${leaf} runs no BGP: the fabric has no AS (uni/fabric/bgpInstP-default/as)`, false);
  const expected = lp.remoteAs ?? leafAs;
  if (expected !== peer.localAs)
    return down('idle', 'node-as-mismatch', `${leaf} expects AS ${expected} from ${ip}, the node's ${node.asSource} says ${peer.localAs}`);
  if (peer.remoteAs !== leafAs)
    return down(
      'idle',
      'fabric-as-mismatch',
      `${peer.source} expects AS ${peer.remoteAs ?? '(none)'} from ${svi.addr}, ${leaf} is in AS ${leafAs}`,
    );
  return up();
}

/**
 * Every session of a cluster: each peer its nodes are configured with, and each rack-local anchor a node has no
 * peer for (a session the design expects, down with the reason). Ordered by node, then peer address.
 */
export function decideSessions(cluster: ClusterConfig, fabric: FabricConfig, wire: WireFacts): DecidedSession[] {
  const byAddr = svisByAddress(fabric);
  const out: DecidedSession[] = [];
  const unusedFor = (addr: string): string =>
    cluster.unused
      .filter((u) => u.peerIp === addr)
      .map((u) => u.why)
      .join('; ');
  for (const node of cluster.nodes) {
    const w = wire.node(node.name);
    const ip = w?.ip ?? node.ip;
    const seen = new Set<string>();
    const base = { node: node.name, nodeIp: ip ?? '' };
    for (const peer of node.peers) {
      if (seen.has(peer.peerIp)) continue;
      seen.add(peer.peerIp);
      const svis = byAddr.get(peer.peerIp) ?? [];
      const svi = svis.find((s) => !s.notDeployed) ?? svis[0];
      if (!svi) {
        out.push({
          ...base,
          peerIp: peer.peerIp,
          leaf: null,
          state: 'active',
          reason: 'no-anchor-at-peer-ip',
          detail: `no leaf has address ${peer.peerIp}: ${peer.source} of node ${node.name} peers with it`,
          leafShows: false,
          peer,
        });
        continue;
      }
      const leafPeer = ip ? leafPeerFor(svi, ip) : undefined;
      out.push({
        ...base,
        peerIp: peer.peerIp,
        leaf: svi.leaf,
        svi,
        peer,
        ...(leafPeer ? { leafPeer } : {}),
        ...decide(node, ip, w, peer, svi, fabric, ''),
      });
    }
    // The design's expectation: a node peers with every anchor of its rack that serves its subnet.
    const rack = w?.rack;
    if (rack === undefined || !ip) continue;
    for (const svi of fabric.svis) {
      if (seen.has(svi.addr) || wire.leafRack(svi.leaf) !== rack || !safeInCidr(ip, svi.subnet)) continue;
      seen.add(svi.addr);
      const others = unusedFor(svi.addr) || `no peer of the cluster has peer address ${svi.addr}`;
      out.push({ ...base, peerIp: svi.addr, leaf: svi.leaf, svi, ...decide(node, ip, w, undefined, svi, fabric, others) });
    }
  }
  return out;
}
