import { parsePathDn, type ArpAdjEp, type FvCEp, type PathRef } from '../../aci/models';
import type { Context } from './context';
import { portKey, type PortIndex } from './ports';

/** Where a Kubernetes node's endpoint was learned: its MAC and fabric path(s), normalised to bundles. */
export interface NodeAttachment {
  mac: string;
  paths: PathRef[];
}

/** fvCEps indexed by each IP they carry in the cluster VRF. */
function indexEndpoints(ctx: Context): Map<string, FvCEp[]> {
  const byIp = new Map<string, FvCEp[]>();
  const add = (ip: string, cep: FvCEp) => {
    const l = byIp.get(ip);
    if (!l) byIp.set(ip, [cep]);
    else if (!l.includes(cep)) l.push(cep);
  };
  // A record without any VRF DN cannot be placed; the capture filtered by VRF, so accept it.
  const inVrf = (dn: string) => dn === '' || dn === ctx.vrfDn;
  for (const cep of ctx.inputs.apic('fvCEp')) {
    for (const ip of cep.ips) if (inVrf(ip.vrfDn || cep.vrfDn)) add(ip.addr, cep);
    if (cep.ip && inVrf(cep.vrfDn)) add(cep.ip, cep);
  }
  return byIp;
}

function indexArp(ctx: Context): Map<string, ArpAdjEp[]> {
  const byMac = new Map<string, ArpAdjEp[]>();
  for (const a of ctx.inputs.apic('arpAdjEp')) {
    // Adjacencies over a tunnel are remote (learned via the spine proxy), not where the host is attached.
    if (a.physIfId.includes('tunnel')) continue;
    const l = byMac.get(a.mac);
    if (l) l.push(a);
    else byMac.set(a.mac, [a]);
  }
  return byMac;
}

/**
 * A standalone port whose LLDP/CDP port description names a PC/vPC path is a bundle member (e.g. a
 * vPC in LACP individual mode or mac-pinning): report the bundle, as the leaf itself does.
 */
function normalisePath(ref: PathRef, lagT: Map<string, string>, ports: PortIndex): PathRef {
  const lag = lagT.get(ref.dn);
  if (lag === 'node' || lag === 'link' || ref.kind !== 'port') return ref;
  const nodeId = ref.nodeIds[0]!;
  const desc = ports.lldpByPort.get(portKey(nodeId, ref.name))?.portDesc || ports.cdpByPort.get(portKey(nodeId, ref.name))?.locDesc;
  if (!desc || desc === ref.dn) return ref;
  const bundle = parsePathDn(desc);
  if (!bundle) return ref;
  const bundleLag = lagT.get(bundle.dn);
  return bundle.kind === 'vpc' || bundleLag === 'node' || bundleLag === 'link' ? bundle : ref;
}

/**
 * Resolves every Kubernetes node's endpoint: the fvCEp whose fvIp equals a node IP in the cluster VRF
 * (node IPs in preference order), its paths, disambiguated by the newest ARP adjacency when there are
 * several (CSCwc13370: stale paths), then normalised through fabricPathEp.lagT.
 */
export function resolveAttachments(ctx: Context, ports: PortIndex): Map<string, NodeAttachment> {
  const byIp = indexEndpoints(ctx);
  const arpByMac = indexArp(ctx);
  const lagT = new Map<string, string>();
  for (const p of ctx.inputs.apic('fabricPathEp')) lagT.set(p.dn, p.lagT);

  const out = new Map<string, NodeAttachment>();
  for (const node of ctx.g.allNodes()) {
    if (node.kind !== 'k8s-node') continue;
    const ips = node.data.ips as string[];
    let cep: FvCEp | undefined;
    for (const ip of ips) {
      const ceps = byIp.get(ip);
      if (!ceps) continue;
      // The same IP on several MACs (a move in progress): the most recently modified endpoint wins.
      cep = [...ceps].sort((a, b) => (b.modTs ?? 0) - (a.modTs ?? 0) || (a.mac < b.mac ? -1 : 1))[0];
      break;
    }
    if (!cep) {
      if (ips.length > 0) {
        ctx.g.problem(
          'error',
          'node-endpoint-not-learned',
          node.id,
          `No endpoint with IP ${ips.join(' or ')} is learned in VRF ${ctx.dom}.`,
        );
      }
      continue;
    }
    // Normalise first: two member ports of one bundle are one attachment, not an ambiguity.
    let refs = uniqueRefs(uniqueRefs(cep.paths).map((r) => normalisePath(r, lagT, ports).dn));
    if (refs.length > 1) {
      const arps = (arpByMac.get(cep.mac) ?? []).filter((a) => a.upTs !== null);
      const newest = arps.sort((a, b) => b.upTs! - a.upTs!)[0];
      const chosen = newest?.nodeId != null ? refs.filter((r) => r.nodeIds.includes(newest.nodeId!)) : [];
      const resolution =
        chosen.length > 0
          ? `the newest ARP adjacency (node ${newest!.nodeId}) selects ${chosen.map((r) => r.dn).join(', ')}`
          : 'no ARP adjacency resolves it';
      ctx.g.problem(
        'warning',
        'endpoint-on-several-paths',
        node.id,
        `Endpoint ${cep.mac} is learned on ${refs.length} paths (${refs.map((r) => r.dn).join(', ')}); ${resolution}.`,
      );
      if (chosen.length > 0) refs = chosen;
    }
    const paths = refs;
    node.data.mac = cep.mac;
    node.data.paths = paths.map((p) => p.dn);
    out.set(node.id, { mac: cep.mac, paths });
  }
  return out;
}

function uniqueRefs(dns: string[]): PathRef[] {
  const seen = new Set<string>();
  const out: PathRef[] = [];
  for (const dn of dns) {
    if (seen.has(dn)) continue;
    seen.add(dn);
    const ref = parsePathDn(dn);
    if (ref) out.push(ref);
  }
  return out;
}
