import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addLeaf,
  createWorld,
  deriveApic,
  deriveKubernetes,
  drainNode,
  failNode,
  groundTruth,
  killPod,
  loadShippedScenario,
  moveCable,
  scaleDeployment,
  setExternalTrafficPolicy,
  setFabricPeering,
  setRackPeering,
  setSessionDown,
  type LabWorld,
} from '../../lib/lab/model';
import { byClass } from './lab-model-support';

const demo = (): LabWorld => createWorld(loadShippedScenario('demo'));

function entries(w: LabWorld): Map<string, string> {
  return new Map(byClass(deriveApic(w), 'bgpPeerEntry').map((e) => [`${e.dn!.split('/')[2]}|${e.addr}`, e.operSt!]));
}

/** leaf id → prefix → next-hop addresses, from the APIC's uribv4Nexthop objects (what akb will read). */
function apicRoutes(w: LabWorld): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const nh of byClass(deriveApic(w), 'uribv4Nexthop')) {
    const leaf = nh.dn!.split('/')[2]!.slice('node-'.length);
    const prefix = /rt-\[([^\]]+)\]/.exec(nh.dn!)![1]!;
    const key = `${leaf}|${prefix}`;
    out.set(key, [...(out.get(key) ?? []), nh.addr!.replace(/\/32$/, '')]);
  }
  return out;
}

function lbIp(w: LabWorld, ns: string, name: string): string {
  const svc = deriveKubernetes(w).services!.find((s) => s.metadata.namespace === ns && s.metadata.name === name)!;
  return (svc.status as { loadBalancer: { ingress: { ip: string }[] } }).loadBalancer.ingress[0]!.ip;
}

describe('BGP sessions', () => {
  it('demo: every node peers with exactly the anchors of its rack, all established, APIC and truth agree', () => {
    const w = demo();
    const truth = groundTruth(w);
    const apic = entries(w);
    expect(truth.sessions).toHaveLength(w.nodes.length * 2);
    for (const s of truth.sessions) {
      const node = w.nodes.find((n) => n.name === s.node)!;
      const anchor = w.scenario.l3out.anchors.find((a) => a.leaf === s.leaf)!;
      expect(anchor.rack).toBe(node.rack);
      expect(s.state).toBe('established');
      expect(apic.get(`node-${s.leaf}|${s.nodeIp}`)).toBe('established');
    }
  });

  it('a password mismatch on rack 1 leaves its sessions active, rack 2 unaffected; fixing it restores them', () => {
    const bad = setRackPeering(demo(), 1, { password: 'wrong' });
    const truth = groundTruth(bad);
    const apic = entries(bad);
    for (const s of truth.sessions) {
      const rack = bad.nodes.find((n) => n.name === s.node)!.rack;
      expect(s.state).toBe(rack === 1 ? 'active' : 'established');
      expect(apic.get(`node-${s.leaf}|${s.nodeIp}`)).toBe(s.state);
    }
    // The Calico side shows the change too: rack 1's BGPPeers reference a secret key holding the new password.
    const secret = deriveKubernetes(bad).secrets![0]!.data as Record<string, string>;
    expect(Object.values(secret).map((v) => Buffer.from(v, 'base64').toString())).toContain('wrong');
    const fixed = setRackPeering(bad, 1, { password: 'lab-bgp-secret' });
    expect(groundTruth(fixed).sessions.every((s) => s.state === 'established')).toBe(true);
  });

  it('an AS mismatch (fabric expects another cluster AS) drops every session to idle and withdraws all routes', () => {
    const bad = setFabricPeering(demo(), { peerAs: 65099 });
    expect(groundTruth(bad).sessions.every((s) => s.state === 'idle' && s.reason === 'node-as-mismatch')).toBe(true);
    const peerAs = byClass(deriveApic(bad), 'bgpAsP').filter((a) => a.dn!.includes('/peerP-'));
    expect(peerAs.length).toBeGreaterThan(0);
    expect(peerAs.every((a) => a.asn === '65099')).toBe(true);
    expect(byClass(deriveApic(bad), 'uribv4Nexthop')).toHaveLength(0);
  });

  it('a session taken down is idle on the APIC and that leaf no longer has the node as next hop', () => {
    const w = demo();
    const node = w.nodes.find((n) => n.name === 'worker-1')!;
    const down = setSessionDown(w, 101, 'worker-1', true);
    expect(entries(down).get(`node-101|${node.ip}`)).toBe('idle');
    expect(entries(down).get(`node-102|${node.ip}`)).toBe('established');
    const before = apicRoutes(w).get(`101|${node.podCidr}`);
    expect(before).toEqual([node.ip]);
    // leaf 101 now reaches worker-1's pod block through leaf 102's TEP.
    const after = apicRoutes(down).get(`101|${node.podCidr}`)!;
    expect(after).not.toContain(node.ip);
    expect(after).toHaveLength(1);
  });
});

describe('sessions established exactly where configuration agrees (property)', () => {
  it('for any per-rack AS/password and fabric AS/password, established ⇔ both sides agree', () => {
    const base = demo();
    const config = fc.record({
      rackAs: fc.array(fc.constantFrom(65002, 65010), { minLength: 2, maxLength: 2 }),
      rackPassword: fc.array(fc.constantFrom('lab-bgp-secret', 'other'), { minLength: 2, maxLength: 2 }),
      peerAs: fc.constantFrom(65003, 65004),
      fabricPassword: fc.constantFrom('lab-bgp-secret', 'other'),
      down: fc.option(fc.constantFrom('worker-1', 'worker-4'), { nil: undefined }),
    });
    fc.assert(
      fc.property(config, (c) => {
        let w = setFabricPeering(base, { peerAs: c.peerAs, password: c.fabricPassword });
        for (const rack of [1, 2]) w = setRackPeering(w, rack, { as: c.rackAs[rack - 1]!, password: c.rackPassword[rack - 1]! });
        if (c.down) w = setSessionDown(w, w.nodes.find((n) => n.name === c.down)!.rack === 1 ? 101 : 103, c.down, true);
        const apic = entries(w);
        for (const s of groundTruth(w).sessions) {
          const rack = w.nodes.find((n) => n.name === s.node)!.rack;
          const agree = c.rackAs[rack - 1] === 65002 && c.rackPassword[rack - 1] === c.fabricPassword && c.peerAs === 65003;
          const isDown = c.down === s.node && s.leaf === (rack === 1 ? 101 : 103);
          expect(s.state === 'established').toBe(agree && !isDown);
          expect(apic.get(`node-${s.leaf}|${s.nodeIp}`)).toBe(s.state);
        }
      }),
      { numRuns: 40, seed: 42 },
    );
  });
});

describe('routes follow endpoints', () => {
  it('Local service: each anchor leaf’s next hops are exactly its peering nodes with a ready endpoint, cut to max paths', () => {
    for (const maxPaths of [16, 1]) {
      const base = demo();
      const w = createWorld({ ...base.scenario, l3out: { ...base.scenario.l3out, maxPaths } });
      const ip = lbIp(w, 'shop', 'frontend');
      const truth = groundTruth(w);
      const endpointNodes = new Set(truth.services.find((s) => s.name === 'frontend')!.endpointNodes);
      const routes = apicRoutes(w);
      for (const anchor of w.scenario.l3out.anchors) {
        const peering = w.nodes.filter((n) => n.rack === anchor.rack && endpointNodes.has(n.name)).map((n) => n.ip);
        const expected = [...peering].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).slice(0, maxPaths);
        expect(routes.get(`${anchor.leaf}|${ip}/32`)?.sort()).toEqual(expected.sort());
      }
    }
  });

  it('switching a service to Cluster withdraws its /32s (Calico advertises the LB CIDR from every peering node)', () => {
    const w = demo();
    const ip = lbIp(w, 'shop', 'frontend');
    const cluster = setExternalTrafficPolicy(w, 'shop', 'frontend', 'Cluster');
    expect([...apicRoutes(w).keys()].some((k) => k.endsWith(`|${ip}/32`))).toBe(true);
    expect([...apicRoutes(cluster).keys()].some((k) => k.endsWith(`|${ip}/32`))).toBe(false);
    const agg = apicRoutes(cluster).get(`101|${w.scenario.cluster.loadBalancerSubnet}`)!;
    expect(agg.sort()).toEqual(
      w.nodes
        .filter((n) => n.rack === 1)
        .map((n) => n.ip)
        .sort(),
    );
  });
});

describe('workload mutations', () => {
  it('scaling a deployment changes pods, the Deployment status and the EndpointSlice together', () => {
    const w = scaleDeployment(demo(), 'shop', 'api', 5);
    const k8s = deriveKubernetes(w);
    expect(k8s.pods!.filter((p) => p.metadata.name.startsWith('api-'))).toHaveLength(5);
    const dep = k8s.deployments!.find((d) => d.metadata.name === 'api')!;
    expect((dep.status as { readyReplicas: number }).readyReplicas).toBe(5);
    const slice = k8s.endpointslices!.find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'api')!;
    expect((slice.endpoints as unknown[]).length).toBe(5);
  });

  it('a killed pod is replaced under a new name, with the same replica count', () => {
    const w = demo();
    const victim = w.pods.find((p) => p.workload === 'shop/backend')!;
    const next = killPod(w, 'shop', victim.name);
    expect(next.pods.some((p) => p.name === victim.name)).toBe(false);
    expect(next.pods.filter((p) => p.workload === 'shop/backend')).toHaveLength(30);
    expect(w.pods.some((p) => p.name === victim.name)).toBe(true); // input untouched
  });

  it('draining a node cordons it and moves its Deployment pods away, keeping DaemonSet pods', () => {
    const next = drainNode(demo(), 'worker-2');
    const node = deriveKubernetes(next).nodes!.find((n) => n.metadata.name === 'worker-2')!;
    expect((node.spec as { unschedulable?: boolean }).unschedulable).toBe(true);
    const left = next.pods.filter((p) => p.node === 'worker-2');
    expect(left.map((p) => p.workload).sort()).toEqual(['kube-system/calico-node', 'monitoring/node-exporter']);
  });

  it('a failed node goes NotReady, loses pods, endpoint and sessions; its pod block disappears from every leaf', () => {
    const w = demo();
    const node = w.nodes.find((n) => n.name === 'worker-5')!;
    const next = failNode(w, 'worker-5');
    const k8sNode = deriveKubernetes(next).nodes!.find((n) => n.metadata.name === 'worker-5')!;
    expect((k8sNode.status as { conditions: { type: string; status: string }[] }).conditions[0]).toMatchObject({
      type: 'Ready',
      status: 'Unknown',
    });
    expect(next.pods.some((p) => p.node === 'worker-5')).toBe(false);
    expect(next.pods.filter((p) => p.workload === 'shop/backend')).toHaveLength(30);
    expect(byClass(deriveApic(next), 'fvIp').some((i) => i.addr === node.ip)).toBe(false);
    expect([...entries(next)].filter(([k]) => k.endsWith(`|${node.ip}`)).every(([, st]) => st === 'idle')).toBe(true);
    expect([...apicRoutes(next).keys()].some((k) => k.endsWith(`|${node.podCidr}`))).toBe(false);
  });
});

describe('fabric mutations', () => {
  it('moving a cable moves the endpoint path and the LLDP adjacency', () => {
    const w = demo();
    const next = moveCable(w, 'worker-6', 0, { kind: 'single', leaves: [104], ports: ['eth1/20'], nics: ['ens1f0'] });
    const node = next.nodes.find((n) => n.name === 'worker-6')!;
    const apic = deriveApic(next);
    const cep = `uni/tn-k8s/ctx-vrf1/cep-${node.mac}`;
    expect(byClass(apic, 'fvRsCEpToPathEp').find((r) => r.dn!.startsWith(cep))!.tDn).toBe('topology/pod-1/paths-104/pathep-[eth1/20]');
    const adj = byClass(apic, 'lldpAdjEp').filter((a) => a.sysName === 'worker-6');
    expect(adj.map((a) => a.dn)).toEqual(['topology/pod-1/node-104/sys/lldp/inst/if-[eth1/20]/adj-1']);
    expect(groundTruth(next).nodes.find((n) => n.name === 'worker-6')!.pathDn).toBe('topology/pod-1/paths-104/pathep-[eth1/20]');
  });

  it('adding a leaf registers it (fabricNode/topSystem with a TEP) and installs the VRF routes on it', () => {
    const next = addLeaf(demo(), { id: 105, name: 'leaf-105', rack: 3 });
    const apic = deriveApic(next);
    const fn = byClass(apic, 'fabricNode').find((n) => n.id === '105')!;
    expect(fn).toMatchObject({ role: 'leaf', name: 'leaf-105', dn: 'topology/pod-1/node-105' });
    expect(byClass(apic, 'topSystem').find((s) => s.id === '105')!.address).toBe(fn.address);
    const tepHops = byClass(apic, 'uribv4Nexthop').filter((n) => n.dn!.includes('/node-105/'));
    expect(tepHops.length).toBeGreaterThan(0);
    expect(tepHops.every((n) => n.vrf === 'overlay-1')).toBe(true);
  });
});
