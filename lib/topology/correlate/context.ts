import type { Bundle } from '../bundle-types';
import type { FabricNode } from '../../aci/models';
import type { GraphNode } from '../graph';
import { GraphBuilder } from './builder';
import type { Inputs } from './inputs';
import { switchId } from './ids';
import { vpcPeers } from './vpc';

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
  /** Leaf → vPC peer leaf (node ids). */
  vpcPeers: Map<number, number>;
}

export function newContext(bundle: Bundle, inputs: Inputs, dom: string, vrfDn: string): Context {
  const peers = vpcPeers(inputs.apic('fabricExplicitGEp'), inputs.apic('vpcDom'));
  return { bundle, inputs, g: new GraphBuilder(), dom, vrfDn, nodeByIp: new Map(), fabricNodes: new Map(), vpcPeers: peers };
}

/** Turns a fabric node id into its graph id, adding the switch node when it is not there yet. */
export type EnsureSwitch = (nodeId: number) => string;

/** The graph id of fabric node `id`: its role decides `leaf:` or `spine:` (a switch without a record counts as a leaf). */
export function switchGid(id: number, fn: FabricNode | undefined): string {
  return switchId(fn?.role === 'spine' ? 'spine' : 'leaf', id);
}

/**
 * The graph node of fabric node `id`, from its fabricNode record when the capture has one; a leaf in a vPC pair
 * carries its peer's graph id as `vpcPeer` (from the APIC's protection groups or vPC domains, see vpc.ts).
 */
export function switchNode(id: number, fn: FabricNode | undefined, vpcPeer?: number): GraphNode {
  const role = fn?.role === 'spine' ? 'spine' : 'leaf';
  return {
    id: switchId(role, id),
    kind: role,
    name: fn?.name || `${role}-${id}`,
    data: {
      podId: fn?.podId ?? null,
      nodeId: id,
      name: fn?.name ?? '',
      tepIp: fn?.address ?? null,
      model: fn?.model ?? '',
      ...(role === 'leaf' && vpcPeer !== undefined ? { vpcPeer: switchId('leaf', vpcPeer) } : {}),
    },
  };
}

/**
 * The graph id of fabric node `id`, adding the node if the capture referenced a switch it has no
 * fabricNode record for (so no edge ever points at a missing node).
 */
export function ensureSwitch(ctx: Context, id: number): string {
  const fn = ctx.fabricNodes.get(id);
  const gid = switchGid(id, fn);
  if (!ctx.g.hasNode(gid)) ctx.g.addNode(switchNode(id, fn, ctx.vpcPeers.get(id)));
  return gid;
}
