import { describe, expect, it } from 'vitest';
import { planAci } from './index';
import { resolvedOf, workedExampleDoc } from '../../test-support/fixtures';

/**
 * Golden test on the previous tool's worked dual-stack example (NKT.md §2.4): same objects, DNs and key
 * attributes as that design, with its known mistakes fixed (each fix named where it is asserted).
 */
const plan = planAci(resolvedOf(workedExampleDoc()));
const byDn = new Map(plan.objects.map((o) => [o.dn, o]));
const T = 'uni/tn-calico_dev_v46';
const O = `${T}/out-K8s_L3OUT`;
const NP = `${O}/lnodep-node_profile_FL3out`;
const LIF4 = `${NP}/lifp-int_profile_FL3out`;
const LIF6 = `${NP}/lifp-int_profile_v6_FL3out`;
const svi = (lif: string, leaf: number) => `${lif}/vlifp-[topology/pod-1/node-${leaf}]-[vlan-12]`;

function attrs(dn: string): Record<string, string> {
  const o = byDn.get(dn);
  if (!o) throw new Error(`missing ${dn}`);
  return o.attrs;
}

describe('ACI plan of the NKT worked example', () => {
  it('builds the L3Out with VRF, BGP and route-control enforcement', () => {
    expect(byDn.get(O)?.cls).toBe('l3extOut');
    expect(attrs(O)).toMatchObject({ name: 'K8s_L3OUT', enforceRtctrl: 'export,import' });
    expect(attrs(`${O}/rsectx`)).toEqual({ tnFvCtxName: 'vrf' });
    expect(byDn.get(`${O}/bgpExtP`)?.cls).toBe('bgpExtP');
  });

  it('attaches both anchor leaves with their router IDs', () => {
    expect(attrs(`${NP}/rsnodeL3OutAtt-[topology/pod-1/node-101]`)).toEqual({
      tDn: 'topology/pod-1/node-101',
      rtrId: '1.1.1.101',
      rtrIdLoopBack: 'no',
    });
    expect(attrs(`${NP}/rsnodeL3OutAtt-[topology/pod-1/node-102]`)).toMatchObject({ rtrId: '1.1.1.102' });
  });

  it('has one floating SVI per anchor and family with the derived floating and secondary IPs', () => {
    expect(attrs(svi(LIF4, 101))).toMatchObject({
      addr: '192.168.35.201/24',
      encap: 'vlan-12',
      mtu: '9000',
      ifInstT: 'ext-svi',
      encapScope: 'local',
      autostate: 'enabled',
    });
    expect(attrs(svi(LIF4, 102))).toMatchObject({ addr: '192.168.35.202/24' });
    expect(attrs(`${svi(LIF4, 101)}/rsdynPathAtt-[uni/phys-Fab1]`)).toMatchObject({
      tDn: 'uni/phys-Fab1',
      floatingAddr: '192.168.35.254/24',
    });
    expect(byDn.get(`${svi(LIF4, 102)}/addr-[192.168.35.253/24]`)?.cls).toBe('l3extIp');
    expect(attrs(svi(LIF6, 101))).toMatchObject({ addr: '2001:db8:35::201/56', encap: 'vlan-12' });
    expect(attrs(`${svi(LIF6, 102)}/rsdynPathAtt-[uni/phys-Fab1]`)).toMatchObject({
      floatingAddr: '2001:db8:35:ff:ffff:ffff:ffff:fffe/56',
    });
    expect(byDn.get(`${svi(LIF6, 101)}/addr-[2001:db8:35:ff:ffff:ffff:ffff:fffd/56]`)?.cls).toBe('l3extIp');
  });

  it('peers with the whole node subnet, as-override and peer-AS check disabled, cluster AS 65003', () => {
    for (const [lif, subnet] of [
      [LIF4, '192.168.35.0/24'],
      [LIF6, '2001:db8:35::/56'],
    ] as const) {
      for (const leaf of [101, 102]) {
        const peer = `${svi(lif, leaf)}/peerP-[${subnet}]`;
        expect(attrs(peer)).toMatchObject({ addr: subnet, ctrl: 'as-override,dis-peer-as-check' });
        // Fix (NKT §7.3): the BGP password is a placeholder resolved at apply time, not "123Cisco123" in files.
        expect(attrs(peer).password).toBe('{{akb.secret:bgp-password}}');
        expect(attrs(`${peer}/as`)).toEqual({ asn: '65003' });
        expect(attrs(`${peer}/rspeerPfxPol`)).toEqual({ tnBgpPeerPfxPolName: 'K8s_L3OUT' });
      }
    }
  });

  it('has exactly one BGP protocol profile, pointing at the timers, and no relax-AS best-path policy', () => {
    // Fix (NKT §7.11): the previous tool managed bgpProtP from two Terraform resources.
    expect(plan.objects.filter((o) => o.cls === 'bgpProtP').map((o) => o.dn)).toEqual([`${NP}/protp`]);
    expect(attrs(`${NP}/protp/rsbgpNodeCtxPol`)).toEqual({ tnBgpCtxPolName: 'K8s_L3OUT-Timers' });
    // Fix (NKT §7.12, #240): the relax-AS best-path policy was an iBGP leftover; one cluster AS does not need it.
    expect(plan.objects.some((o) => o.cls === 'bgpBestPathCtrlPol' || o.cls === 'bgpRsBestPathCtrlPol')).toBe(false);
  });

  it('has the timers, ECMP, prefix-limit policies of the design', () => {
    expect(attrs(`${T}/bgpCtxP-K8s_L3OUT-Timers`)).toMatchObject({
      kaIntvl: '1',
      holdIntvl: '3',
      staleIntvl: '6',
      grCtrl: 'helper',
      maxAsLimit: '1',
    });
    expect(attrs(`${T}/bgpCtxAfP-K8s_L3OUT`)).toMatchObject({ maxEcmp: '64', maxEcmpIbgp: '64' });
    expect(attrs(`${T}/bgpPfxP-K8s_L3OUT`)).toMatchObject({ maxPfx: '500', action: 'reject' });
  });

  it('binds the ECMP context on the VRF in the VRF tenant for both families', () => {
    // Fix (NKT §7.9): the VRF is addressed in its own tenant (fabric.vrf.tenant), not assumed to be the L3Out's.
    // Here both tenants are the same; vrf-tenant.test.ts exercises the fix with the VRF in common.
    for (const af of ['ipv4-ucast', 'ipv6-ucast']) {
      expect(attrs(`${T}/ctx-vrf/rsctxToBgpCtxAfPol-[K8s_L3OUT]-${af}`)).toEqual({ tnBgpCtxAfPolName: 'K8s_L3OUT', af });
    }
  });

  it('exports the pod subnets and imports pod, node, service and external subnets', () => {
    const dests = (subj: string) =>
      plan.objects
        .filter((o) => o.parentDn === `${T}/subj-${subj}`)
        .map((o) => o.attrs.ip)
        .sort();
    expect(dests('K8s_L3OUT-export-match')).toEqual(['192.168.36.0/24', '2001:db8:35:100::/56']);
    expect(dests('K8s_L3OUT-import-match')).toEqual(
      [
        '192.168.35.0/24',
        '192.168.36.0/24',
        '192.168.37.0/24',
        '192.168.38.0/24',
        '2001:db8:35::/56',
        '2001:db8:35:100::/56',
        '2001:db8:35:200::/108',
        '2001:db8:35:200::10:0/108',
      ].sort(),
    );
    expect(attrs(`${O}/prof-default-export/ctx-export_pod_subnet`)).toMatchObject({ action: 'permit' });
    expect(attrs(`${O}/prof-default-export/ctx-export_pod_subnet/rsctxPToSubjP-K8s_L3OUT-export-match`)).toEqual({
      tnRtctrlSubjPName: 'K8s_L3OUT-export-match',
    });
    expect(attrs(`${O}/prof-default-import/ctx-import_cluster_subnets/rsctxPToSubjP-K8s_L3OUT-import-match`)).toEqual({
      tnRtctrlSubjPName: 'K8s_L3OUT-import-match',
    });
  });

  it('has the external EPG with the contract and the eight cluster subnets', () => {
    const epg = `${O}/instP-catch_all`;
    expect(attrs(`${epg}/rsprov-calico_dev`)).toEqual({ tnVzBrCPName: 'calico_dev' });
    expect(attrs(`${epg}/rscons-calico_dev`)).toEqual({ tnVzBrCPName: 'calico_dev' });
    const scope = 'import-security,shared-rtctrl,shared-security';
    expect(attrs(`${epg}/extsubnet-[192.168.35.0/24]`)).toEqual({ ip: '192.168.35.0/24', scope });
    for (const ip of [
      '192.168.36.0/24',
      '192.168.37.0/24',
      '192.168.38.0/24',
      '2001:db8:35:100::/56',
      '2001:db8:35:200::/108',
      '2001:db8:35:200::10:0/108',
    ]) {
      expect(attrs(`${epg}/extsubnet-[${ip}]`)).toEqual({ ip, scope, aggregate: 'shared-rtctrl' });
    }
    expect(attrs(`${epg}/extsubnet-[2001:db8:35::/56]`)).toEqual({ ip: '2001:db8:35::/56', scope });
  });

  it('posts policies before the L3Out that references them, each payload rooted at its URL DN', () => {
    const order = plan.payloads.map((p) => p.dn);
    expect(order.indexOf(O)).toBeGreaterThan(order.indexOf(`${T}/bgpCtxP-K8s_L3OUT-Timers`));
    expect(order.indexOf(O)).toBeGreaterThan(order.indexOf(`${T}/subj-K8s_L3OUT-import-match`));
    for (const p of plan.payloads) {
      expect(p.url).toBe(`/api/mo/${p.dn}.json`);
      const [body] = Object.values(p.body);
      expect(body?.attributes.dn).toBe(p.dn);
    }
    // No APIC user with admin/writePriv is created (NKT §7.4): the plan contains no aaaUser objects.
    expect(plan.objects.some((o) => o.dn.startsWith('uni/userext'))).toBe(false);
  });
});
