import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildPlan, type Plan } from './index';
import { planFiles } from '../output/files';
import { validateSpec } from '../spec/validate';
import { contains, familyOf, formatCidr, lastAddr, parseIp, parseCidr, type IpAddress } from '../../lib/net/ip';
import type { ResolvedSpec } from '../spec/defaults';
import { arbitrarySpecDoc } from '../test-support/arbitrary-spec';
import { namedRelations } from '../test-support/aci-relations';
import { addressRoles, planAddressLiterals } from '../test-support/plan-addresses';

function resolve(doc: unknown): ResolvedSpec {
  const r = validateSpec(doc);
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return r.resolved;
}

const addrOf = (text: string): IpAddress => {
  const a = parseIp(text.split('/')[0]!);
  if (!a) throw new Error(`not an address: ${text}`);
  return a;
};

/** [where, address text, the role it must have]: the fields whose address is tied to one role of addressRoles(). */
function roleFields(plan: Plan): Array<[string, string, RegExp]> {
  const out: Array<[string, string, RegExp]> = [];
  for (const o of plan.aci.objects) {
    if (o.cls === 'l3extVirtualLIfP') out.push([o.dn, o.attrs.addr!, new RegExp(`^anchor ${/node-(\d+)$/.exec(o.attrs.nodeDn!)![1]}$`)]);
    if (o.cls === 'l3extRsDynPathAtt') out.push([o.dn, o.attrs.floatingAddr!, /^floating$/]);
    if (o.cls === 'l3extIp') out.push([o.dn, o.attrs.addr!, /^secondary$/]);
  }
  for (const n of plan.nodes) {
    const netplan = parse(parse(n.userData.replace(/^#cloud-config\n/, '')).write_files[0].content);
    const eth = Object.values(netplan.network.ethernets)[0] as { addresses: string[]; routes: Array<{ via: string }> };
    for (const a of eth.addresses) out.push([`netplan ${n.node}`, a, new RegExp(`^node ${n.node}$`)]);
    for (const route of eth.routes) out.push([`netplan ${n.node} gateway`, route.via, /^secondary$/]);
  }
  // The nodes' BGP neighbours, whichever CNI writes them: always anchor leaves (never the floating or secondary IP).
  for (const m of plan.manifests.cni) {
    const spec = m.spec as { peerIP?: string; bgpInstances?: Array<{ peers: Array<{ peerAddress: string }> }> } | undefined;
    if (m.kind === 'BGPPeer') out.push([`BGPPeer ${m.metadata?.name}`, spec!.peerIP!, /^anchor \d+$/]);
    for (const p of spec?.bgpInstances?.flatMap((i) => i.peers) ?? [])
      out.push([`${m.kind} ${m.metadata?.name}`, p.peerAddress, /^anchor \d+$/]);
    const ips = m.metadata?.annotations?.['kube-router.io/peer.ips'];
    for (const ip of ips?.split(',') ?? []) out.push([`kube-router peers of ${m.metadata?.name}`, ip, /^anchor \d+$/]);
  }
  return out;
}

describe('plan properties', () => {
  it('puts the VRF bindings and ECMP policy in the VRF tenant (maybe common), all else in the L3Out tenant, every relation resolvable', () => {
    fc.assert(
      fc.property(arbitrarySpecDoc, (doc) => {
        const r = resolve(doc);
        const f = r.spec.fabric;
        const vrfTenant = f.vrf.tenant ?? f.tenant;
        const objects = buildPlan(r).aci.objects;
        for (const o of objects) {
          // APIC resolves the VRF's tnBgpCtxAfPolName in the VRF's tenant, then common: the policy must be there.
          const inVrfTenant = o.cls === 'fvRsCtxToBgpCtxAfPol' || o.cls === 'bgpCtxAfPol';
          const parent = o.cls === 'fvRsCtxToBgpCtxAfPol' ? `uni/tn-${vrfTenant}/ctx-${f.vrf.name}` : `uni/tn-${vrfTenant}`;
          if (inVrfTenant) expect(o.parentDn, o.dn).toBe(parent);
          else expect(o.dn.startsWith(`uni/tn-${f.tenant}/`), o.dn).toBe(true);
        }
        expect(objects.filter((o) => o.cls === 'fvRsCtxToBgpCtxAfPol')).toHaveLength(r.families.length);
        expect(namedRelations(objects, r).filter((x) => x.resolved === undefined)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it('every address the plan writes is a spec subnet, a role address inside the node subnet or a named outside address', () => {
    fc.assert(
      fc.property(arbitrarySpecDoc, (doc) => {
        const r = resolve(doc);
        const plan = buildPlan(r);
        const roles = addressRoles(r);
        const nodeSubnetOf = (a: IpAddress) => r.families.find((fa) => fa.family === familyOf(a))!.nodeSubnet;
        // Each role address: one role only, inside the node subnet, neither its first nor its last address.
        for (const [text, rs] of roles) {
          const a = addrOf(text);
          const subnet = nodeSubnetOf(a);
          expect(rs, `${text} used by ${rs.join(' and ')}`).toHaveLength(1);
          expect(contains(subnet, a), `${rs[0]} ${text} outside ${formatCidr(subnet)}`).toBe(true);
          expect([subnet.network.toString(), lastAddr(subnet).toString()]).not.toContain(text);
        }
        // Fields tied to a role carry an address of that role, with the node subnet's prefix length when written with one.
        for (const [where, text, role] of roleFields(plan)) {
          const a = addrOf(text);
          expect(roles.get(a.toString())?.[0], `${where}: ${text}`).toMatch(role);
          if (text.includes('/')) expect(parseCidr(text)?.prefix, `${where}: ${text}`).toBe(nodeSubnetOf(a).prefix);
        }
        // Every other address literal anywhere (ACI, manifests, Helm values, user data) must be accounted for.
        const subnets = new Set(
          r.families.flatMap((fa) => [fa.nodeSubnet, fa.podSubnet, fa.serviceSubnet, fa.externalServiceSubnet].map(formatCidr)),
        );
        const c = r.spec.cluster;
        const outside = new Set(
          [...r.spec.fabric.anchorLeaves.map((a) => a.routerId), ...c.dns.servers, ...c.ntpServers].flatMap(
            (t) => parseIp(t)?.toString() ?? [],
          ),
        );
        for (const l of planAddressLiterals(plan)) {
          const key = l.addr.toString();
          if (l.prefix !== undefined && subnets.has(`${key}/${l.prefix}`)) continue;
          if (roles.has(key)) {
            if (l.prefix !== undefined) expect(l.prefix, `${l.where}: ${l.text}`).toBe(nodeSubnetOf(l.addr).prefix);
            continue;
          }
          // Router IDs, DNS/NTP servers and bind-all/loopback addresses are the only addresses outside the spec's subnets.
          const local = l.addr.range() === 'unspecified' || l.addr.range() === 'loopback';
          // ... and the any-address block of akb's NetworkPolicy egress rules (deploy/base/networkpolicy.yaml).
          const anywhere = l.prefix === 0 && l.addr.range() === 'unspecified';
          expect(
            (l.prefix === undefined && (outside.has(key) || local)) || anywhere,
            `${l.where}: ${l.text} is no spec subnet, role address or known outside address`,
          ).toBe(true);
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
