import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildPlan } from './index';
import { planFiles } from '../output/files';
import { validateSpec } from '../spec/validate';
import { contains, parseAddr, type Addr } from '../net';
import type { ResolvedSpec } from '../spec/defaults';
import { arbitrarySpecDoc } from '../test-support/arbitrary-spec';

function resolve(doc: unknown): ResolvedSpec {
  const r = validateSpec(doc);
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return r.resolved;
}

const addrOf = (text: string): Addr => {
  const a = parseAddr(text.split('/')[0]!);
  if (!a) throw new Error(`not an address: ${text}`);
  return a;
};

describe('plan properties', () => {
  it('every generated DN lies under the L3Out tenant (or, for the ECMP binding, the VRF tenant)', () => {
    fc.assert(
      fc.property(arbitrarySpecDoc, (doc) => {
        const r = resolve(doc);
        const f = r.spec.fabric;
        const vrfTenant = f.vrf.tenant ?? f.tenant;
        for (const o of buildPlan(r).aci.objects) {
          const underTenant = o.dn.startsWith(`uni/tn-${f.tenant}/`);
          const ecmp = o.dn.startsWith(`uni/tn-${vrfTenant}/ctx-${f.vrf.name}/`) || o.dn === `uni/tn-${vrfTenant}/bgpCtxAfP-${f.l3out.name}`;
          expect(underTenant || ecmp, o.dn).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('every address the plan uses is inside the node subnet, and each role has its own address', () => {
    fc.assert(
      fc.property(arbitrarySpecDoc, (doc) => {
        const r = resolve(doc);
        const plan = buildPlan(r);
        const used: Array<[string, string]> = []; // [role, address]
        for (const o of plan.aci.objects) {
          if (o.cls === 'l3extVirtualLIfP') used.push([`anchor ${o.attrs.nodeDn}`, o.attrs.addr!]);
          if (o.cls === 'l3extRsDynPathAtt') used.push(['floating', o.attrs.floatingAddr!]);
          if (o.cls === 'l3extIp') used.push(['secondary', o.attrs.addr!]);
        }
        for (const n of plan.nodes) {
          const netplan = parse(parse(n.userData.replace(/^#cloud-config\n/, '')).write_files[0].content);
          const eth = Object.values(netplan.network.ethernets)[0] as { addresses: string[]; routes: Array<{ via: string }> };
          for (const a of eth.addresses) used.push([`node ${n.node}`, a]);
          for (const route of eth.routes) used.push(['secondary', route.via]);
        }
        if (r.spec.mode === 'full' && r.spec.cluster.nodes.filter((n) => n.role === 'master').length === 3) used.push(['vip', r.vip.toString()]);
        const roleOf = new Map<string, string>();
        for (const [role, text] of used) {
          const a = addrOf(text);
          const subnet = r.families.find((f) => f.family === (a.kind() === 'ipv4' ? 'ipv4' : 'ipv6'))!.nodeSubnet;
          expect(contains(subnet, a), `${role} ${text}`).toBe(true);
          expect(a.toString()).not.toBe(subnet.network.toString());
          const key = a.toString();
          const prev = roleOf.get(key);
          expect(prev === undefined || prev === role, `${key} used by ${prev} and ${role}`).toBe(true);
          roleOf.set(key, role);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('is byte-identical for the same spec', () => {
    fc.assert(
      fc.property(arbitrarySpecDoc, (doc) => {
        const a = planFiles(buildPlan(resolve(doc)));
        const b = planFiles(buildPlan(resolve(structuredClone(doc))));
        expect([...b.entries()]).toEqual([...a.entries()]);
      }),
      { numRuns: 30 },
    );
  });
});
