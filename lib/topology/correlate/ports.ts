import type { CdpIf, LldpIf } from '../../aci/models';
import type { Context } from './context';

/**
 * LLDP/CDP interfaces indexed two ways: by the fabric path DN the leaf writes into the port description
 * (one key returns every member port of a PC/vPC, on both leaves) and by leaf + port.
 */
export interface PortIndex {
  lldpByPath: Map<string, LldpIf[]>;
  cdpByPath: Map<string, CdpIf[]>;
  lldpByPort: Map<string, LldpIf>;
  cdpByPort: Map<string, CdpIf>;
}

export const portKey = (nodeId: number, port: string) => `${nodeId}|${port}`;

function push<T>(m: Map<string, T[]>, k: string, v: T) {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

export function indexPorts(ctx: Context): PortIndex {
  const idx: PortIndex = { lldpByPath: new Map(), cdpByPath: new Map(), lldpByPort: new Map(), cdpByPort: new Map() };
  for (const i of ctx.inputs.apic('lldpIf')) {
    if (i.portDesc) push(idx.lldpByPath, i.portDesc, i);
    if (i.nodeId !== null) idx.lldpByPort.set(portKey(i.nodeId, i.id), i);
  }
  for (const i of ctx.inputs.apic('cdpIf')) {
    if (i.locDesc) push(idx.cdpByPath, i.locDesc, i);
    if (i.nodeId !== null) idx.cdpByPort.set(portKey(i.nodeId, i.id), i);
  }
  return idx;
}
