import type { EcmpInputs } from './inputs';
import type { MaxPaths } from './types';

/** ACI installs up to 16 eBGP/iBGP ECMP paths unless the VRF's BGP address-family context policy says otherwise (PEERS.md B3). */
export const ACI_DEFAULT_MAX_PATHS = 16;

/**
 * The cluster VRF's eBGP max paths (`bgpCtxAfPol.maxEcmp`): the policy the VRF names through
 * fvRsCtxToBgpCtxAfPol (`tnBgpCtxAfPolName`, resolved in the tenant, then in `common` as APIC resolves
 * names), else the only such policy in the tenant; with none readable, the ACI default, marked assumed.
 */
export function maxPathsOf(inputs: EcmpInputs): MaxPaths {
  const usable = inputs.maxEcmpPolicies.filter((p) => p.maxEcmp !== null && p.maxEcmp > 0);
  const inTenant = (t: string) => usable.filter((p) => p.dn.startsWith(`uni/tn-${t}/`));
  const named = (t: string) => inTenant(t).filter((p) => inputs.vrfPolicyNames.some((n) => p.dn === `uni/tn-${t}/bgpCtxAfP-${n}`));
  const own = inTenant(inputs.tenant);
  const chosen =
    named(inputs.tenant)[0] ?? named('common')[0] ?? (inputs.vrfPolicyNames.length === 0 && own.length === 1 ? own[0] : undefined);
  if (chosen?.maxEcmp) return { value: chosen.maxEcmp, source: 'bgpCtxAfPol', policy: chosen.dn };
  return { value: ACI_DEFAULT_MAX_PATHS, source: 'assumed-default' };
}
