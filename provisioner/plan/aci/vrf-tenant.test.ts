import { describe, expect, it } from 'vitest';
import { planAci, type FlatMo } from './index';
import { namedRelations } from '../../test-support/aci-relations';
import { resolvedOf, workedExampleDoc } from '../../test-support/fixtures';

/**
 * The case the previous tool advertised but could not plan (NKT §7.9): L3Out in tenant k8s, VRF in common.
 * The worked example (golden.test.ts) has both in one tenant, so only this file exercises the VRF's own tenant.
 */
function vrfInCommon() {
  const doc = workedExampleDoc();
  doc.fabric.tenant = 'k8s';
  doc.fabric.vrf = { tenant: 'common', name: 'vrf' };
  return resolvedOf(doc);
}

const r = vrfInCommon();
const plan = planAci(r);
const byDn = new Map(plan.objects.map((o) => [o.dn, o]));
const relations = namedRelations(plan.objects, r);
const O = 'uni/tn-k8s/out-K8s_L3OUT';
const VRF = 'uni/tn-common/ctx-vrf';
const ECMP = 'uni/tn-common/bgpCtxAfP-K8s_L3OUT';
const AFS = ['ipv4-ucast', 'ipv6-ucast'] as const;
const binding = (af: string) => `${VRF}/rsctxToBgpCtxAfPol-[K8s_L3OUT]-${af}`;
const resolvedFrom = (source: string, attr: string) => relations.find((x) => x.source === source && x.attr === attr)?.resolved;

describe('ACI plan with the L3Out in tenant k8s and its VRF in common', () => {
  it("binds the L3Out to the VRF by name, which resolves to common's VRF", () => {
    expect(byDn.get(`${O}/rsectx`)).toMatchObject({ cls: 'l3extRsEctx', attrs: { tnFvCtxName: 'vrf' } });
    // Fix (NKT §7.9): the previous tool looked the VRF up in the L3Out's tenant (uni/tn-k8s/ctx-vrf), which does not exist.
    expect(resolvedFrom(`${O}/rsectx`, 'tnFvCtxName')).toBe(VRF);
  });

  it('writes the per-family ECMP bindings into the VRF in common, and no VRF object into tenant k8s', () => {
    for (const af of AFS) {
      expect(byDn.get(binding(af))).toMatchObject({
        cls: 'fvRsCtxToBgpCtxAfPol',
        parentDn: VRF,
        attrs: { tnBgpCtxAfPolName: 'K8s_L3OUT', af },
      });
    }
    const bindings = plan.objects.filter((o) => o.cls === 'fvRsCtxToBgpCtxAfPol').map((o) => o.dn);
    expect(bindings.sort()).toEqual(AFS.map(binding).sort());
    expect(plan.objects.filter((o) => o.dn.startsWith('uni/tn-k8s/ctx-'))).toEqual([]);
  });

  it('creates the ECMP policy where the VRF resolves its name: in common, not in the L3Out tenant', () => {
    // Fix (NKT §7.9): bgpCtxAfPol lives in the VRF's tenant; a VRF in common resolves names only in common,
    // so a copy in tenant k8s would leave the binding unresolved (and the fabric at its default ECMP).
    expect(byDn.get(ECMP)).toMatchObject({
      cls: 'bgpCtxAfPol',
      parentDn: 'uni/tn-common',
      attrs: { name: 'K8s_L3OUT', maxEcmp: '64', maxEcmpIbgp: '64' },
    });
    expect(plan.objects.filter((o) => o.cls === 'bgpCtxAfPol').map((o) => o.dn)).toEqual([ECMP]);
    for (const af of AFS) expect(resolvedFrom(binding(af), 'tnBgpCtxAfPolName')).toBe(ECMP);
  });

  it('keeps every other object in tenant k8s, with every named relation resolvable', () => {
    const vrfTenantObjects = new Set([ECMP, ...AFS.map(binding)]);
    for (const o of plan.objects) if (!vrfTenantObjects.has(o.dn)) expect(o.dn.startsWith('uni/tn-k8s/'), o.dn).toBe(true);
    expect(relations.filter((x) => x.resolved === undefined)).toEqual([]);
    expect(resolvedFrom(`${O}/lnodep-node_profile_FL3out/protp/rsbgpNodeCtxPol`, 'tnBgpCtxPolName')).toBe(
      'uni/tn-k8s/bgpCtxP-K8s_L3OUT-Timers',
    );
    expect(resolvedFrom(`${O}/instP-catch_all/rsprov-calico_dev`, 'tnVzBrCPName')).toBe('uni/tn-common/brc-calico_dev');
  });

  it('posts the ECMP policy to common before binding the VRF to it', () => {
    const order = plan.payloads.map((p) => p.url);
    const policy = order.indexOf(`/api/mo/${ECMP}.json`);
    expect(policy).toBeGreaterThanOrEqual(0);
    for (const af of AFS) expect(order.indexOf(`/api/mo/${binding(af)}.json`)).toBeGreaterThan(policy);
  });

  it('would catch the previous placement: a policy only in tenant k8s is invisible to the VRF in common', () => {
    // The resolution rule the assertions above rely on, shown failing on the previous tool's layout.
    const moved = plan.objects.map((o): FlatMo =>
      o.dn === ECMP ? { ...o, dn: 'uni/tn-k8s/bgpCtxAfP-K8s_L3OUT', parentDn: 'uni/tn-k8s' } : o,
    );
    const unresolved = namedRelations(moved, r)
      .filter((x) => x.resolved === undefined)
      .map((x) => x.source);
    expect(unresolved.sort()).toEqual(AFS.map(binding).sort());
  });
});
