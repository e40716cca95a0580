import type { LabWorld, NodeState } from './world';

/** NX-OS BGP FSM states as bgpPeerEntry.operSt spells them. */
export type BgpState = 'idle' | 'connect' | 'active' | 'opensent' | 'openconfirm' | 'established';

/** Why a session is in its state; `detail` says it in words naming the mismatch. */
export type SessionReason =
  | 'ok'
  /** The lab drops BGP between the two (the session-down event: a link-level cut). */
  | 'admin-down'
  | 'node-not-ready'
  | 'no-anchor-at-peer-ip'
  | 'anchor-not-in-node-rack'
  | 'node-as-mismatch'
  | 'fabric-as-mismatch'
  | 'password-mismatch'
  /** The design expects the node to peer with a rack anchor, and nothing configures it to. */
  | 'no-node-peer'
  | 'node-peer-unreadable'
  | 'svi-not-deployed'
  | 'not-cabled'
  | 'vlan-mismatch'
  | 'outside-subnet'
  | 'no-leaf-peer'
  | 'leaf-peer-disabled'
  | 'no-fabric-as';

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
  /** The reason in words, naming the mismatch (lab ground truth and control API only, never the APIC wire). */
  detail: string;
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
): { state: BgpState; reason: SessionReason; detail: string } {
  const l3 = w.scenario.l3out;
  const at = `leaf ${leaf}`;
  if (leaf === undefined) return { state: 'active', reason: 'no-anchor-at-peer-ip', detail: `no anchor leaf has the peer address` };
  if (!node.ready) return { state: 'idle', reason: 'node-not-ready', detail: `node ${node.name} is NotReady` };
  if (down.has(sessionKey(leaf, node.name)))
    return { state: 'idle', reason: 'admin-down', detail: `the lab drops BGP between node ${node.name} and ${at} (session-down)` };
  if (anchorRack !== node.rack)
    return {
      state: 'active',
      reason: 'anchor-not-in-node-rack',
      detail: `${at} is in rack ${anchorRack}, node ${node.name} in rack ${node.rack}`,
    };
  if ((nodePassword ?? '') !== (l3.password ?? ''))
    return { state: 'active', reason: 'password-mismatch', detail: `TCP-MD5 mismatch between ${at} and ${node.ip}` };
  if (nodeAs !== l3.peerAs)
    return {
      state: 'idle',
      reason: 'node-as-mismatch',
      detail: `${at} expects AS ${l3.peerAs} from ${node.ip}, the node is in AS ${nodeAs}`,
    };
  if (expectedFabricAs !== l3.fabricAs)
    return {
      state: 'idle',
      reason: 'fabric-as-mismatch',
      detail: `node ${node.name} expects AS ${expectedFabricAs} from ${at}, which is in AS ${l3.fabricAs}`,
    };
  return { state: 'established', reason: 'ok', detail: 'established' };
}
