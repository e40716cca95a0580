import type { FamilyAddressing, ResolvedSpec } from '../../spec/defaults';
import type { AnchorLeaf } from '../../spec/schema';
import { formatCidr } from '../../../lib/net/ip';
import { secretPlaceholder } from '../secrets';
import { policyNames } from './policies';
import { mo, type AciNode } from './tree';

export const NODE_PROFILE = 'node_profile_FL3out';
export const INTERFACE_PROFILE = { ipv4: 'int_profile_FL3out', ipv6: 'int_profile_v6_FL3out' } as const;

const leafDn = (a: AnchorLeaf) => `topology/pod-${a.podId}/node-${a.nodeId}`;
const withPrefix = (addr: string, f: FamilyAddressing) => `${addr}/${f.nodeSubnet.prefix}`;

/**
 * The dynamic BGP neighbour: the peer address is the node subnet, so every node in it may peer.
 * as-override + dis-peer-as-check let the leaf hand one node's routes to the others in the same AS,
 * which is what removes the need for a node mesh or route reflectors.
 */
function bgpPeer(r: ResolvedSpec, f: FamilyAddressing): AciNode {
  const addr = formatCidr(f.nodeSubnet);
  const attrs: Record<string, string> = { addr, ctrl: 'as-override,dis-peer-as-check', ttl: '1' };
  if (r.spec.fabric.bgpPassword !== undefined) attrs.password = secretPlaceholder('bgp-password');
  return mo('bgpPeerP', `peerP-[${addr}]`, attrs, [
    mo('bgpAsP', 'as', { asn: String(r.clusterAsn) }),
    mo('bgpRsPeerPfxPol', 'rspeerPfxPol', { tnBgpPeerPfxPolName: policyNames(r).prefixLimit }),
  ]);
}

/** One floating SVI per anchor leaf and address family. */
function floatingSvi(r: ResolvedSpec, f: FamilyAddressing, a: AnchorLeaf, primary: string): AciNode {
  const nodeDn = leafDn(a);
  const encap = `vlan-${r.spec.fabric.vlan}`;
  const domDn = `uni/phys-${r.spec.fabric.physicalDomain}`;
  const secondary = withPrefix(f.secondaryIp.toString(), f);
  return mo(
    'l3extVirtualLIfP',
    `vlifp-[${nodeDn}]-[${encap}]`,
    {
      nodeDn,
      encap,
      addr: withPrefix(primary, f),
      mtu: String(r.spec.fabric.mtu),
      ifInstT: 'ext-svi',
      encapScope: 'local',
      autostate: 'enabled',
    },
    [
      mo('l3extRsDynPathAtt', `rsdynPathAtt-[${domDn}]`, {
        tDn: domDn,
        floatingAddr: withPrefix(f.floatingIp.toString(), f),
        forgedTransmit: 'Disabled',
        macChange: 'Disabled',
        promMode: 'Disabled',
      }),
      mo('l3extIp', `addr-[${secondary}]`, { addr: secondary }),
      bgpPeer(r, f),
    ],
  );
}

function interfaceProfile(r: ResolvedSpec, f: FamilyAddressing): AciNode {
  const name = INTERFACE_PROFILE[f.family];
  const svis = r.spec.fabric.anchorLeaves.map((a) => floatingSvi(r, f, a, a[f.family]!));
  return mo('l3extLIfP', `lifp-${name}`, { name }, svis);
}

/**
 * Node profile: the anchor leaves with their router IDs, ONE BGP protocol profile (the previous tool
 * managed bgpProtP from two Terraform resources) pointing at the timers, and one interface profile per family.
 */
export function nodeProfile(r: ResolvedSpec): AciNode {
  const anchors = r.spec.fabric.anchorLeaves.map((a) =>
    mo('l3extRsNodeL3OutAtt', `rsnodeL3OutAtt-[${leafDn(a)}]`, { tDn: leafDn(a), rtrId: a.routerId, rtrIdLoopBack: 'no' }),
  );
  const protp = mo('bgpProtP', 'protp', {}, [mo('bgpRsBgpNodeCtxPol', 'rsbgpNodeCtxPol', { tnBgpCtxPolName: policyNames(r).timers })]);
  return mo('l3extLNodeP', `lnodep-${NODE_PROFILE}`, { name: NODE_PROFILE }, [
    ...anchors,
    protp,
    ...r.families.map((f) => interfaceProfile(r, f)),
  ]);
}
