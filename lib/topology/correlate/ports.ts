import type { CdpIf, LldpIf } from '../../aci/models';
import type { Context } from './context';
import { compareStrings } from '../../shared/compare';

/**
 * LLDP/CDP interfaces found two ways: by the fabric path DN the leaf writes into the port description (one key
 * returns every member port of a PC/vPC, on both leaves) and by leaf + port. Lists are in DN order.
 */
export interface PortLookups {
  lldpOnPath(pathDn: string): readonly LldpIf[];
  cdpOnPath(pathDn: string): readonly CdpIf[];
  lldpAt(nodeId: number, port: string): LldpIf | undefined;
  cdpAt(nodeId: number, port: string): CdpIf | undefined;
}

export const portKey = (nodeId: number, port: string) => `${nodeId}|${port}`;

/** The path DN a port's description names (`portDesc` for LLDP, `locDesc` for CDP), or "" when none. */
export const lldpPath = (i: LldpIf): string => i.portDesc;
export const cdpPath = (i: CdpIf): string => i.locDesc;

const byDn = (a: { dn: string }, b: { dn: string }) => compareStrings(a.dn, b.dn);

function index<T extends { dn: string; nodeId: number | null; id: string }>(items: readonly T[], pathOf: (i: T) => string) {
  const byPath = new Map<string, T[]>();
  const byPort = new Map<string, T>();
  for (const i of [...items].sort(byDn)) {
    const path = pathOf(i);
    if (path) {
      const l = byPath.get(path);
      if (l) l.push(i);
      else byPath.set(path, [i]);
    }
    // Two records for one leaf port (a capture that saw it twice): the lower DN, as for every duplicate.
    if (i.nodeId !== null && !byPort.has(portKey(i.nodeId, i.id))) byPort.set(portKey(i.nodeId, i.id), i);
  }
  return { byPath, byPort };
}

export function indexPorts(ctx: Context): PortLookups {
  const lldp = index(ctx.inputs.apic('lldpIf'), lldpPath);
  const cdp = index(ctx.inputs.apic('cdpIf'), cdpPath);
  return {
    lldpOnPath: (dn) => lldp.byPath.get(dn) ?? [],
    cdpOnPath: (dn) => cdp.byPath.get(dn) ?? [],
    lldpAt: (nodeId, port) => lldp.byPort.get(portKey(nodeId, port)),
    cdpAt: (nodeId, port) => cdp.byPort.get(portKey(nodeId, port)),
  };
}
