import type { FabricNode } from '../../aci/models';
import { ensureSwitch, switchGid, type Context } from './context';

/** Of two fabricNode records for one node id (a capture that saw it twice), the one with the lower DN. */
export const preferredFabricNode = (a: FabricNode, b: FabricNode): FabricNode => (b.dn < a.dn ? b : a);

/** Whether a fabricNode is drawn: controllers and unknown roles are not. */
export const isSwitch = (fn: FabricNode): boolean => fn.role === 'leaf' || fn.role === 'spine';

/**
 * Spines and leaves from fabricNode (controllers are not drawn). Returns TEP address → switch id, used to
 * recognise next hops that are fabric TEPs rather than Kubernetes nodes; two switches claiming one TEP: the lower id.
 */
export function addSwitches(ctx: Context): Map<string, string> {
  for (const fn of ctx.inputs.apic('fabricNode')) {
    const had = ctx.fabricNodes.get(fn.id);
    ctx.fabricNodes.set(fn.id, had ? preferredFabricNode(had, fn) : fn);
  }
  const tepOwner = new Map<string, number>();
  for (const fn of ctx.fabricNodes.values()) {
    if (!isSwitch(fn)) continue;
    ensureSwitch(ctx, fn.id);
    const had = fn.address ? tepOwner.get(fn.address) : undefined;
    if (fn.address && (had === undefined || fn.id < had)) tepOwner.set(fn.address, fn.id);
  }
  const teps = new Map<string, string>();
  for (const [addr, id] of tepOwner) teps.set(addr, switchGid(id, ctx.fabricNodes.get(id)));
  return teps;
}
