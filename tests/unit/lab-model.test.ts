import { describe, expect, it } from 'vitest';
import {
  createWorld,
  deriveApic,
  deriveKubernetes,
  generateScenario,
  groundTruth,
  loadShippedScenario,
  parseScenarioYaml,
  ScenarioError,
  shippedScenarioNames,
  builtScenarioNames,
} from '../../lib/lab/model';
import { byClass } from './lab-model-support';

describe('shipped scenarios', () => {
  it('ships demo, one per hypervisor kind, secondary networks and one per CNI', () => {
    expect(shippedScenarioNames()).toEqual(
      expect.arrayContaining(['demo', 'esxi', 'nutanix', 'ucs', 'blade', 'secondary', 'kube-router', 'cilium']),
    );
  });

  for (const name of builtScenarioNames()) {
    it(`${name}: loads, derives both worlds, every node is correlated consistently`, () => {
      const w = createWorld(loadShippedScenario(name));
      const k8s = deriveKubernetes(w);
      const apic = deriveApic(w);
      const truth = groundTruth(w);
      expect(k8s.nodes).toHaveLength(w.nodes.length);
      expect(k8s.pods!.length).toBeGreaterThan(w.nodes.length);
      // Every MO carries a string dn and only string attributes; DNs are unique.
      const dns = apic.map((m) => Object.values(m)[0]!.attributes.dn);
      expect(dns.every((d) => typeof d === 'string' && d.length > 0)).toBe(true);
      expect(new Set(dns).size).toBe(dns.length);
      for (const m of apic) for (const v of Object.values(Object.values(m)[0]!.attributes)) expect(typeof v).toBe('string');
      // Node IP → fvIp → fvCEp → fvRsCEpToPathEp → the path its cable implies, which exists as a fabricPathEp.
      const fvIps = byClass(apic, 'fvIp');
      const rels = byClass(apic, 'fvRsCEpToPathEp');
      const paths = new Map(byClass(apic, 'fabricPathEp').map((p) => [p.dn, p]));
      for (const node of truth.nodes) {
        const ip = fvIps.find((i) => i.addr === node.ip);
        expect(ip, `fvIp for ${node.name}`).toBeDefined();
        const cep = ip!.dn!.replace(/\/ip-\[.*\]$/, '');
        expect(cep).toBe(`uni/tn-${w.scenario.tenant}/ctx-${w.scenario.vrf}/cep-${node.mac}`);
        const rel = rels.filter((r) => r.dn!.startsWith(`${cep}/`));
        expect(rel.map((r) => r.tDn)).toEqual([node.pathDn]);
        const path = paths.get(node.pathDn!);
        expect(path?.lagT).toBe(node.pathDn!.includes('protpaths-') ? 'node' : path?.name?.startsWith('eth') ? 'not-aggregated' : 'link');
      }
      // Every vPC shows up on BOTH leaves: lldpIf/cdpIf carrying the bundle path, and the neighbour's adjacency.
      const lldpIfs = byClass(apic, 'lldpIf');
      const cdpIfs = byClass(apic, 'cdpIf');
      const adjs = [...byClass(apic, 'lldpAdjEp'), ...byClass(apic, 'cdpAdjEp')];
      for (const host of w.scenario.hosts) {
        for (const link of host.links.filter((l) => l.kind === 'vpc')) {
          const bundle = `topology/pod-1/protpaths-${[...link.leaves].sort().join('-')}/pathep-[${link.policyGroup}]`;
          for (const leaf of link.leaves) {
            const onLeaf = (dn: string | undefined): boolean => dn?.split('/')[2] === `node-${leaf}`;
            expect(lldpIfs.some((i) => i.portDesc === bundle && onLeaf(i.dn))).toBe(true);
            expect(cdpIfs.some((i) => i.locDesc === bundle && onLeaf(i.dn))).toBe(true);
            expect(
              adjs.some((a) => a.sysName === host.name && onLeaf(a.dn)),
              `${host.name} adjacency on leaf ${leaf}`,
            ).toBe(true);
          }
        }
      }
      // Pods get their IPs from their node's podCIDR and report that node's IP as hostIP.
      const nodes = new Map(k8s.nodes!.map((n) => [n.metadata.name, n]));
      for (const pod of k8s.pods!) {
        const spec = pod.spec as { nodeName: string; hostNetwork?: boolean };
        const status = pod.status as { hostIP: string; podIP: string };
        const node = w.nodes.find((n) => n.name === spec.nodeName)!;
        expect(status.hostIP).toBe(node.ip);
        if (!spec.hostNetwork) expect(status.podIP.split('.').slice(0, 2)).toEqual(node.podCidr.split('.').slice(0, 2));
        expect(nodes.has(spec.nodeName)).toBe(true);
      }
    });
  }
});

describe('LLDP / CDP adjacencies', () => {
  it('demo: ESXi vPC members show the host FQDN and vmnic on BOTH leaves, with the vPC path as port description', () => {
    const w = createWorld(loadShippedScenario('demo'));
    const apic = deriveApic(w);
    const bundle = 'topology/pod-1/protpaths-101-102/pathep-[esxi1_PolGrp]';
    const ifs = byClass(apic, 'lldpIf').filter((i) => i.portDesc === bundle);
    expect(ifs.map((i) => i.dn!.split('/')[2]).sort()).toEqual(['node-101', 'node-102']);
    const adjs = byClass(apic, 'lldpAdjEp').filter((a) => ifs.some((i) => a.dn!.startsWith(`${i.dn}/`)));
    expect(adjs).toHaveLength(2);
    for (const a of adjs) {
      expect(a.sysName).toBe('esxi-1.lab.local');
      expect(a.sysDesc).toMatch(/^VMware ESX Releasebuild-/);
      expect(a.portIdV).toMatch(/^vmnic[01]$/);
    }
    // Bare metal via lldpd: sysName = node name, portDesc = the Linux interface name.
    const bm = byClass(apic, 'lldpAdjEp').filter((a) => a.sysName === 'worker-5');
    expect(bm.map((a) => a.portDesc).sort()).toEqual(['ens1f0', 'ens1f1']);
  });

  it('ucs: fabric interconnects answer with CDP (devId, platId, Ethernet port) on both vPC leaves, no LLDP neighbour', () => {
    const apic = deriveApic(createWorld(loadShippedScenario('ucs')));
    const cdp = byClass(apic, 'cdpAdjEp').filter((a) => a.sysName === 'ucs-fi-a');
    expect(new Set(cdp.map((a) => a.dn!.split('/')[2]))).toEqual(new Set(['node-101', 'node-102']));
    for (const a of cdp) {
      expect(a.devId).toBe('ucs-fi-a(SSIFDO24460XYZ)');
      expect(a.platId).toMatch(/^UCS-FI-/);
      expect(a.portId).toMatch(/^Ethernet1\/\d+$/);
    }
    expect(byClass(apic, 'lldpAdjEp')).toHaveLength(0);
  });

  it('nutanix: AHV lldpd neighbours report the interface name as port description', () => {
    const apic = deriveApic(createWorld(loadShippedScenario('nutanix')));
    const adj = byClass(apic, 'lldpAdjEp').filter((a) => a.sysName === 'ahv-1');
    expect(adj.map((a) => a.portDesc).sort()).toEqual(['eth0', 'eth1']);
    expect(adj.every((a) => a.sysDesc!.includes('Linux'))).toBe(true);
  });
});

describe('scenario validation', () => {
  it('rejects an invalid scenario naming every bad field at once', () => {
    const text = `
name: Bad Name
fabric:
  controllers: [{ id: 1, name: apic1 }]
  spines: [{ id: 201, name: spine }]
  leaves: [{ id: 101, name: leaf }]
tenant: t
vrf: v
l3out: { name: o, vlan: 5000, physDomain: p, nodeSubnet: 10.0.0.0/33, fabricAs: 1, peerAs: 2, anchors: [{ leaf: 101, rack: 1, ip: 10.0.0.1, routerId: 1.1.1.1 }] }
hosts: [{ name: h, kind: mainframe }]
cluster:
  name: c
  podSubnet: 10.1.0.0/16
  serviceSubnet: 10.2.0.0/16
  externalSubnet: 10.3.0.0/24
  nodes: [{ name: n1, role: worker, rack: 1, host: h, ip: not-an-ip }]
  cni: { kind: flannel, as: 1, peers: [{ rack: 1, ip: 10.0.0.1, as: 1 }] }
`;
    let error: unknown;
    try {
      parseScenarioYaml(text, 'bad.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    const issues = (error as ScenarioError).issues.join('\n');
    for (const field of ['name:', 'l3out.vlan:', 'l3out.nodeSubnet:', 'hosts.0.kind:', 'cluster.nodes.0.ip:', 'cluster.cni.kind:'])
      expect(issues).toContain(field);
  });

  it('rejects dangling references (unknown leaf, unknown host) after the schema passes', () => {
    const good = loadShippedScenario('esxi');
    const broken = structuredClone(good) as unknown as Record<string, unknown>;
    const s = broken as unknown as typeof good;
    s.hosts[0]!.links[0]!.leaves = [101, 999];
    s.cluster.nodes[0]!.host = 'nowhere';
    expect(() => parseScenarioYaml(JSON.stringify(broken))).toThrowError(/hosts\.0\.links\.0\.leaves\.1[\s\S]*cluster\.nodes\.0\.host/);
  });
});

describe('determinism and scale', () => {
  it('the same scenario derives byte-identical objects, a different seed different uids and MACs', () => {
    const a = createWorld(loadShippedScenario('demo'));
    const b = createWorld(loadShippedScenario('demo'));
    expect(JSON.stringify(deriveKubernetes(a))).toBe(JSON.stringify(deriveKubernetes(b)));
    expect(JSON.stringify(deriveApic(a))).toBe(JSON.stringify(deriveApic(b)));
    const c = createWorld({ ...loadShippedScenario('demo'), seed: 2 });
    expect(deriveKubernetes(c).pods![0]!.metadata.uid).not.toBe(deriveKubernetes(a).pods![0]!.metadata.uid);
  });

  // Counts only: how fast the lab generates and derives at XL is the bench's business (speed lives in npm run bench,
  // not in timed tests), so this runs at a size that keeps the suite quick and still spans 40 leaves.
  it('generates and derives 40 leaves / 400 nodes / 10,000 pods / 200 services with every count right', () => {
    const w = createWorld(generateScenario({ leaves: 40, nodes: 400, pods: 10000, services: 200, seed: 7 }));
    const k8s = deriveKubernetes(w);
    const apic = deriveApic(w);
    const appPods = k8s.pods!.filter((p) => !p.metadata.namespace!.startsWith('kube-'));
    expect(appPods).toHaveLength(10000);
    expect(k8s.services).toHaveLength(201);
    expect(byClass(apic, 'fabricNode').filter((n) => n.role === 'leaf')).toHaveLength(40);
    expect(byClass(apic, 'fvIp')).toHaveLength(400);
    expect(byClass(apic, 'bgpPeerEntry').every((e) => e.operSt === 'established')).toBe(true);
  }, 120_000);
});
