/**
 * Which anchor leaves each node is configured to peer with, from the CNI's peer configuration (Calico
 * BGPPeer, kube-router peer annotations/flags, Cilium CiliumBGPClusterConfig) and the fabric's sessions.
 */
import type { TopologyGraph } from '../graph';
import type { CniKind } from './types';
import type { EcmpInputs, NodeFacts } from './inputs';
import { calicoSelector, matchesLabelSelector } from './selectors';
import { normaliseIp } from '../../aci/models/attributes';

export interface SessionEdge {
  node: string;
  leaf: string;
  state: string;
  peerIp: string | null;
  prefixesReceived: number | null;
}

export interface Peering {
  /** `node:<name>` → leaves the CNI configuration says it peers with. */
  cniLeaves: Map<string, Set<string>>;
  /** Nodes the CNI configuration makes BGP speakers towards the fabric. */
  peeringNodes: Set<string>;
  /** True when the CNI peer configuration could be read; false falls back to the fabric's sessions. */
  fromCni: boolean;
  /** Every session entry the fabric reports, keyed `node|leaf`. */
  sessions: Map<string, SessionEdge>;
  /** Peer IPs that map to no known leaf, per node (shown, never silently dropped). */
  unmappedPeers: Map<string, string[]>;
}

export const sessionKey = (node: string, leaf: string) => `${node}|${leaf}`;

/** A flag's value in a command line: `--flag=v`, `--flag v`, or a bare `--flag` (true). */
export function kubeRouterFlag(args: readonly string[], flag: string): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === flag) return args[i + 1] !== undefined && !args[i + 1]!.startsWith('--') ? args[i + 1]! : 'true';
    if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
  }
  return null;
}

/** Every kube-router container's flags, merged (the DaemonSet is found by its `--cluster-asn`/peer flags). */
export function kubeRouterArgs(inputs: EcmpInputs): string[] {
  return inputs.daemonSets.flatMap((ds) =>
    (ds.spec?.template?.spec?.containers ?? []).flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])]),
  );
}

function peerIpsFor(cni: CniKind, inputs: EcmpInputs, node: NodeFacts): string[] | null {
  const ips: string[] = [];
  if (cni === 'calico') {
    for (const p of inputs.bgpPeers) {
      if (!p.spec?.peerIP || p.spec.peerSelector) continue; // peerSelector peers are other Calico nodes
      const applies = p.spec.node ? p.spec.node === node.name : calicoSelector(p.spec.nodeSelector);
      if (applies === null) return null;
      if (applies === true || (typeof applies === 'function' && applies(node.labels))) ips.push(p.spec.peerIP);
    }
  } else if (cni === 'kube-router') {
    ips.push(...(node.annotations['kube-router.io/peer.ips'] ?? '').split(','));
    ips.push(...(kubeRouterFlag(kubeRouterArgs(inputs), '--peer-router-ips') ?? '').split(','));
  } else if (cni === 'cilium') {
    for (const c of inputs.ciliumClusterConfigs) {
      if (!matchesLabelSelector(c.spec?.nodeSelector, node.labels)) continue;
      for (const inst of c.spec?.bgpInstances ?? []) for (const p of inst.peers ?? []) if (p.peerAddress) ips.push(p.peerAddress);
    }
  } else return null;
  // `ip:port` and `[v6]:port` are valid Calico peerIP forms; the address is what identifies the leaf.
  return ips
    .map((s) =>
      s
        .trim()
        .replace(/^\[([^\]]+)\](:\d+)?$/, '$1')
        .replace(/^([\d.]+):\d+$/, '$1'),
    )
    .filter((s) => s !== '');
}

export function sessionsOf(graph: TopologyGraph): Map<string, SessionEdge> {
  const out = new Map<string, SessionEdge>();
  for (const e of graph.edges) {
    if (e.kind !== 'bgp') continue;
    const d = e.data;
    out.set(sessionKey(e.source, e.target), {
      node: e.source,
      leaf: e.target,
      state: typeof d.state === 'string' ? d.state : 'unknown',
      peerIp: typeof d.peerIp === 'string' ? d.peerIp : null,
      prefixesReceived: typeof d.acceptedPaths === 'number' ? d.acceptedPaths : null,
    });
  }
  return out;
}

export function computePeering(cni: CniKind, inputs: EcmpInputs, graph: TopologyGraph): Peering {
  const sessions = sessionsOf(graph);
  const leafByIp = new Map(inputs.anchorIps);
  for (const e of graph.edges) {
    const local = e.kind === 'bgp' && typeof e.data.localIp === 'string' ? normaliseIp(e.data.localIp) : null;
    if (local && local !== '0.0.0.0' && !leafByIp.has(local)) leafByIp.set(local, e.target);
  }
  const cniLeaves = new Map<string, Set<string>>();
  const peeringNodes = new Set<string>();
  const unmappedPeers = new Map<string, string[]>();
  let fromCni = cni !== 'unknown';
  for (const n of inputs.nodes) {
    const id = `node:${n.name}`;
    const ips = peerIpsFor(cni, inputs, n);
    if (ips === null) {
      fromCni = false;
      break;
    }
    if (ips.length > 0) peeringNodes.add(id);
    const leaves = new Set<string>();
    for (const ip of ips) {
      const leaf = leafByIp.get(normaliseIp(ip) ?? ip);
      if (leaf) leaves.add(leaf);
      else unmappedPeers.set(id, [...(unmappedPeers.get(id) ?? []), ip]);
    }
    cniLeaves.set(id, leaves);
  }
  if (!fromCni || peeringNodes.size === 0) {
    // No readable CNI peer configuration: the fabric's session entries are the only evidence of intent.
    fromCni = false;
    cniLeaves.clear();
    peeringNodes.clear();
    for (const s of sessions.values()) peeringNodes.add(s.node);
  }
  return { cniLeaves, peeringNodes, fromCni, sessions, unmappedPeers };
}

/** Whether `node` is meant to peer with `leaf`: configured by the CNI, or a session entry exists. */
export function peersWith(p: Peering, node: string, leaf: string): boolean {
  return (p.cniLeaves.get(node)?.has(leaf) ?? false) || p.sessions.has(sessionKey(node, leaf));
}

/** Anchor leaves: every leaf some node is configured to, or does, peer with. */
export function anchorLeaves(p: Peering): string[] {
  const out = new Set<string>();
  for (const leaves of p.cniLeaves.values()) for (const l of leaves) out.add(l);
  for (const s of p.sessions.values()) out.add(s.leaf);
  return [...out].sort();
}
