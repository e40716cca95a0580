/**
 * The bulk class queries akb reads a fabric with: a fixed list, whatever the cluster's size, so the
 * initial sync and `akb capture` cost the same number of requests for 10 nodes as for 2,000 (paging of
 * very large classes aside). The previous tool issued several requests per node; this is the fix.
 *
 * Each query names the bundle key it fills (the APIC class). Classes the switches keep per VRF are
 * filtered to the cluster's VRF on the APIC, so the rest of the fabric never crosses the wire.
 */
import { or, wcard } from './filter';
import { classQuery, type ApicQuery, type QueryOptions } from './query';

export interface FabricScope {
  tenant: string;
  vrf: string;
}

export interface FabricQuery {
  /** The bundle key (`apic.<className>`) this query fills. */
  className: string;
  query: ApicQuery;
}

/** The `dom-<tenant>:<vrf>` RN switches use for the VRF in BGP, URIB and ARP DNs. */
function domRn({ tenant, vrf }: FabricScope): string {
  return `dom-${tenant}:${vrf}/`;
}

export function fabricQueries(scope: FabricScope): FabricQuery[] {
  const q = (className: string, opts: QueryOptions = {}): FabricQuery => ({ className, query: classQuery(className, opts) });
  // Per-VRF switch state (BGP, URIB, ARP) is filtered to the cluster's VRF on the APIC.
  const inVrf = (className: string, opts: QueryOptions = {}) => q(className, { ...opts, filter: wcard(`${className}.dn`, domRn(scope)) });
  return [
    q('fabricNode'),
    q('topSystem'),
    q('fabricPathEp'),
    // vPC pairs as configured (explicit protection groups with their member leaves) and as the leaves run them
    // (vPC domains): a pair is known before any host is cabled across it.
    q('fabricExplicitGEp', { rspSubtree: 'children', rspSubtreeClass: ['fabricNodePEp'] }),
    q('vpcDom'),
    // Endpoints of the VRF's tenant (floating-L3Out endpoints live under uni/tn-T/ctx-V), each with its
    // IPs and path relations, in one request.
    q('fvCEp', {
      rspSubtree: 'children',
      rspSubtreeClass: ['fvIp', 'fvRsCEpToPathEp'],
      filter: wcard('fvCEp.dn', `uni/tn-${scope.tenant}/`),
    }),
    inVrf('arpAdjEp'),
    q('lldpIf', { rspSubtree: 'children', rspSubtreeClass: ['lldpAdjEp'] }),
    q('cdpIf', { rspSubtree: 'children', rspSubtreeClass: ['cdpAdjEp'] }),
    inVrf('bgpPeer'),
    inVrf('bgpPeerEntry'),
    inVrf('uribv4Route'),
    inVrf('uribv4Nexthop'),
    inVrf('uribv6Route'),
    inVrf('uribv6Nexthop'),
    // Configuration the ECMP and BGP analyses compare against: the VRF's BGP address-family policy (maximum
    // paths; resolved in the tenant, then in common) and the L3Out's floating SVIs and BGP peer prefixes.
    q('fvRsCtxToBgpCtxAfPol', { filter: wcard('fvRsCtxToBgpCtxAfPol.dn', `uni/tn-${scope.tenant}/ctx-${scope.vrf}/`) }),
    q('bgpCtxAfPol', { filter: or(wcard('bgpCtxAfPol.dn', `uni/tn-${scope.tenant}/`), wcard('bgpCtxAfPol.dn', 'uni/tn-common/')) }),
    q('l3extVirtualLIfP', { filter: wcard('l3extVirtualLIfP.dn', `uni/tn-${scope.tenant}/`) }),
    q('bgpPeerP', { filter: wcard('bgpPeerP.dn', `uni/tn-${scope.tenant}/`) }),
  ];
}
