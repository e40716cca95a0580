import type { BgpPeerEntry } from '../../aci/models';
import type { GraphSink } from './builder';
import { ensureSwitch, type Context, type EnsureSwitch } from './context';
import { edgeId } from './ids';

/**
 * The `bgp` edge of one session between a Kubernetes node and a leaf in the cluster VRF, in every state: a session
 * that is down is the thing to show, not to hide. Null when the entry is in another VRF or its peer is no node.
 */
export function addBgpSession(
  e: BgpPeerEntry,
  dom: string,
  nodeAt: (ip: string) => string | undefined,
  ensure: EnsureSwitch,
  sink: GraphSink,
): void {
  if (e.dom !== dom || e.nodeId === null) return;
  const node = nodeAt(e.addr);
  if (!node) return;
  const leaf = ensure(e.nodeId);
  const id = edgeId('bgp', node, leaf, e.addr);
  const acceptedPaths = e.afs.reduce<number | null>((sum, af) => (af.acceptedPaths === null ? sum : (sum ?? 0) + af.acceptedPaths), null);
  sink.addEdge({
    id,
    kind: 'bgp',
    source: node,
    target: leaf,
    data: { state: e.operSt, peerIp: e.addr, type: e.type, localIp: e.localIp, acceptedPaths },
  });
  if (e.operSt !== 'established')
    sink.problem('error', 'bgp-session-not-established', id, `BGP session from ${leaf} to ${e.addr} is ${e.operSt}.`);
}

export function addBgpSessions(ctx: Context): void {
  for (const e of ctx.inputs.apic('bgpPeerEntry'))
    addBgpSession(
      e,
      ctx.dom,
      (ip) => ctx.nodeByIp.get(ip),
      (id) => ensureSwitch(ctx, id),
      ctx.g,
    );
}
