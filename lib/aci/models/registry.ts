import type { MoBody } from '../mo';
import type { MoIssue } from './parse';
import { parseFabricNode, parseFabricPathEp, parseTopSystem } from './fabric';
import { parseArpAdjEp, parseFvCEp } from './endpoint';
import { parseCdpIf, parseLldpIf } from './neighbour';
import { parseBgpPeer, parseBgpPeerEntry } from './bgp';
import { parseUribNexthop, parseUribRoute } from './routes';
import { parseFabricExplicitGEp, parseVpcDom } from './vpc';

type ClassParser<T> = (body: MoBody, path: (string | number)[], issues: MoIssue[]) => T | null;

/** The top-level APIC classes akb reads, with their parsers. Bundles are checked against this table. */
export const APIC_CLASS_PARSERS = {
  fabricNode: parseFabricNode,
  topSystem: parseTopSystem,
  fabricPathEp: parseFabricPathEp,
  fvCEp: parseFvCEp,
  arpAdjEp: parseArpAdjEp,
  lldpIf: parseLldpIf,
  cdpIf: parseCdpIf,
  bgpPeer: parseBgpPeer,
  bgpPeerEntry: parseBgpPeerEntry,
  uribv4Route: parseUribRoute,
  uribv6Route: parseUribRoute,
  uribv4Nexthop: parseUribNexthop,
  uribv6Nexthop: parseUribNexthop,
  fabricExplicitGEp: parseFabricExplicitGEp,
  vpcDom: parseVpcDom,
} satisfies Record<string, ClassParser<unknown>>;

export type KnownApicClass = keyof typeof APIC_CLASS_PARSERS;
export type ApicModel<K extends KnownApicClass> = NonNullable<ReturnType<(typeof APIC_CLASS_PARSERS)[K]>>;

export function isKnownApicClass(cls: string): cls is KnownApicClass {
  return Object.hasOwn(APIC_CLASS_PARSERS, cls);
}
