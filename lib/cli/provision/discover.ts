import { readFile } from 'node:fs/promises';
import { ApicClient } from '../../aci/client';
import { eq, wcard } from '../../aci/filter';
import { moEntry, type WireMo } from '../../aci/mo';
import { nodeOfDn } from '../../aci/models/dn';
import { classQuery, moQuery } from '../../aci/query';
import { compareStrings } from '../../shared/compare';
import type { DiscoverRequest, FabricDiscovery, VlanPool } from '../../live/shared/provision';

/**
 * What the wizard's pickers offer, read from the APIC with the credentials the user typed, through akb's own APIC
 * client (TLS verified against the CA file given, else the system's CAs). The credentials live for this one call:
 * the client is closed, and its redacting logger never prints the password.
 */

const attrs = (mo: WireMo) => moEntry(mo)[1].attributes;
const children = (mo: WireMo) => moEntry(mo)[1].children ?? [];

/** `uni/tn-<t>/ctx-<v>` → {tenant, name}. */
function tenantChild(dn: string, rnPrefix: string): { tenant: string; name: string } | null {
  const m = new RegExp(`^uni/tn-([^/]+)/${rnPrefix}-([^/]+)$`).exec(dn);
  return m ? { tenant: m[1]!, name: m[2]! } : null;
}

const vlanNumber = (text: string | undefined): number => Number(/^vlan-(\d+)$/.exec(text ?? '')?.[1] ?? NaN);

export async function openApic(req: DiscoverRequest): Promise<ApicClient> {
  const ca = req.caFile
    ? await readFile(req.caFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
        throw new DiscoverInputError(`fabric.apic.caFile: cannot read ${req.caFile} (${err.code ?? 'unreadable'})`);
      })
    : undefined;
  return new ApicClient({
    controllers: req.urls,
    auth: { type: 'password', user: req.username, password: req.password },
    tls: ca ? { ca } : {},
    requestTimeoutMs: 15_000,
  });
}

export class DiscoverInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiscoverInputError';
  }
}

export async function discoverFabric(req: DiscoverRequest): Promise<FabricDiscovery> {
  const apic = await openApic(req);
  try {
    await apic.login();
    const before = Date.now();
    const [tenants, ctxs, contracts, domains, pools, leaves, pairs, as, controllers] = await Promise.all([
      apic.query(classQuery('fvTenant')),
      apic.query(classQuery('fvCtx')),
      apic.query(classQuery('vzBrCP')),
      apic.query(classQuery('physDomP', { rspSubtree: 'children', rspSubtreeClass: ['infraRsVlanNs'] })),
      apic.query(classQuery('fvnsVlanInstP', { rspSubtree: 'children', rspSubtreeClass: ['fvnsEncapBlk'] })),
      apic.query(classQuery('fabricNode', { filter: eq('fabricNode.role', 'leaf') })),
      // vPC pairs from their path endpoints (topology/pod-1/protpaths-101-102/pathep-[…]), which every vPC has.
      apic.query(classQuery('fabricPathEp', { filter: wcard('fabricPathEp.dn', '/protpaths-') })),
      apic.get('uni/fabric/bgpInstP-default/as'),
      apic.query(classQuery('topSystem', { filter: eq('topSystem.role', 'controller') })),
    ]);
    const poolByDn = new Map<string, VlanPool>();
    for (const p of pools) {
      const a = attrs(p);
      const ranges = children(p)
        .filter((c) => moEntry(c)[0] === 'fvnsEncapBlk')
        .map((c) => ({ from: vlanNumber(attrs(c).from), to: vlanNumber(attrs(c).to) }))
        .filter((r) => Number.isFinite(r.from) && Number.isFinite(r.to));
      poolByDn.set(a.dn!, { dn: a.dn!, name: a.name ?? '', allocMode: a.allocMode ?? '', ranges });
    }
    const peer = new Map<number, number>();
    for (const p of pairs) {
      const m = /\/protpaths-(\d+)-(\d+)\//.exec(attrs(p).dn ?? '');
      if (!m) continue;
      peer.set(Number(m[1]), Number(m[2]));
      peer.set(Number(m[2]), Number(m[1]));
    }
    const leafList = leaves
      .map((l) => {
        const a = attrs(l);
        const where = nodeOfDn(a.dn ?? '');
        return { nodeId: Number(a.id), podId: where?.podId ?? 1, name: a.name ?? '', vpcPeer: peer.get(Number(a.id)) };
      })
      .sort((x, y) => x.nodeId - y.nodeId);
    // A rack per vPC pair (the usual cabling: both leaves of a pair at the top of one rack), numbered in leaf order.
    const rackOf = new Map<number, string>();
    for (const l of leafList) {
      if (rackOf.has(l.nodeId)) continue;
      const rack = String(new Set(rackOf.values()).size + 1);
      rackOf.set(l.nodeId, rack);
      if (l.vpcPeer !== undefined) rackOf.set(l.vpcPeer, rack);
    }
    const apicTime = Date.parse(controllers.map((c) => attrs(c).currentTime ?? '').find(Boolean) ?? '');
    const asn = as ? Number(attrs(as).asn) : NaN;
    return {
      controller: apic.controller,
      ...(Number.isFinite(asn) ? { fabricAsn: asn } : {}),
      tenants: tenants.map((t) => attrs(t).name ?? '').sort(compareStrings),
      vrfs: ctxs
        .flatMap((c) => {
          const at = tenantChild(attrs(c).dn ?? '', 'ctx');
          return at ? [{ ...at, bdEnforced: attrs(c).bdEnforcedEnable === 'yes' }] : [];
        })
        .sort((a, b) => compareStrings(`${a.tenant}/${a.name}`, `${b.tenant}/${b.name}`)),
      contracts: contracts
        .flatMap((c) => tenantChild(attrs(c).dn ?? '', 'brc') ?? [])
        .sort((a, b) => compareStrings(`${a.tenant}/${a.name}`, `${b.tenant}/${b.name}`)),
      physicalDomains: domains
        .map((d) => {
          const rels = children(d).filter((c) => moEntry(c)[0] === 'infraRsVlanNs');
          const vlanPools = rels.flatMap((r) => poolByDn.get(attrs(r).tDn ?? '') ?? []);
          return { name: attrs(d).name ?? '', vlanPools };
        })
        .sort((a, b) => compareStrings(a.name, b.name)),
      leaves: leafList.map((l) => ({ ...l, rack: rackOf.get(l.nodeId) ?? '1' })),
      ...(Number.isFinite(apicTime) ? { clockSkewMs: apicTime - before } : {}),
    };
  } finally {
    await apic.close();
  }
}

/** Whether an object exists on the APIC (pre-flight checks). */
export async function exists(apic: ApicClient, dn: string): Promise<boolean> {
  return (await apic.query(moQuery(dn))).length > 0;
}
