import { z } from 'zod';
import type { MoBody } from '../mo';
import { ipAttr, textAttr } from './attributes';
import { bracketedParts, domOfDn, nodeOfDn, splitDn } from './dn';
import { parseAttributes, parseChildren, type MoIssue } from './parse';
import { normaliseCidr } from './attributes';

/** uribv4Nexthop / uribv6Nexthop: one next hop of a route in a leaf's unicast RIB. */
export interface UribNexthop {
  dn: string;
  nodeId: number | null;
  podId: number | null;
  dom: string | null;
  /** The route's prefix (from the `rt-[...]` RN), normalised; null if the DN has none. */
  prefix: string | null;
  /** Next-hop address without its mask. */
  addr: string;
  tag: string;
  routeType: string;
  owner: string;
  if: string;
}

const nexthopAttrs = z.object({
  dn: z.string().optional(),
  rn: z.string().optional(),
  addr: ipAttr,
  tag: textAttr,
  routeType: textAttr,
  owner: textAttr,
  if: textAttr,
});

function routeParts(dn: string) {
  const where = nodeOfDn(dn);
  const rt = splitDn(dn).find((rn) => rn.startsWith('rt-'));
  const rawPrefix = rt ? bracketedParts(rt)[0] : undefined;
  return {
    nodeId: where?.nodeId ?? null,
    podId: where?.podId ?? null,
    dom: domOfDn(dn),
    prefix: rawPrefix ? normaliseCidr(rawPrefix) : null,
  };
}

/** `parentDn` lets next hops nested under a uribv4Route (which carry only `rn`) get their full DN. */
export function parseUribNexthop(body: MoBody, path: (string | number)[], issues: MoIssue[], parentDn?: string): UribNexthop | null {
  const a = parseAttributes(nexthopAttrs, body, path, issues);
  if (!a) return null;
  const dn = a.dn ?? (parentDn && a.rn ? `${parentDn}/${a.rn}` : '');
  return { dn, ...routeParts(dn), addr: a.addr, tag: a.tag, routeType: a.routeType, owner: a.owner, if: a.if };
}

/** uribv4Route / uribv6Route with its next-hop children. */
export interface UribRoute {
  dn: string;
  nodeId: number | null;
  dom: string | null;
  prefix: string | null;
  nextHops: UribNexthop[];
}

const routeAttrs = z.object({ dn: z.string(), prefix: textAttr });

export function parseUribRoute(body: MoBody, path: (string | number)[], issues: MoIssue[]): UribRoute | null {
  const a = parseAttributes(routeAttrs, body, path, issues);
  if (!a) return null;
  const parts = routeParts(a.dn);
  const nh = (cls: string) => parseChildren(body, cls, (b, p, i) => parseUribNexthop(b, p, i, a.dn), path, issues);
  const prefix = parts.prefix ?? (a.prefix ? normaliseCidr(a.prefix) : null);
  return { dn: a.dn, nodeId: parts.nodeId, dom: parts.dom, prefix, nextHops: [...nh('uribv4Nexthop'), ...nh('uribv6Nexthop')] };
}
