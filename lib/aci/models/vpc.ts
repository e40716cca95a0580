import { z } from 'zod';
import type { MoBody } from '../mo';
import { nodeIdAttr, optionalIpAttr, textAttr } from './attributes';
import { nodeOfDn } from './dn';
import { parseAttributes, parseChildren, type MoIssue } from './parse';

/**
 * The two places an APIC says which leaves form a vPC pair, whether or not any host is cabled across them yet:
 * the configured explicit protection group (`uni/fabric/protpol/expgep-<name>`, class fabricExplicitGEp, with one
 * fabricNodePEp child per member leaf) and each member's operational vPC domain
 * (`topology/pod-P/node-N/sys/vpc/inst/dom-<id>`, class vpcDom: the two leaves of a pair share the domain id).
 */
export interface FabricExplicitGEp {
  dn: string;
  name: string;
  /** The logical pair id (the vPC domain id on the leaves); null when absent. */
  id: number | null;
  /** The member leaves' node ids (fabricNodePEp `id`), in wire order. */
  nodeIds: number[];
}

const explicitGEpAttrs = z.object({
  dn: z.string(),
  name: textAttr,
  id: z
    .string()
    .optional()
    .transform((s) => (s && /^\d{1,5}$/.test(s) ? Number(s) : null)),
});
const nodePEpAttrs = z.object({ id: nodeIdAttr });

export function parseFabricExplicitGEp(body: MoBody, path: (string | number)[], issues: MoIssue[]): FabricExplicitGEp | null {
  const a = parseAttributes(explicitGEpAttrs, body, path, issues);
  const members = parseChildren(body, 'fabricNodePEp', (b, p, i) => parseAttributes(nodePEpAttrs, b, p, i), path, issues);
  if (!a) return null;
  return { dn: a.dn, name: a.name, id: a.id, nodeIds: members.map((m) => m.id) };
}

export interface VpcDom {
  dn: string;
  /** The leaf the domain is on (from the DN); null when the DN names no node. */
  nodeId: number | null;
  domainId: number;
  peerIp: string | null;
  peerSt: string;
}

const vpcDomAttrs = z.object({ dn: z.string(), id: nodeIdAttr, peerIp: optionalIpAttr, peerSt: textAttr });

export function parseVpcDom(body: MoBody, path: (string | number)[], issues: MoIssue[]): VpcDom | null {
  const a = parseAttributes(vpcDomAttrs, body, path, issues);
  if (!a) return null;
  return { dn: a.dn, nodeId: nodeOfDn(a.dn)?.nodeId ?? null, domainId: a.id, peerIp: a.peerIp, peerSt: a.peerSt };
}
