import { wireMo, type WireMo } from '../../aci/mo';
import { LAB_EPOCH } from '../model/apic-fabric';
import type { RouteTruth } from '../model/routes';
import type { FloatingSvi } from './fabric-config';
import type { DecidedSession } from './sessions';

/**
 * The operational objects a leaf shows for the twin's sessions and routes (WIRE.md A5): one bgpPeer per accepted
 * prefix, a bgpPeerEntry per neighbour the leaf knows, uribv4Route/uribv4Nexthop per installed route. The why of a
 * down session is not on them (NX-OS does not spell it out): it lives in the lab's ground truth.
 */

export interface LeafNaming {
  nodeDn(leaf: number): string;
  /** The leaf-internal VLAN of its SVI, for interface names (`vlan42`). */
  sviVlan(leaf: number): number;
}

const domOf = (naming: LeafNaming, leaf: number, vrf: string): string => `${naming.nodeDn(leaf)}/sys/bgp/inst/dom-${vrf}`;

/** bgpPeer (the dynamic prefix peer) of every deployed SVI peer on `leaf`, and the entries of the neighbours it knows. */
export function leafBgpMos(
  leaf: number,
  svis: readonly FloatingSvi[],
  sessions: readonly DecidedSession[],
  naming: LeafNaming,
  fabricAs: number | undefined,
): WireMo[] {
  const mos: WireMo[] = [];
  for (const svi of svis) {
    if (svi.leaf !== leaf || svi.notDeployed || !svi.vrf) continue;
    for (const p of svi.peers) {
      mos.push(
        wireMo('bgpPeer', {
          activePfxPeers: '0',
          addr: p.prefix,
          adminSt: p.enabled ? 'enabled' : 'disabled',
          asn: String(p.remoteAs ?? fabricAs ?? ''),
          ctrl: p.ctrl,
          dn: `${domOf(naming, leaf, vrfKeyOf(svi))}/peer-[${p.prefix}]`,
          holdIntvl: '180',
          kaIntvl: '60',
          modTs: LAB_EPOCH,
          name: '',
          password: '',
          peerType: 'fabric-external',
          status: '',
          ttl: '1',
        }),
      );
    }
  }
  for (const s of sessions) {
    if (s.leaf !== leaf || !s.leafShows || !s.svi?.vrf || !s.leafPeer) continue;
    const upNow = s.state === 'established';
    mos.push(
      wireMo('bgpPeerEntry', {
        addr: s.nodeIp,
        advCap: upNow ? 'as4,dynamic,dynamic-gr,dynamic-refresh,gr,ipv4-ucast,refresh,refresh-old' : '',
        connAttempts: upNow ? '1' : '12',
        connDrop: '0',
        connEst: upNow ? '1' : '0',
        connIf: upNow ? `vlan${naming.sviVlan(leaf)}` : 'unspecified',
        dn: `${domOf(naming, leaf, vrfKeyOf(s.svi))}/peer-[${s.leafPeer.prefix}]/ent-[${s.nodeIp}]`,
        fd: upNow ? '59' : '4294967295',
        flags: upNow ? 'cap-neg,gr-enabled,connected' : '',
        holdIntvl: '180',
        kaIntvl: '60',
        lastFlapTs: LAB_EPOCH,
        localIp: upNow ? s.svi.addr : '0.0.0.0',
        localPort: upNow ? '179' : 'unspecified',
        modTs: LAB_EPOCH,
        monPolDn: 'uni/fabric/monfab-default',
        name: '',
        operSt: s.state,
        passwdSet: s.leafPeer.password ? 'enabled' : 'disabled',
        peerIdx: '1',
        prevOperSt: upNow ? 'openconfirm' : 'idle',
        rcvCap: upNow ? 'as4,ipv4-ucast,refresh' : '',
        remotePort: upNow ? '38211' : 'unspecified',
        rtrId: upNow ? s.nodeIp : '0.0.0.0',
        shutStQual: s.reason === 'admin-down' ? 'admin' : 'unspecified',
        // The why of a down session lives in the ground truth; NX-OS does not spell it out on the entry.
        stReason: 'none',
        status: '',
        type: 'ebgp',
      }),
    );
  }
  return mos;
}

/** `tenant:vrf`, the name NX-OS gives the VRF's domain (dom-k8s:vrf1). */
export function vrfKeyOf(svi: FloatingSvi): string {
  return `${svi.vrf!.tenant}:${svi.vrf!.name}`;
}

/** uribv4Route and uribv4Nexthop of one prefix on every leaf; eBGP next hops carry the node's AS as tag, as VKACI expects. */
export function routeMos(
  routes: readonly RouteTruth[],
  vrf: string,
  naming: LeafNaming,
  fabricAs: number | undefined,
  tagOf: (prefix: string) => string,
): WireMo[] {
  const owner = `bgp-${fabricAs ?? 0}`;
  const mos: WireMo[] = [];
  for (const r of routes) {
    const route = `${naming.nodeDn(r.leaf)}/sys/uribv4/dom-${vrf}/db-rt/rt-[${r.prefix}]`;
    mos.push(wireMo('uribv4Route', { dn: route, prefix: r.prefix, flags: '', status: '' }));
    for (const nh of r.nextHops) {
      const direct = nh.node !== null;
      const iface = direct ? `vlan${naming.sviVlan(r.leaf)}` : 'unspecified';
      const nhVrf = direct ? vrf : 'overlay-1';
      mos.push(
        wireMo('uribv4Nexthop', {
          addr: `${nh.addr}/32`,
          dn: `${route}/nh-[${owner}]-[${nh.addr}/32]-[${iface}]-[${nhVrf}]`,
          if: iface,
          metric: '0',
          owner,
          pref: direct ? '20' : '200',
          routeType: 'bgp',
          status: '',
          tag: tagOf(r.prefix),
          vrf: nhVrf,
        }),
      );
    }
  }
  return mos;
}
