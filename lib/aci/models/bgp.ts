import { z } from 'zod';
import type { MoBody } from '../mo';
import { intAttr, ipAttr, optionalIpAttr, textAttr, timestampAttr } from './attributes';
import { bracketedParts, domOfDn, nodeOfDn, splitDn } from './dn';
import { parseAttributes, parseChildren, type MoIssue } from './parse';

export const BGP_STATES = ['idle', 'connect', 'active', 'opensent', 'openconfirm', 'established', 'shutdown'] as const;

const asnAttr = intAttr(0, 4294967295);

/** bgpPeer: a configured peer or prefix peer (`.../dom-T:V/peer-[10.0.0.0/24]`). */
export interface BgpPeer {
  dn: string;
  nodeId: number | null;
  dom: string | null;
  /** Peer address or prefix as configured, e.g. `10.1.8.65/32`. */
  addr: string;
  asn: number | null;
  adminSt: string;
}

const bgpPeerAttrs = z.object({ dn: z.string(), addr: z.string(), asn: asnAttr.optional(), adminSt: textAttr });

export function parseBgpPeer(body: MoBody, path: (string | number)[], issues: MoIssue[]): BgpPeer | null {
  const a = parseAttributes(bgpPeerAttrs, body, path, issues);
  if (!a) return null;
  return { dn: a.dn, nodeId: nodeOfDn(a.dn)?.nodeId ?? null, dom: domOfDn(a.dn), addr: a.addr, asn: a.asn ?? null, adminSt: a.adminSt };
}

/** bgpPeerAfEntry: per address family counters of a session. */
export interface BgpPeerAfEntry {
  type: string;
  acceptedPaths: number | null;
}

/** bgpPeerEntry: one BGP session (`.../peer-[p]/ent-[ip]`), in whatever state it is. */
export interface BgpPeerEntry {
  dn: string;
  nodeId: number | null;
  podId: number | null;
  dom: string | null;
  addr: string;
  /** As the APIC reports it (`established`, `idle`, ...); kept verbatim. */
  operSt: string;
  type: string;
  localIp: string | null;
  lastFlapTs: number | null;
  afs: BgpPeerAfEntry[];
}

const bgpPeerEntryAttrs = z.object({
  dn: z.string(),
  addr: ipAttr,
  operSt: z.string(),
  type: textAttr,
  localIp: optionalIpAttr,
  lastFlapTs: timestampAttr,
});
const afAttrs = z.object({
  type: textAttr,
  acceptedPaths: z
    .string()
    .optional()
    .transform((s) => (s && /^\d{1,12}$/.test(s) ? Number(s) : null)),
});

export function parseBgpPeerEntry(body: MoBody, path: (string | number)[], issues: MoIssue[]): BgpPeerEntry | null {
  const a = parseAttributes(bgpPeerEntryAttrs, body, path, issues);
  const afs = parseChildren(body, 'bgpPeerAfEntry', (b, p, i) => parseAttributes(afAttrs, b, p, i), path, issues);
  if (!a) return null;
  const where = nodeOfDn(a.dn);
  return {
    dn: a.dn,
    nodeId: where?.nodeId ?? null,
    podId: where?.podId ?? null,
    dom: domOfDn(a.dn),
    addr: a.addr,
    operSt: a.operSt,
    type: a.type,
    localIp: a.localIp,
    lastFlapTs: a.lastFlapTs,
    afs,
  };
}

/** Address of the `ent-[ip]` RN of a DN, for entries nested in a bgpPeer subtree. */
export function entryAddrOfDn(dn: string): string | null {
  const last = splitDn(dn).pop() ?? '';
  return last.startsWith('ent-') ? (bracketedParts(last)[0] ?? null) : null;
}
