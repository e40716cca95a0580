import type { Bundle } from '../bundle-types';
import type { FabricNode } from '../../aci/models';
import { GraphBuilder } from './builder';
import type { Inputs } from './inputs';
import { switchId } from './ids';

/** What every correlation step shares: the inputs, the graph being built and the indexes built so far. */
export interface Context {
  bundle: Bundle;
  inputs: Inputs;
  g: GraphBuilder;
  /** `tenant:vrf`, the `dom-` name of the cluster VRF on the switches. */
  dom: string;
  /** `uni/tn-T/ctx-V`. */
  vrfDn: string;
  /** Normalised IP → `node:<name>`. */
  nodeByIp: Map<string, string>;
  /** Fabric node id → its fabricNode record. */
  fabricNodes: Map<number, FabricNode>;
}

export function newContext(bundle: Bundle, inputs: Inputs, dom: string, vrfDn: string): Context {
  return { bundle, inputs, g: new GraphBuilder(), dom, vrfDn, nodeByIp: new Map(), fabricNodes: new Map() };
}

/**
 * The graph id of fabric node `id`, adding the node if the capture referenced a switch it has no
 * fabricNode record for (so no edge ever points at a missing node).
 */
export function ensureSwitch(ctx: Context, id: number): string {
  const fn = ctx.fabricNodes.get(id);
  const role = fn?.role === 'spine' ? 'spine' : 'leaf';
  const gid = switchId(role, id);
  if (!ctx.g.hasNode(gid)) {
    ctx.g.addNode({
      id: gid,
      kind: role,
      name: fn?.name || `${role}-${id}`,
      data: { podId: fn?.podId ?? null, nodeId: id, name: fn?.name ?? '', tepIp: fn?.address ?? null, model: fn?.model ?? '' },
    });
  }
  return gid;
}
