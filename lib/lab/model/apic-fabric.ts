import { wireMo, type WireMo } from '../../aci/mo';
import { lagType, leafTep, linkMembers, linkPathDn, nodeDn } from './fabric';
import { stableMac, stableSerial } from './ids';
import type { HostSpec, Scenario } from './schema';

/** Fixed timestamps keep derivation deterministic; the servers stamp real times on changes. */
export const LAB_EPOCH = '2026-01-01T00:00:00.000+00:00';

function fabricNodeMos(s: Scenario): WireMo[] {
  const out: WireMo[] = [];
  const add = (id: number, name: string, role: 'controller' | 'leaf' | 'spine', model: string): void => {
    const dn = nodeDn(s, id);
    const serial = stableSerial(role === 'controller' ? 'FCH' : 'FDO', s.seed, id);
    const version = role === 'controller' ? '6.0(5h)' : s.fabric.version;
    const address = leafTep(s, id);
    out.push(
      wireMo('fabricNode', {
        adSt: 'on',
        address,
        annotation: '',
        apicType: 'apic',
        childAction: '',
        delayedHeartbeat: 'no',
        dn,
        extMngdBy: '',
        fabricSt: role === 'controller' ? 'commissioned' : 'active',
        id: String(id),
        lastStateModTs: LAB_EPOCH,
        lcOwn: 'local',
        modTs: LAB_EPOCH,
        model,
        monPolDn: 'uni/fabric/monfab-default',
        name,
        nameAlias: '',
        nodeType: 'unspecified',
        role,
        serial,
        status: '',
        uid: '0',
        userdom: 'all',
        vendor: 'Cisco Systems, Inc',
        version,
      }),
      wireMo('topSystem', {
        address,
        bootstrapState: 'none',
        childAction: '',
        configIssues: '',
        controlPlaneMTU: '9000',
        currentTime: LAB_EPOCH,
        dn: `${dn}/sys`,
        etepAddr: '0.0.0.0',
        fabricDomain: s.fabric.name,
        fabricId: '1',
        fabricMAC: '00:22:BD:F8:19:FF',
        id: String(id),
        inbMgmtAddr: '0.0.0.0',
        lastRebootTime: LAB_EPOCH,
        lastResetReason: 'unknown',
        lcOwn: 'local',
        modTs: LAB_EPOCH,
        mode: 'unspecified',
        monPolDn: 'uni/fabric/monfab-default',
        name,
        nodeType: 'unspecified',
        oobMgmtAddr: `192.168.100.${id % 250}`,
        oobMgmtAddrMask: '24',
        oobMgmtGateway: '192.168.100.254',
        podId: String(s.fabric.pod),
        remoteNode: 'no',
        role,
        serial,
        siteId: '0',
        state: 'in-service',
        status: '',
        systemUpTime: '10:00:00:00.000',
        tepPool: role === 'controller' ? s.fabric.tepPool : '0.0.0.0',
        version,
      }),
    );
  };
  for (const c of s.fabric.controllers) add(c.id, c.name, 'controller', c.model ?? 'APIC-SERVER-L2');
  for (const sp of s.fabric.spines) add(sp.id, sp.name, 'spine', sp.model ?? 'N9K-C9364C');
  for (const l of s.fabric.leaves) add(l.id, l.name, 'leaf', l.model ?? 'N9K-C93180YC-FX');
  return out;
}

function pathEp(dn: string, name: string, lagT: string): WireMo {
  return wireMo('fabricPathEp', {
    breakT: 'nonbroken',
    childAction: '',
    descr: '',
    dn,
    lagT,
    lcOwn: 'local',
    modTs: LAB_EPOCH,
    monPolDn: 'uni/fabric/monfab-default',
    name,
    pathT: 'leaf',
    status: '',
  });
}

/** What a neighbour of each kind puts in its LLDP frames / CDP packets (see VKACI.md c.9 for how they are read). */
function lldpAdjacency(s: Scenario, host: HostSpec, nic: string, index: number): Record<string, string> | null {
  // Physical NICs carry their vendor's OUI (an Intel one here), whatever OS drives them.
  const nicMac = stableMac('B4:96:91', s.seed, 'nic', host.name, nic).toLowerCase();
  const common = {
    capability: 'bridge',
    enCap: 'bridge',
    id: '1',
    mgmtId: '0',
    mgmtIp: '0.0.0.0',
    portVlan: '',
    stQual: '',
    status: '',
    ttl: '120',
  };
  switch (host.kind) {
    case 'esxi':
      // ESXi's vDS LLDP: chassis id = the vmnic MAC, port id = the vmnic name, sysName = the host FQDN.
      return {
        ...common,
        chassisIdT: 'mac',
        chassisIdV: nicMac,
        mgmtPortMac: nicMac.toUpperCase(),
        portIdT: 'if-name',
        portIdV: nic,
        portDesc: `port ${index + 1} on dvSwitch DSwitch-${s.cluster.name} (etherswitch)`,
        sysDesc: 'VMware ESX Releasebuild-24022510',
        sysName: host.name,
      };
    case 'ahv':
    case 'baremetal':
      // lldpd on Linux: port id = NIC MAC, port description = interface name, sysDesc = distribution + kernel.
      return {
        ...common,
        capability: 'bridge,router,station',
        enCap: 'bridge,router,station',
        chassisIdT: 'mac',
        chassisIdV: nicMac,
        mgmtPortMac: nicMac.toUpperCase(),
        portIdT: 'mac',
        portIdV: nicMac,
        portDesc: nic,
        sysName: host.name,
        sysDesc:
          host.kind === 'ahv'
            ? 'Nutanix AHV 10.0.1 Linux 6.1.92-10.0.1s2c14r5.el8.x86_64 #1 SMP x86_64'
            : 'Ubuntu 24.04.1 LTS Linux 6.8.0-48-generic #48-Ubuntu SMP PREEMPT_DYNAMIC x86_64',
      };
    case 'blade-switch':
      return {
        ...common,
        capability: 'bridge,router',
        enCap: 'bridge,router',
        chassisIdT: 'mac',
        chassisIdV: stableMac('20:04:0F', s.seed, host.name).toLowerCase(),
        mgmtPortMac: stableMac('20:04:0F', s.seed, host.name),
        portIdT: 'if-name',
        portIdV: nic,
        portDesc: nic,
        sysName: host.name,
        sysDesc:
          'Dell SmartFabric OS10 Enterprise.\nCopyright (c) 1999-2024 by Dell Inc. All Rights Reserved.\nSystem Description: OS10 Enterprise.\nOS Version: 10.5.6.2.\nSystem Type: MX9116N-ON',
      };
    case 'ucs-fi':
      return null; // the lab's fabric interconnects advertise CDP only
  }
}

function cdpAdjacency(s: Scenario, host: HostSpec, nic: string): Record<string, string> | null {
  if (host.kind !== 'ucs-fi') return null;
  const serial = host.serial ?? stableSerial('FDO', s.seed, host.name);
  return {
    cap: 'switch,host,igmp-filter',
    devId: `${host.name}(SSI${serial})`,
    duplex: 'full',
    index: '1',
    name: '',
    nativeVlan: '1',
    platId: 'UCS-FI-6454',
    portId: nic,
    stQual: '',
    status: '',
    sysName: host.name,
    sysObjIdL: '0',
    sysObjIdV: '',
    ver: 'Cisco Nexus Operating System (NX-OS) Software, Version 9.3(5)I42(3b)',
  };
}

/** fabricPathEp for every cabled port and every PC/vPC, plus l1PhysIf, lldpIf/lldpAdjEp and cdpIf/cdpAdjEp per member port. */
function cablingMos(s: Scenario): WireMo[] {
  const out: WireMo[] = [];
  const seenPath = new Set<string>();
  const pod = s.fabric.pod;
  // Every leaf's 48 front-panel ports exist as paths whether cabled or not (path fix-up reads them).
  for (const leaf of s.fabric.leaves) {
    for (let p = 1; p <= 48; p++) {
      const dn = `topology/pod-${pod}/paths-${leaf.id}/pathep-[eth1/${p}]`;
      seenPath.add(dn);
      out.push(pathEp(dn, `eth1/${p}`, 'not-aggregated'));
    }
  }
  for (const host of s.hosts) {
    for (const link of host.links) {
      const bundle = linkPathDn(s, link);
      if (link.kind !== 'single' && !seenPath.has(bundle)) {
        seenPath.add(bundle);
        out.push(pathEp(bundle, link.policyGroup!, lagType(link)));
      }
      for (const m of linkMembers(link)) {
        const node = nodeDn(s, m.leaf);
        const portPath = `topology/pod-${pod}/paths-${m.leaf}/pathep-[${m.port}]`;
        if (!seenPath.has(portPath)) out.push(pathEp(portPath, m.port, 'not-aggregated'));
        seenPath.add(portPath);
        const portMac = stableMac('00:3A:9C', s.seed, 'port', m.leaf, m.port);
        out.push(
          wireMo('l1PhysIf', {
            adminSt: 'up',
            autoNeg: 'on',
            descr: '',
            dn: `${node}/sys/phys-[${m.port}]`,
            id: m.port,
            layer: 'Layer2',
            mode: 'trunk',
            modTs: LAB_EPOCH,
            mtu: '9000',
            pathSDescr: '',
            portT: 'leaf',
            speed: 'inherit',
            status: '',
            usage: 'discovery,epg',
          }),
        );
        const lldpIf = `${node}/sys/lldp/inst/if-[${m.port}]`;
        out.push(
          wireMo('lldpIf', {
            adminRxSt: 'enabled',
            adminSt: 'enabled',
            adminTxSt: 'enabled',
            dn: lldpIf,
            id: m.port,
            mac: portMac,
            modTs: LAB_EPOCH,
            operRxSt: 'up',
            operTxSt: 'up',
            portDesc: bundle,
            portVlan: 'unspecified',
            status: '',
            sysDesc: node,
            wiringIssues: '',
          }),
        );
        const lldp = lldpAdjacency(s, host, m.nic, m.index);
        if (lldp) out.push(wireMo('lldpAdjEp', { ...lldp, dn: `${lldpIf}/adj-1` }));
        const cdpIf = `${node}/sys/cdp/inst/if-[${m.port}]`;
        out.push(
          wireMo('cdpIf', { adminSt: 'enabled', dn: cdpIf, id: m.port, locDesc: bundle, modTs: LAB_EPOCH, operSt: 'up', status: '' }),
        );
        const cdp = cdpAdjacency(s, host, m.nic);
        if (cdp) out.push(wireMo('cdpAdjEp', { ...cdp, dn: `${cdpIf}/adj-1` }));
      }
    }
  }
  return out;
}

/**
 * The scenario's vPC pairs as an APIC has them, cabled or not: the explicit protection group of each pair
 * (`uni/fabric/protpol/expgep-vpc-A-B`, logical pair id = its position from 1, one fabricNodePEp per leaf) and on
 * each member the operational vPC domain of that id with its peer's TEP.
 */
function vpcMos(s: Scenario): WireMo[] {
  if (s.fabric.vpcPairs.length === 0) return [];
  const out: WireMo[] = [
    wireMo('fabricProtPol', { dn: 'uni/fabric/protpol', name: 'default', pairT: 'explicit', annotation: '', nameAlias: '' }),
  ];
  s.fabric.vpcPairs.forEach(([a, b], i) => {
    const id = String(i + 1);
    const group = `uni/fabric/protpol/expgep-vpc-${a}-${b}`;
    out.push(wireMo('fabricExplicitGEp', { dn: group, name: `vpc-${a}-${b}`, id, virtualIp: '0.0.0.0', annotation: '', nameAlias: '' }));
    for (const [leaf, peer, role] of [
      [a, b, 'primary'],
      [b, a, 'secondary'],
    ] as const) {
      out.push(wireMo('fabricNodePEp', { dn: `${group}/nodep-${leaf}`, id: String(leaf), podId: String(s.fabric.pod), annotation: '' }));
      out.push(
        wireMo('vpcDom', {
          dn: `${nodeDn(s, leaf)}/sys/vpc/inst/dom-${id}`,
          id,
          name: `vpc-${a}-${b}`,
          peerIp: leafTep(s, peer),
          peerSt: 'up',
          operRole: role,
          modTs: LAB_EPOCH,
        }),
      );
    }
  });
  return out;
}

export function deriveFabricMos(s: Scenario): WireMo[] {
  return [...fabricNodeMos(s), ...cablingMos(s), ...vpcMos(s)];
}
