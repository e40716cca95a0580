import type { ResolvedSpec } from '../../spec/defaults';
import { l3out } from './l3out';
import { ecmpPolicy, exportMatchRule, importMatchRule, policyNames, prefixLimitPolicy, timersPolicy } from './policies';
import { flatten, mo, payload, type AciPayload, type FlatMo } from './tree';

export type { AciPayload, FlatMo } from './tree';

export interface AciPlan {
  /** APIC POSTs in apply order: policies first so the L3Out's relations resolve on arrival. */
  payloads: AciPayload[];
  /** Every object of every payload, with its DN. */
  objects: FlatMo[];
}

export const tenantDn = (name: string) => `uni/tn-${name}`;

export function planAci(r: ResolvedSpec): AciPlan {
  const f = r.spec.fabric;
  const tn = tenantDn(f.tenant);
  const vrfTenant = f.vrf.tenant ?? f.tenant;
  const vrfDn = `${tenantDn(vrfTenant)}/ctx-${f.vrf.name}`;
  // The ECMP policy lives in the VRF's tenant: the VRF resolves the relation by name in its own tenant
  // then common (the previous tool put it in the L3Out tenant and looked the VRF up there too).
  const ecmpTenantDn = tenantDn(vrfTenant);
  const ecmpName = policyNames(r).ecmp;
  const afRelations = r.families.map((fa) => {
    const af = fa.family === 'ipv4' ? 'ipv4-ucast' : 'ipv6-ucast';
    return mo('fvRsCtxToBgpCtxAfPol', `rsctxToBgpCtxAfPol-[${ecmpName}]-${af}`, { tnBgpCtxAfPolName: ecmpName, af });
  });
  const parts: Array<[string, ReturnType<typeof l3out>, string]> = [
    [tn, timersPolicy(r), 'BGP timers (node profile protocol policy)'],
    [tn, prefixLimitPolicy(r), 'BGP peer prefix limit'],
    [ecmpTenantDn, ecmpPolicy(r), 'BGP address-family context: maximum ECMP paths'],
    [tn, exportMatchRule(r), 'route map match rule: export pod subnets to the nodes'],
    [tn, importMatchRule(r), 'route map match rule: import cluster subnets from the nodes'],
    [tn, l3out(r), 'floating-SVI L3Out with anchor leaves, BGP peers, route maps and external EPG'],
    ...afRelations.map((rel): [string, ReturnType<typeof l3out>, string] => [
      vrfDn,
      rel,
      `VRF ${vrfTenant}/${f.vrf.name} (pre-existing, modified): use the ECMP context for ${rel.attrs.af}`,
    ]),
  ];
  return {
    payloads: parts.map(([parent, node, description]) => payload(parent, node, description)),
    objects: parts.flatMap(([parent, node]) => flatten(node, parent)),
  };
}
