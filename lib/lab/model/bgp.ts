import type { LabWorld, NodeState } from './world';

/** NX-OS BGP FSM states as bgpPeerEntry.operSt spells them. */
export type BgpState = 'idle' | 'connect' | 'active' | 'opensent' | 'openconfirm' | 'established';

export type SessionReason =
  | 'ok'
  | 'admin-down'
  | 'node-not-ready'
  | 'no-anchor-at-peer-ip'
  | 'anchor-not-in-node-rack'
  | 'node-as-mismatch'
  | 'fabric-as-mismatch'
  | 'password-mismatch';

/** Ground truth of one configured BGP session between a node and a fabric address. */
export interface SessionTruth {
  node: string;
  nodeIp: string;
  /** The address the node's CNI peers with. */
  peerIp: string;
  /** The anchor leaf owning peerIp, or null when no anchor has that address (nothing shows on the APIC). */
  leaf: number | null;
  state: BgpState;
  reason: SessionReason;
}

export function sessionKey(leaf: number, node: string): string {
  return `${leaf}|${node}`;
}

/**
 * Which sessions exist and in which state. A node peers with the CNI peers configured for its rack; the fabric
 * accepts any speaker from the node subnet (bgpPeerP with a prefix address) on every anchor.
 * State rules (documented choices, matching what NX-OS shows on the passive, dynamic-neighbour side):
 *   - password mismatch: TCP-MD5 drops the SYNs, the TCP session never opens → `active`;
 *   - AS mismatch either way: OPEN is answered by a NOTIFICATION (bad peer AS) → back to `idle`;
 *   - node down / session shut → `idle`.
 */
export function computeSessions(w: LabWorld): SessionTruth[] {
  const s = w.scenario;
  const anchorsByIp = new Map(s.l3out.deployed ? s.l3out.anchors.map((a) => [a.ip, a]) : []);
  const down = new Set(w.downSessions);
  const out: SessionTruth[] = [];
  for (const node of w.nodes) {
    const nodeAs = s.cluster.cni.as;
    for (const peer of s.cluster.cni.peers) {
      if (peer.rack !== node.rack) continue;
      const anchor = anchorsByIp.get(peer.ip);
      const base = { node: node.name, nodeIp: node.ip, peerIp: peer.ip, leaf: anchor?.leaf ?? null };
      const nodePassword = peer.password;
      out.push({ ...base, ...sessionState(w, node, anchor?.leaf, anchor?.rack, nodeAs, peer.as, nodePassword, down) });
    }
  }
  return out;
}

function sessionState(
  w: LabWorld,
  node: NodeState,
  leaf: number | undefined,
  anchorRack: number | undefined,
  nodeAs: number,
  expectedFabricAs: number,
  nodePassword: string | undefined,
  down: Set<string>,
): { state: BgpState; reason: SessionReason } {
  const l3 = w.scenario.l3out;
  if (leaf === undefined) return { state: 'active', reason: 'no-anchor-at-peer-ip' };
  if (!node.ready) return { state: 'idle', reason: 'node-not-ready' };
  if (down.has(sessionKey(leaf, node.name))) return { state: 'idle', reason: 'admin-down' };
  if (anchorRack !== node.rack) return { state: 'active', reason: 'anchor-not-in-node-rack' };
  if ((nodePassword ?? '') !== (l3.password ?? '')) return { state: 'active', reason: 'password-mismatch' };
  if (nodeAs !== l3.peerAs) return { state: 'idle', reason: 'node-as-mismatch' };
  if (expectedFabricAs !== l3.fabricAs) return { state: 'idle', reason: 'fabric-as-mismatch' };
  return { state: 'established', reason: 'ok' };
}
