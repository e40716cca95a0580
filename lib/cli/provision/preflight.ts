import { wcard } from '../../aci/filter';
import { moEntry, type WireMo } from '../../aci/mo';
import { classQuery, moQuery } from '../../aci/query';
import type { ResolvedSpec } from '../../../provisioner/spec/defaults';
import type { SpecProblem } from '../../live/shared/provision';
import { openApic } from './discover';

/**
 * Pre-flight checks the spec validator cannot make because they need the live fabric: the tenant, VRF, contract and
 * domain exist; the VRF does not enforce BD subnets (passive BGP needs it off); the VLAN is in the domain's pool; no
 * endpoint already learnt in the tenant holds an address the spec gives a node or an anchor. Each problem names the
 * field it is about. (The APIC's clock matters only to certificate authentication: the fabric step shows its skew.)
 */

const attrs = (mo: WireMo) => moEntry(mo)[1].attributes;
const vlanOf = (t: string | undefined) => Number(/^vlan-(\d+)$/.exec(t ?? '')?.[1] ?? NaN);

export async function preflight(r: ResolvedSpec, password: string): Promise<SpecProblem[]> {
  const f = r.spec.fabric;
  const apic = await openApic({
    urls: f.apic.urls,
    username: f.apic.username,
    password,
    ...(f.apic.caFile ? { caFile: f.apic.caFile } : {}),
  });
  const out: SpecProblem[] = [];
  try {
    const tn = `uni/tn-${f.tenant}`;
    const vrfDn = `uni/tn-${f.vrf.tenant ?? f.tenant}/ctx-${f.vrf.name}`;
    const contractDn = `uni/tn-${f.contract.tenant ?? f.tenant}/brc-${f.contract.name}`;
    const domainDn = `uni/phys-${f.physicalDomain}`;
    const [tenant, vrf, contract, domain, endpoints] = await Promise.all([
      apic.query(moQuery(tn)),
      apic.query(moQuery(vrfDn)),
      apic.query(moQuery(contractDn)),
      apic.query(moQuery(domainDn, { rspSubtree: 'children', rspSubtreeClass: ['infraRsVlanNs'] })),
      apic.query(classQuery('fvIp', { filter: wcard('fvIp.dn', `${tn}/`) })),
    ]);
    if (tenant.length === 0) out.push({ path: 'fabric.tenant', message: `tenant ${f.tenant} does not exist on the APIC` });
    if (vrf.length === 0) out.push({ path: 'fabric.vrf.name', message: `VRF ${vrfDn} does not exist on the APIC` });
    else if (attrs(vrf[0]!).bdEnforcedEnable === 'yes')
      out.push({
        path: 'fabric.vrf.name',
        message: `VRF ${vrfDn} enforces BD subnets (bdEnforcedEnable): passive BGP from the nodes would fail`,
      });
    if (contract.length === 0) out.push({ path: 'fabric.contract.name', message: `contract ${contractDn} does not exist on the APIC` });
    if (domain.length === 0)
      out.push({ path: 'fabric.physicalDomain', message: `physical domain ${f.physicalDomain} does not exist on the APIC` });
    else {
      const pools = (moEntry(domain[0]!)[1].children ?? []).map((c) => attrs(c).tDn).filter((d): d is string => Boolean(d));
      const blocks = await Promise.all(
        pools.map((p) => apic.query(moQuery(p, { rspSubtree: 'children', rspSubtreeClass: ['fvnsEncapBlk'] }))),
      );
      const ranges = blocks.flat().flatMap((p) => (moEntry(p)[1].children ?? []).map((b) => [vlanOf(attrs(b).from), vlanOf(attrs(b).to)]));
      if (!ranges.some(([from, to]) => f.vlan >= from! && f.vlan <= to!))
        out.push({
          path: 'fabric.vlan',
          message: `VLAN ${f.vlan} is not in the VLAN pool of ${f.physicalDomain} (${ranges.map(([a, b]) => `${a}-${b}`).join(', ') || 'no pool'})`,
        });
    }
    // An endpoint the fabric already learnt with a planned address is another machine: the address would clash.
    const planned = new Map<string, string>();
    f.anchorLeaves.forEach((a, i) => planned.set(a.ipv4, `fabric.anchorLeaves[${i}].ipv4`));
    r.spec.cluster.nodes.forEach((n, i) => planned.set(n.ipv4, `cluster.nodes[${i}].ipv4`));
    const nodeNames = new Set(r.spec.cluster.nodes.map((n) => n.name));
    for (const ip of endpoints) {
      const a = attrs(ip);
      const path = planned.get(a.addr ?? '');
      // The existing nodes of an aci-only cluster are themselves endpoints: only other machines clash.
      if (path && !(r.spec.mode === 'aci-only' && path.startsWith('cluster.nodes') && nodeNames.size > 0))
        out.push({ path, message: `${a.addr} is already in use on the fabric (endpoint ${a.dn})` });
    }
  } finally {
    await apic.close();
  }
  return out;
}
