import { z } from 'zod';
import type { MoBody } from '../mo';
import { optionalIpAttr, textAttr, upAttr } from './attributes';
import { nodeOfDn } from './dn';
import { parseAttributes, parseChildren, type MoIssue } from './parse';

/** lldpAdjEp: what the neighbour advertises over LLDP. */
export interface LldpAdjEp {
  sysName: string;
  sysDesc: string;
  portDesc: string;
  /** Port id subtype (`mac`, `if-name`, `local`, ...) and value. */
  portIdT: string;
  portIdV: string;
  chassisIdT: string;
  chassisIdV: string;
  mgmtIp: string | null;
}

/** lldpIf: one leaf port's LLDP state; `portDesc` is the fabric path DN the port belongs to. */
export interface LldpIf {
  dn: string;
  nodeId: number | null;
  podId: number | null;
  /** The port, e.g. `eth1/1`. */
  id: string;
  portDesc: string;
  rxUp: boolean;
  txUp: boolean;
  adjacencies: LldpAdjEp[];
}

const lldpIfAttrs = z.object({ dn: z.string(), id: z.string(), portDesc: textAttr, operRxSt: upAttr, operTxSt: upAttr });
const lldpAdjAttrs = z.object({
  sysName: textAttr,
  sysDesc: textAttr,
  portDesc: textAttr,
  portIdT: textAttr,
  portIdV: textAttr,
  chassisIdT: textAttr,
  chassisIdV: textAttr,
  mgmtIp: optionalIpAttr,
});

export function parseLldpIf(body: MoBody, path: (string | number)[], issues: MoIssue[]): LldpIf | null {
  const a = parseAttributes(lldpIfAttrs, body, path, issues);
  const adjacencies = parseChildren(body, 'lldpAdjEp', (b, p, i) => parseAttributes(lldpAdjAttrs, b, p, i), path, issues);
  if (!a) return null;
  const where = nodeOfDn(a.dn);
  return {
    dn: a.dn,
    nodeId: where?.nodeId ?? null,
    podId: where?.podId ?? null,
    id: a.id,
    portDesc: a.portDesc,
    rxUp: a.operRxSt,
    txUp: a.operTxSt,
    adjacencies,
  };
}

/** cdpAdjEp: what the neighbour advertises over CDP. */
export interface CdpAdjEp {
  sysName: string;
  /** Device id, often `name(serial)`. */
  devId: string;
  portId: string;
  platId: string;
  ver: string;
}

/** cdpIf: one leaf port's CDP state; `locDesc` is the fabric path DN. */
export interface CdpIf {
  dn: string;
  nodeId: number | null;
  podId: number | null;
  id: string;
  locDesc: string;
  up: boolean;
  adjacencies: CdpAdjEp[];
}

const cdpIfAttrs = z.object({ dn: z.string(), id: z.string(), locDesc: textAttr, operSt: upAttr });
const cdpAdjAttrs = z.object({ sysName: textAttr, devId: textAttr, portId: textAttr, platId: textAttr, ver: textAttr });

export function parseCdpIf(body: MoBody, path: (string | number)[], issues: MoIssue[]): CdpIf | null {
  const a = parseAttributes(cdpIfAttrs, body, path, issues);
  const adjacencies = parseChildren(body, 'cdpAdjEp', (b, p, i) => parseAttributes(cdpAdjAttrs, b, p, i), path, issues);
  if (!a) return null;
  const where = nodeOfDn(a.dn);
  return { dn: a.dn, nodeId: where?.nodeId ?? null, podId: where?.podId ?? null, id: a.id, locDesc: a.locDesc, up: a.operSt, adjacencies };
}
