import { z } from 'zod';
import type { MoBody } from '../mo';
import { ipAttr, macAttr, optionalIpAttr, textAttr, timestampAttr } from './attributes';
import { nodeOfDn } from './dn';
import { parseAttributes, parseChildren, type MoIssue } from './parse';

/** fvIp: one IP learned for an endpoint. */
export interface FvIp {
  addr: string;
  /** The VRF policy DN (`uni/tn-T/ctx-V`); "" on releases that do not report it. */
  vrfDn: string;
}

/** fvCEp: a learned client endpoint with its IPs and the fabric paths it was learned on. */
export interface FvCEp {
  dn: string;
  mac: string;
  encap: string;
  vrfDn: string;
  /** Older releases carry a single IP on the endpoint itself. */
  ip: string | null;
  ips: FvIp[];
  /** fvRsCEpToPathEp target DNs, in wire order; `fabricPathDn` when there are no children. */
  paths: string[];
  modTs: number | null;
}

const fvCEpAttrs = z.object({
  dn: z.string(),
  mac: macAttr,
  encap: textAttr,
  vrfDn: textAttr,
  ip: optionalIpAttr,
  fabricPathDn: textAttr,
  modTs: timestampAttr,
});
const fvIpAttrs = z.object({ addr: ipAttr, vrfDn: textAttr });
const rsPathAttrs = z.object({ tDn: z.string() });

export function parseFvCEp(body: MoBody, path: (string | number)[], issues: MoIssue[]): FvCEp | null {
  const a = parseAttributes(fvCEpAttrs, body, path, issues);
  const ips = parseChildren(body, 'fvIp', (b, p, i) => parseAttributes(fvIpAttrs, b, p, i), path, issues);
  const rs = parseChildren(body, 'fvRsCEpToPathEp', (b, p, i) => parseAttributes(rsPathAttrs, b, p, i), path, issues);
  if (!a) return null;
  const paths = rs.map((r) => r.tDn);
  if (paths.length === 0 && a.fabricPathDn) paths.push(a.fabricPathDn);
  return { dn: a.dn, mac: a.mac, encap: a.encap, vrfDn: a.vrfDn, ip: a.ip, ips, paths, modTs: a.modTs };
}

/** arpAdjEp: an ARP adjacency on a leaf; `upTS` tells which leaf heard the endpoint last. */
export interface ArpAdjEp {
  dn: string;
  nodeId: number | null;
  ip: string;
  mac: string;
  physIfId: string;
  upTs: number | null;
}

const arpAdjEpAttrs = z.object({
  dn: z.string(),
  ip: ipAttr,
  mac: macAttr,
  physIfId: textAttr,
  upTS: timestampAttr,
});

export function parseArpAdjEp(body: MoBody, path: (string | number)[], issues: MoIssue[]): ArpAdjEp | null {
  const a = parseAttributes(arpAdjEpAttrs, body, path, issues);
  if (!a) return null;
  return { dn: a.dn, nodeId: nodeOfDn(a.dn)?.nodeId ?? null, ip: a.ip, mac: a.mac, physIfId: a.physIfId, upTs: a.upTS };
}
