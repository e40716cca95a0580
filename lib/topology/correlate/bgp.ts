import { ensureSwitch, type Context } from './context';
import { edgeId } from './ids';

/**
 * One `bgp` edge per session between a Kubernetes node and a leaf in the cluster VRF, in every state:
 * a session that is down is the thing to show, not to hide.
 */
export function addBgpSessions(ctx: Context): void {
  for (const e of ctx.inputs.apic('bgpPeerEntry')) {
    if (e.dom !== ctx.dom || e.nodeId === null) continue;
    const node = ctx.nodeByIp.get(e.addr);
    if (!node) continue;
    const leaf = ensureSwitch(ctx, e.nodeId);
    const id = edgeId('bgp', node, leaf, e.addr);
    const acceptedPaths = e.afs.reduce<number | null>((sum, af) => (af.acceptedPaths === null ? sum : (sum ?? 0) + af.acceptedPaths), null);
    ctx.g.addEdge({
      id,
      kind: 'bgp',
      source: node,
      target: leaf,
      data: { state: e.operSt, peerIp: e.addr, type: e.type, localIp: e.localIp, acceptedPaths },
    });
    if (e.operSt !== 'established') {
      ctx.g.problem('error', 'bgp-session-not-established', id, `BGP session from ${leaf} to ${e.addr} is ${e.operSt}.`);
    }
  }
}
