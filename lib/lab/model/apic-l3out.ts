import { wireMo, type WireMo } from '../../aci/mo';
import { cidrSize, hostAt, mustParseCidr } from '../../net/ip';
import { LAB_EPOCH } from './apic-fabric';
import { linkMembers, linkPathDn, nodeDn } from './fabric';
import type { Scenario } from './schema';
import { nodeLink, type LabWorld } from './world';

const LIFP = 'int_profile_FL3out';
const LNODEP = 'node_profile_FL3out';

/**
 * The fabric side every lab has, L3Out or not: the tenant with its VRF and contract, the physical domain of the node
 * VLAN with its VLAN pool, and the fabric AS (uni/fabric/bgpInstP-default/as) the leaves run BGP in.
 */
export function fabricBaseMos(s: Scenario): WireMo[] {
  const l3 = s.l3out;
  const t = `uni/tn-${s.tenant}`;
  const pool = `uni/infra/vlanns-[${l3.physDomain}-pool]-static`;
  const last = Math.min(4094, l3.vlan + 99);
  return [
    wireMo('fvTenant', { annotation: '', dn: t, name: s.tenant, descr: '', nameAlias: '', status: '' }),
    wireMo('fvCtx', {
      annotation: '',
      dn: `${t}/ctx-${s.vrf}`,
      name: s.vrf,
      nameAlias: '',
      pcEnfPref: 'unenforced',
      scope: '2850817',
      seg: '2850817',
      status: '',
    }),
    wireMo('vzBrCP', { annotation: '', dn: `${t}/brc-${s.contract}`, name: s.contract, nameAlias: '', scope: 'context', status: '' }),
    wireMo('fvnsVlanInstP', { annotation: '', allocMode: 'static', dn: pool, name: `${l3.physDomain}-pool`, nameAlias: '', status: '' }),
    wireMo('fvnsEncapBlk', {
      allocMode: 'inherit',
      annotation: '',
      dn: `${pool}/from-[vlan-${l3.vlan}]-to-[vlan-${last}]`,
      from: `vlan-${l3.vlan}`,
      role: 'external',
      status: '',
      to: `vlan-${last}`,
    }),
    wireMo('physDomP', { annotation: '', dn: `uni/phys-${l3.physDomain}`, name: l3.physDomain, nameAlias: '', status: '' }),
    wireMo('infraRsVlanNs', { annotation: '', dn: `uni/phys-${l3.physDomain}/rsvlanNs`, status: '', tDn: pool }),
    wireMo('bgpInstPol', { annotation: '', dn: 'uni/fabric/bgpInstP-default', name: 'default', nameAlias: '', status: '' }),
    wireMo('bgpAsP', { annotation: '', asn: String(l3.fabricAs), dn: 'uni/fabric/bgpInstP-default/as', status: '' }),
  ];
}

/** The floating L3Out as NKT configures it (NKT.md §2.3-2.4), password included; nothing when the scenario only plans it (`deployed: false`). */
export function l3outConfigMos(s: Scenario): WireMo[] {
  const l3 = s.l3out;
  if (!l3.deployed) return [];
  const t = `uni/tn-${s.tenant}`;
  const out = `${t}/out-${l3.name}`;
  const np = `${out}/lnodep-${LNODEP}`;
  const lifp = `${np}/lifp-${LIFP}`;
  const size = Number(cidrSize(mustParseCidr(l3.nodeSubnet)));
  const prefixLen = l3.nodeSubnet.split('/')[1]!;
  const floating = `${hostAt(l3.nodeSubnet, size - 2)}/${prefixLen}`;
  const secondary = `${hostAt(l3.nodeSubnet, size - 3)}/${prefixLen}`;
  const encap = `vlan-${l3.vlan}`;
  const mos: WireMo[] = [
    wireMo('fvRsCtxToBgpCtxAfPol', {
      annotation: '',
      af: 'ipv4-ucast',
      dn: `${t}/ctx-${s.vrf}/rsctxToBgpCtxAfPol-[${l3.name}]-ipv4-ucast`,
      status: '',
      tnBgpCtxAfPolName: l3.name,
    }),
    wireMo('l3extOut', {
      annotation: '',
      childAction: '',
      descr: '',
      dn: out,
      enforceRtctrl: 'export,import',
      extMngdBy: '',
      lcOwn: 'local',
      modTs: LAB_EPOCH,
      monPolDn: 'uni/tn-common/monepg-default',
      name: l3.name,
      nameAlias: '',
      ownerKey: '',
      ownerTag: '',
      status: '',
      targetDscp: 'unspecified',
      uid: '15374',
    }),
    wireMo('l3extRsEctx', { dn: `${out}/rsectx`, tnFvCtxName: s.vrf, tDn: `${t}/ctx-${s.vrf}`, state: 'formed', status: '' }),
    wireMo('bgpExtP', { dn: `${out}/bgpExtP`, descr: '', status: '' }),
    wireMo('l3extLNodeP', {
      configIssues: '',
      descr: '',
      dn: np,
      name: LNODEP,
      status: '',
      tag: 'yellow-green',
      targetDscp: 'unspecified',
    }),
    wireMo('l3extLIfP', {
      addr: '0.0.0.0',
      descr: '',
      dn: lifp,
      encap: 'unknown',
      name: LIFP,
      prio: 'unspecified',
      status: '',
      tag: 'yellow-green',
      targetDscp: 'unspecified',
    }),
    wireMo('bgpCtxAfPol', {
      dn: `${t}/bgpCtxAfP-${l3.name}`,
      name: l3.name,
      maxEcmp: String(l3.maxPaths),
      maxEcmpIbgp: String(l3.maxPaths),
      maxLocalEcmp: '0',
      status: '',
    }),
    wireMo('l3extInstP', {
      dn: `${out}/instP-catch_all`,
      name: 'catch_all',
      pcEnfPref: 'unenforced',
      prefGrMemb: 'exclude',
      prio: 'unspecified',
      scope: '2850817',
      status: '',
      targetDscp: 'unspecified',
    }),
    wireMo('fvRsProv', { annotation: '', dn: `${out}/instP-catch_all/rsprov-${s.contract}`, status: '', tnVzBrCPName: s.contract }),
    wireMo('fvRsCons', { annotation: '', dn: `${out}/instP-catch_all/rscons-${s.contract}`, status: '', tnVzBrCPName: s.contract }),
  ];
  for (const subnet of [l3.nodeSubnet, s.cluster.podSubnet, s.cluster.serviceSubnet, s.cluster.externalSubnet]) {
    mos.push(
      wireMo('l3extSubnet', {
        aggregate: subnet === l3.nodeSubnet ? '' : 'shared-rtctrl',
        dn: `${out}/instP-catch_all/extsubnet-[${subnet}]`,
        ip: subnet,
        scope: 'import-security,shared-rtctrl,shared-security',
        status: '',
      }),
    );
  }
  for (const a of l3.anchors) {
    const leaf = nodeDn(s, a.leaf);
    const vlifp = `${lifp}/vlifp-[${leaf}]-[${encap}]`;
    const peer = `${vlifp}/peerP-[${l3.nodeSubnet}]`;
    mos.push(
      wireMo('l3extRsNodeL3OutAtt', {
        annotation: '',
        configIssues: '',
        dn: `${np}/rsnodeL3OutAtt-[${leaf}]`,
        forceResolve: 'yes',
        rType: 'mo',
        rtrId: a.routerId,
        rtrIdLoopBack: 'no',
        state: 'formed',
        stateQual: 'none',
        status: '',
        tCl: 'fabricNode',
        tDn: leaf,
        tType: 'mo',
      }),
      wireMo('l3extVirtualLIfP', {
        addr: `${a.ip}/${prefixLen}`,
        autostate: 'enabled',
        dn: vlifp,
        encap,
        encapScope: 'local',
        ifInstT: 'ext-svi',
        ipv6Dad: 'enabled',
        llAddr: '::',
        mac: '00:22:BD:F8:19:FF',
        mtu: String(l3.mtu),
        nodeDn: leaf,
        status: '',
      }),
      wireMo('l3extRsDynPathAtt', {
        dn: `${vlifp}/rsdynPathAtt-[uni/phys-${l3.physDomain}]`,
        floatingAddr: floating,
        forgedTransmit: 'Disabled',
        macChange: 'Disabled',
        promMode: 'Disabled',
        state: 'formed',
        status: '',
        tDn: `uni/phys-${l3.physDomain}`,
      }),
      wireMo('l3extIp', { addr: secondary, dn: `${vlifp}/addr-[${secondary}]`, ipv6Dad: 'enabled', status: '' }),
      wireMo('bgpPeerP', {
        addr: l3.nodeSubnet,
        addrTCtrl: 'af-ucast',
        adminSt: 'enabled',
        allowedSelfAsCnt: '3',
        ctrl: 'as-override,dis-peer-as-check',
        ctrlExt: '',
        dn: peer,
        // Write-only: kept in the MIT for the leaf's TCP-MD5, never answered on the wire (apic/query.ts toWire).
        ...(l3.password ? { password: l3.password } : {}),
        peerCtrl: '',
        privateASctrl: '',
        sessionT: 'peer',
        status: '',
        ttl: '1',
        weight: '0',
      }),
      wireMo('bgpAsP', { asn: String(l3.peerAs), dn: `${peer}/as`, status: '' }),
    );
  }
  return mos;
}

/** Node endpoints as a border leaf learns them on the floating SVI: under the VRF, encap = the L3Out VLAN (WIRE.md A5 fvCEp). */
export function endpointMos(w: LabWorld): WireMo[] {
  const s = w.scenario;
  const vrfDn = `uni/tn-${s.tenant}/ctx-${s.vrf}`;
  const encap = `vlan-${s.l3out.vlan}`;
  const mos: WireMo[] = [];
  for (const node of w.nodes) {
    if (!node.ready) continue; // a powered-off VM's endpoint ages out
    const where = nodeLink(s, node);
    if (!where) continue;
    const path = linkPathDn(s, where.link);
    const cep = `${vrfDn}/cep-${node.mac}`;
    const common = {
      encap,
      fabricPathDn: path,
      lcOwn: 'local',
      modTs: LAB_EPOCH,
      monPolDn: 'uni/tn-common/monepg-default',
      status: '',
      vrfDn,
    };
    mos.push(
      wireMo('fvCEp', {
        ...common,
        annotation: '',
        baseEpgDn: '',
        bdDn: '',
        childAction: '',
        contName: '',
        esgUsegDn: '',
        extMngdBy: '',
        hostingServer: '',
        id: '0',
        idepdn: '',
        lcC: 'learned',
        mac: node.mac,
        mcastAddr: 'not-applicable',
        name: node.mac,
        nameAlias: '',
        reportingControllerName: '',
        uid: '0',
        userdom: 'all',
        uuid: '',
        vmmSrc: '',
        dn: cep,
      }),
      wireMo('fvIp', {
        ...common,
        addr: node.ip,
        annotation: '',
        baseEpgDn: '',
        bdDn: '',
        childAction: '',
        createTs: LAB_EPOCH,
        debugMACMessage: '',
        esgUsegDn: '',
        extMngdBy: '',
        flags: '',
        uid: '0',
        userdom: 'all',
        dn: `${cep}/ip-[${node.ip}]`,
      }),
      wireMo('fvRsCEpToPathEp', {
        childAction: '',
        forceResolve: 'yes',
        lcC: 'learned',
        lcOwn: 'local',
        modTs: LAB_EPOCH,
        rType: 'mo',
        state: 'formed',
        stateQual: 'none',
        status: '',
        tCl: 'fabricAPathEp',
        tDn: path,
        tType: 'mo',
        dn: `${cep}/rscEpToPathEp-[${path}]`,
      }),
    );
    for (const leaf of new Set(linkMembers(where.link).map((m) => m.leaf))) {
      mos.push(
        wireMo('fvReportingNode', {
          childAction: '',
          createTs: LAB_EPOCH,
          id: String(leaf),
          lcC: '',
          lcOwn: 'local',
          modTs: LAB_EPOCH,
          status: '',
          dn: `${cep}/ip-[${node.ip}]/node-${leaf}`,
        }),
      );
    }
  }
  return mos;
}
