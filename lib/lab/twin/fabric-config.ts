import { nodeOfDn, splitDn } from '../../aci/models/dn';
import type { ApicTree, MoRecord } from '../apic';
import { formatCidr, inCidr, parseCidr } from '../../net/ip';

/**
 * The leaf side of the floating L3Outs, read from the lab APIC's MIT (the configuration a writer POSTed, or the
 * scenario's seed): what each anchor leaf would deploy and which BGP neighbours it would accept. Pure reads.
 */

/** One bgpPeerP below a floating SVI: a prefix address makes every speaker inside it a dynamic neighbour. */
export interface LeafPeerConfig {
  dn: string;
  prefix: string;
  /** '' when none is set (write-only on the wire; the lab keeps it). */
  password: string;
  enabled: boolean;
  /** bgpAsP: the AS the leaf expects its neighbours in. */
  remoteAs?: number;
  /** bgpLocalAsnP: the AS the leaf presents instead of the fabric's. */
  localAs?: number;
  ctrl: string;
}

/** One floating SVI (l3extVirtualLIfP) of an anchor leaf, with what decides whether the leaf deploys it. */
export interface FloatingSvi {
  dn: string;
  leaf: number;
  /** `uni/tn-T/out-O` */
  l3out: string;
  /** The VRF the L3Out resolves (its tenant, then common); undefined when it resolves none. */
  vrf?: { tenant: string; name: string; dn: string };
  routerId?: string;
  /** VLAN of the encap (`vlan-12` → 12). */
  vlan?: number;
  /** The leaf's own address on the SVI, without its prefix length. */
  addr: string;
  prefixLen: number;
  /** `addr/prefixLen` as a network CIDR: the subnet the SVI serves. */
  subnet: string;
  floatingAddr?: string;
  domain?: string;
  secondaries: string[];
  peers: LeafPeerConfig[];
  /** Why the leaf does not deploy this SVI (what APIC would raise as a fault); undefined when deployed. */
  notDeployed?: string;
}

export interface EcmpLimits {
  maxEcmp: number;
  maxEcmpIbgp: number;
  /** The bgpCtxAfPol they came from, or 'default' when the VRF names none. */
  policy: string;
}

export interface FabricConfig {
  /** uni/fabric/bgpInstP-default/as: the AS every leaf runs BGP in. */
  fabricAs?: number;
  svis: FloatingSvi[];
  leaves: { id: number; tep: string }[];
  /** ECMP limits of a VRF (by DN) for IPv4 unicast. */
  ecmp(vrfDn: string): EcmpLimits;
}

/** ACI's default BGP address-family context policy (uni/tn-common/bgpCtxAfP-default): 16 eBGP and 16 iBGP paths. */
export const ACI_DEFAULT_ECMP = 16;

const num = (v: string | undefined): number | undefined => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);

function tenantOf(dn: string): string {
  return splitDn(dn)[1]?.slice('tn-'.length) ?? '';
}

/** A relation by name resolves in the object's own tenant, then in common (how APIC resolves tn*Name relations). */
function byName(tree: ApicTree, tenant: string, rn: string): MoRecord | undefined {
  return tree.get(`uni/tn-${tenant}/${rn}`) ?? tree.get(`uni/tn-common/${rn}`);
}

function vlanOf(encap: string | undefined): number | undefined {
  const m = /^vlan-(\d+)$/.exec(encap ?? '');
  return m ? Number(m[1]) : undefined;
}

/** Why a physical domain cannot carry a VLAN: missing, without a pool, or the VLAN outside every block. */
function domainProblem(tree: ApicTree, domain: string, vlan: number): string | undefined {
  if (!tree.get(domain)) return `its domain ${domain} does not exist`;
  const rel = tree.get(`${domain}/rsvlanNs`);
  const pool = rel?.attrs['tDn'] ? tree.get(rel.attrs['tDn']) : undefined;
  if (!pool) return `domain ${domain} has no VLAN pool`;
  const blocks = tree.children(pool.dn).filter((mo) => mo.className === 'fvnsEncapBlk');
  const inside = blocks.some((b) => {
    const from = vlanOf(b.attrs['from']);
    const to = vlanOf(b.attrs['to']);
    return from !== undefined && to !== undefined && vlan >= from && vlan <= to;
  });
  return inside ? undefined : `VLAN ${vlan} is not in ${domain}'s pool ${pool.dn}`;
}

function readPeer(tree: ApicTree, mo: MoRecord): LeafPeerConfig {
  return {
    dn: mo.dn,
    prefix: mo.attrs['addr'] ?? '',
    password: mo.attrs['password'] ?? '',
    enabled: (mo.attrs['adminSt'] ?? 'enabled') !== 'disabled',
    remoteAs: num(tree.get(`${mo.dn}/as`)?.attrs['asn']),
    localAs: num(tree.get(`${mo.dn}/localasn`)?.attrs['localAsn']),
    ctrl: mo.attrs['ctrl'] ?? '',
  };
}

function readSvi(tree: ApicTree, vlifp: MoRecord): FloatingSvi | undefined {
  const rns = splitDn(vlifp.dn);
  const outAt = rns.findIndex((rn) => rn.startsWith('out-'));
  const node = nodeOfDn(vlifp.attrs['nodeDn'] ?? '');
  if (outAt < 0 || !node) return undefined;
  const l3out = rns.slice(0, outAt + 1).join('/');
  const nodeProfile = rns.slice(0, outAt + 2).join('/');
  const [addr = '', len = '32'] = (vlifp.attrs['addr'] ?? '').split('/');
  const prefixLen = Number(len);
  const children = tree.children(vlifp.dn);
  const path = children.find((mo) => mo.className === 'l3extRsDynPathAtt');
  const ctxName = tree.get(`${l3out}/rsectx`)?.attrs['tnFvCtxName'];
  const ctx = ctxName ? byName(tree, tenantOf(l3out), `ctx-${ctxName}`) : undefined;
  const att = tree.get(`${nodeProfile}/rsnodeL3OutAtt-[${vlifp.attrs['nodeDn']}]`);
  const svi: FloatingSvi = {
    dn: vlifp.dn,
    leaf: node.nodeId,
    l3out,
    ...(ctx ? { vrf: { tenant: tenantOf(ctx.dn), name: ctx.attrs['name'] ?? ctxName!, dn: ctx.dn } } : {}),
    ...(att?.attrs['rtrId'] ? { routerId: att.attrs['rtrId'] } : {}),
    ...(vlanOf(vlifp.attrs['encap']) !== undefined ? { vlan: vlanOf(vlifp.attrs['encap']) } : {}),
    addr,
    prefixLen,
    subnet: networkOf(addr, prefixLen),
    ...(path?.attrs['floatingAddr'] ? { floatingAddr: path.attrs['floatingAddr'].split('/')[0]! } : {}),
    ...(path?.attrs['tDn'] ? { domain: path.attrs['tDn'] } : {}),
    secondaries: children.filter((mo) => mo.className === 'l3extIp').map((mo) => (mo.attrs['addr'] ?? '').split('/')[0]!),
    peers: children.filter((mo) => mo.className === 'bgpPeerP').map((mo) => readPeer(tree, mo)),
  };
  svi.notDeployed = whyNotDeployed(tree, svi, att !== undefined, ctxName);
  return svi;
}

function whyNotDeployed(tree: ApicTree, svi: FloatingSvi, attached: boolean, ctxName: string | undefined): string | undefined {
  const where = `leaf ${svi.leaf}'s floating SVI ${svi.dn}`;
  if (!tree.get(`${svi.l3out}/bgpExtP`)) return `L3Out ${svi.l3out} has no bgpExtP: BGP is not enabled on it`;
  if (!ctxName) return `L3Out ${svi.l3out} has no VRF (l3extRsEctx)`;
  if (!svi.vrf) return `L3Out ${svi.l3out} names VRF ${ctxName}, which exists neither in its tenant nor in common`;
  if (!attached) return `leaf ${svi.leaf} is not in the node profile of ${svi.l3out} (no l3extRsNodeL3OutAtt)`;
  if (svi.vlan === undefined) return `${where} has no VLAN encap`;
  if (!svi.addr || !Number.isInteger(svi.prefixLen)) return `${where} has no primary address`;
  if (!svi.domain) return `${where} has no l3extRsDynPathAtt (domain)`;
  const domain = domainProblem(tree, svi.domain, svi.vlan);
  return domain ? `${where} is not deployed: ${domain}` : undefined;
}

/** The longest bgpPeerP prefix of an SVI covering `ip`: the neighbour profile that accepts a speaker there. */
export function leafPeerFor(svi: FloatingSvi, ip: string): LeafPeerConfig | undefined {
  let best: { peer: LeafPeerConfig; len: number } | undefined;
  for (const peer of svi.peers) {
    const cidr = peer.prefix.includes('/') ? peer.prefix : `${peer.prefix}/32`;
    const len = Number(cidr.split('/')[1]);
    if (safeInCidr(ip, cidr) && (!best || len > best.len)) best = { peer, len };
  }
  return best?.peer;
}

/** `192.168.35.201`, 24 → `192.168.35.0/24`; the text as it is when it does not parse. */
function networkOf(addr: string, prefixLen: number): string {
  const c = parseCidr(`${addr}/${prefixLen}`);
  return c ? formatCidr(c) : `${addr}/${prefixLen}`;
}

/** True when `ip` lies in `cidr`; false when either does not parse (a misconfigured object is not an error here). */
export function safeInCidr(ip: string, cidr: string): boolean {
  return inCidr(ip, cidr);
}

export function readFabricConfig(tree: ApicTree): FabricConfig {
  const svis = tree.byClass('l3extVirtualLIfP').flatMap((mo) => readSvi(tree, mo) ?? []);
  const leaves = tree
    .byClass('fabricNode')
    .filter((mo) => mo.attrs['role'] === 'leaf')
    .map((mo) => ({ id: Number(mo.attrs['id']), tep: mo.attrs['address'] ?? '' }));
  const fabricAs = num(tree.get('uni/fabric/bgpInstP-default/as')?.attrs['asn']);
  const ecmpCache = new Map<string, EcmpLimits>();
  const ecmp = (vrfDn: string): EcmpLimits => {
    let limits = ecmpCache.get(vrfDn);
    if (limits) return limits;
    const rel = tree
      .children(vrfDn)
      .find((mo) => mo.className === 'fvRsCtxToBgpCtxAfPol' && (mo.attrs['af'] ?? 'ipv4-ucast') === 'ipv4-ucast');
    const name = rel?.attrs['tnBgpCtxAfPolName'] || 'default';
    const pol = byName(tree, tenantOf(vrfDn), `bgpCtxAfP-${name}`);
    limits = {
      maxEcmp: num(pol?.attrs['maxEcmp']) ?? ACI_DEFAULT_ECMP,
      maxEcmpIbgp: num(pol?.attrs['maxEcmpIbgp']) ?? ACI_DEFAULT_ECMP,
      policy: pol?.dn ?? 'default',
    };
    ecmpCache.set(vrfDn, limits);
    return limits;
  };
  return { ...(fabricAs !== undefined ? { fabricAs } : {}), svis, leaves, ecmp };
}
