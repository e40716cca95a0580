import { ensureSwitch, type Context } from './context';

/**
 * Spines and leaves from fabricNode (controllers are not drawn). Returns TEP address → switch id,
 * used to recognise next hops that are fabric TEPs rather than Kubernetes nodes.
 */
export function addSwitches(ctx: Context): Map<string, string> {
  const teps = new Map<string, string>();
  for (const fn of ctx.inputs.apic('fabricNode')) ctx.fabricNodes.set(fn.id, fn);
  for (const fn of ctx.fabricNodes.values()) {
    if (fn.role !== 'leaf' && fn.role !== 'spine') continue;
    const id = ensureSwitch(ctx, fn.id);
    if (fn.address) teps.set(fn.address, id);
  }
  return teps;
}
