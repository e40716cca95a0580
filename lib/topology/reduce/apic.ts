/**
 * The attributes of each APIC class akb keeps: what the class parsers (`lib/aci/models`) and the ECMP and BGP
 * analyses read, plus `dn`/`rn` (identity and nesting). Everything else an APIC returns (descriptions,
 * annotations, `password` on bgpPeerP, timestamps nobody reads) is dropped. Children are reduced by their own
 * class; a class without an entry keeps its identity alone.
 */
import type { MoAttributes, WireMo } from '../../aci/mo';
import { isPlainObject, scalar } from './mask';

const IDENTITY = ['dn', 'rn'] as const;
const NEXTHOP = ['addr', 'tag', 'routeType', 'owner', 'if'];

export const KEPT_APIC_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  fabricNode: ['id', 'name', 'role', 'address', 'model', 'fabricSt'],
  topSystem: ['id', 'podId', 'name', 'role', 'address', 'oobMgmtAddr', 'lastRebootTime', 'version'],
  fabricPathEp: ['name', 'lagT'],
  fvCEp: ['mac', 'encap', 'vrfDn', 'ip', 'fabricPathDn', 'modTs'],
  fvIp: ['addr', 'vrfDn'],
  fvRsCEpToPathEp: ['tDn'],
  arpAdjEp: ['ip', 'mac', 'physIfId', 'upTS'],
  lldpIf: ['id', 'portDesc', 'operRxSt', 'operTxSt'],
  lldpAdjEp: ['sysName', 'sysDesc', 'portDesc', 'portIdT', 'portIdV', 'chassisIdT', 'chassisIdV', 'mgmtIp'],
  cdpIf: ['id', 'locDesc', 'operSt'],
  cdpAdjEp: ['sysName', 'devId', 'portId', 'platId', 'ver'],
  bgpPeer: ['addr', 'asn', 'adminSt'],
  bgpPeerEntry: ['addr', 'operSt', 'type', 'localIp', 'lastFlapTs'],
  bgpPeerAfEntry: ['type', 'acceptedPaths'],
  uribv4Route: ['prefix'],
  uribv6Route: ['prefix'],
  uribv4Nexthop: NEXTHOP,
  uribv6Nexthop: NEXTHOP,
  fvRsCtxToBgpCtxAfPol: ['tnBgpCtxAfPolName'],
  bgpCtxAfPol: ['maxEcmp'],
  l3extVirtualLIfP: ['addr', 'nodeDn'],
  bgpPeerP: ['addr'],
  // The remote AS a leaf expects of its peers, and the fabric's AS (uni/fabric/bgpInstP-default/as): session causes.
  bgpAsP: ['asn'],
  fabricExplicitGEp: ['name', 'id'],
  fabricNodePEp: ['id'],
  vpcDom: ['id', 'peerIp', 'peerSt'],
};

/** The attributes of one object of `className` that akb keeps (a new object; the input is not changed). */
export function reduceApicAttributes(className: string, attributes: MoAttributes): MoAttributes {
  const kept = KEPT_APIC_ATTRIBUTES[className] ?? [];
  const out: [string, string][] = [];
  for (const name of [...IDENTITY, ...kept]) {
    const value = Object.hasOwn(attributes, name) ? attributes[name] : undefined;
    if (value !== undefined) out.push([name, value]);
  }
  return Object.fromEntries(out);
}

/**
 * One wire MO with its children, each reduced by its own class. A body, attribute set or child list of the wrong
 * type is kept malformed but emptied (see mask.ts), so the class parsers reject it exactly as before.
 */
export function reduceWireMo(mo: WireMo): WireMo {
  if (!isPlainObject(mo)) return (Array.isArray(mo) ? [] : mo) as unknown as WireMo;
  const out: [string, unknown][] = [];
  for (const [className, body] of Object.entries(mo)) {
    if (!isPlainObject(body)) {
      out.push([className, Array.isArray(body) ? [] : body]);
      continue;
    }
    const attributes = body.attributes;
    const reduced: [string, unknown][] = [];
    if (Object.hasOwn(body, 'attributes'))
      reduced.push([
        'attributes',
        isPlainObject(attributes) ? reduceApicAttributes(className, attributes as MoAttributes) : scalar(attributes),
      ]);
    const children = body.children;
    if (Object.hasOwn(body, 'children'))
      reduced.push(['children', Array.isArray(children) ? children.map(reduceWireMo) : scalar(children)]);
    out.push([className, Object.fromEntries(reduced)]);
  }
  return Object.fromEntries(out) as WireMo;
}
