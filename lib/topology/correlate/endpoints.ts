import { parsePathDn, type ArpAdjEp, type FvCEp, type PathRef } from '../../aci/models';
import type { GraphNode } from '../graph';
import type { GraphSink } from './builder';
import type { Context } from './context';
import { compareStrings } from '../../shared/compare';
import type { PortLookups } from './ports';

/** Where a Kubernetes node's endpoint was learned: its MAC and fabric path(s), normalised to bundles. */
export interface NodeAttachment {
  mac: string;
  paths: PathRef[];
}

/** What resolving an endpoint looks up, wherever the objects are held. */
export interface EndpointLookups {
  /** `tenant:vrf`, for messages. */
  dom: string;
  /** The endpoints carrying `ip` in the cluster VRF. */
  cepsAt(ip: string): readonly FvCEp[];
  /** fabricPathEp.lagT of a path DN. */
  lagT(pathDn: string): string | undefined;
  /** ARP adjacencies of a MAC learned on a physical interface (not over a tunnel). */
  arpsOf(mac: string): readonly ArpAdjEp[];
}

/**
 * The IPs an endpoint is found under in the cluster VRF: each fvIp in the VRF and the endpoint's own IP (older
 * releases). A record without any VRF DN cannot be placed; the capture filtered by VRF, so it is accepted.
 */
export function cepIpsInVrf(cep: FvCEp, vrfDn: string): string[] {
  const inVrf = (dn: string) => dn === '' || dn === vrfDn;
  const out: string[] = [];
  for (const ip of cep.ips) if (inVrf(ip.vrfDn || cep.vrfDn) && !out.includes(ip.addr)) out.push(ip.addr);
  if (cep.ip && inVrf(cep.vrfDn) && !out.includes(cep.ip)) out.push(cep.ip);
  return out;
}

/** Adjacencies over a tunnel are remote (learned via the spine proxy), not where the host is attached. */
export const isLocalArp = (a: ArpAdjEp): boolean => !a.physIfId.includes('tunnel');

function endpointLookups(ctx: Context): EndpointLookups {
  const byIp = new Map<string, FvCEp[]>();
  for (const cep of ctx.inputs.apic('fvCEp')) {
    for (const ip of cepIpsInVrf(cep, ctx.vrfDn)) {
      const l = byIp.get(ip);
      if (!l) byIp.set(ip, [cep]);
      else if (!l.includes(cep)) l.push(cep);
    }
  }
  const arpByMac = new Map<string, ArpAdjEp[]>();
  for (const a of ctx.inputs.apic('arpAdjEp')) {
    if (!isLocalArp(a)) continue;
    const l = arpByMac.get(a.mac);
    if (l) l.push(a);
    else arpByMac.set(a.mac, [a]);
  }
  const lagT = new Map<string, string>();
  for (const p of ctx.inputs.apic('fabricPathEp')) if (!lagT.has(p.dn)) lagT.set(p.dn, p.lagT);
  return { dom: ctx.dom, cepsAt: (ip) => byIp.get(ip) ?? [], lagT: (dn) => lagT.get(dn), arpsOf: (mac) => arpByMac.get(mac) ?? [] };
}

/**
 * A standalone port whose LLDP/CDP port description names a PC/vPC path is a bundle member (e.g. a
 * vPC in LACP individual mode or mac-pinning): report the bundle, as the leaf itself does.
 */
function normalisePath(ref: PathRef, look: EndpointLookups, ports: PortLookups): PathRef {
  const lag = look.lagT(ref.dn);
  if (lag === 'node' || lag === 'link' || ref.kind !== 'port') return ref;
  const nodeId = ref.nodeIds[0]!;
  const desc = ports.lldpAt(nodeId, ref.name)?.portDesc || ports.cdpAt(nodeId, ref.name)?.locDesc;
  if (!desc || desc === ref.dn) return ref;
  const bundle = parsePathDn(desc);
  if (!bundle) return ref;
  const bundleLag = look.lagT(bundle.dn);
  return bundle.kind === 'vpc' || bundleLag === 'node' || bundleLag === 'link' ? bundle : ref;
}

/** The same IP on several MACs (a move in progress): the most recently modified endpoint wins. */
const newestEndpoint = (a: FvCEp, b: FvCEp) =>
  (b.modTs ?? 0) - (a.modTs ?? 0) || compareStrings(a.mac, b.mac) || compareStrings(a.dn, b.dn);
const newestArp = (a: ArpAdjEp, b: ArpAdjEp) => b.upTs! - a.upTs! || compareStrings(a.dn, b.dn);

/**
 * Resolves one Kubernetes node's endpoint: the fvCEp whose fvIp equals a node IP in the cluster VRF (node IPs in
 * preference order), its paths, disambiguated by the newest ARP adjacency when there are several (CSCwc13370:
 * stale paths), then normalised through fabricPathEp.lagT. Sets the node's `mac` and `paths`.
 */
export function resolveAttachment(node: GraphNode, look: EndpointLookups, ports: PortLookups, sink: GraphSink): NodeAttachment | null {
  const ips = node.data.ips as string[];
  let cep: FvCEp | undefined;
  for (const ip of ips) {
    const ceps = look.cepsAt(ip);
    if (ceps.length === 0) continue;
    cep = [...ceps].sort(newestEndpoint)[0];
    break;
  }
  if (!cep) {
    if (ips.length > 0)
      sink.problem('error', 'node-endpoint-not-learned', node.id, `No endpoint with IP ${ips.join(' or ')} is learned in VRF ${look.dom}.`);
    return null;
  }
  // Normalise first: two member ports of one bundle are one attachment, not an ambiguity.
  let refs = uniqueRefs(uniqueRefs([...cep.paths].sort(compareStrings)).map((r) => normalisePath(r, look, ports).dn));
  if (refs.length > 1) {
    const newest = look
      .arpsOf(cep.mac)
      .filter((a) => a.upTs !== null)
      .sort(newestArp)[0];
    const chosen = newest?.nodeId != null ? refs.filter((r) => r.nodeIds.includes(newest.nodeId!)) : [];
    const resolution =
      chosen.length > 0
        ? `the newest ARP adjacency (node ${newest!.nodeId}) selects ${chosen.map((r) => r.dn).join(', ')}`
        : 'no ARP adjacency resolves it';
    sink.problem(
      'warning',
      'endpoint-on-several-paths',
      node.id,
      `Endpoint ${cep.mac} is learned on ${refs.length} paths (${refs.map((r) => r.dn).join(', ')}); ${resolution}.`,
    );
    if (chosen.length > 0) refs = chosen;
  }
  node.data.mac = cep.mac;
  node.data.paths = refs.map((p) => p.dn);
  return { mac: cep.mac, paths: refs };
}

/** Every Kubernetes node's attachment, from indexes over the whole bundle. */
export function resolveAttachments(ctx: Context, ports: PortLookups): Map<string, NodeAttachment> {
  const look = endpointLookups(ctx);
  const out = new Map<string, NodeAttachment>();
  for (const node of ctx.g.allNodes()) {
    if (node.kind !== 'k8s-node') continue;
    const att = resolveAttachment(node, look, ports, ctx.g);
    if (att) out.set(node.id, att);
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
