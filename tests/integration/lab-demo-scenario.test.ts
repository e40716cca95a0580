import { CoreV1Api, CustomObjectsApi, type V1Node, type V1Pod, type V1Service } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireMo } from '../../lib/aci/mo';
import type { Lab } from '../../lib/lab';
import { loadShippedScenario } from '../../lib/lab/model';
import { attrs, childrenOf, cleanup, kubeConfigOf, readFabric, startTestLab } from './lab-runtime-support';

/**
 * The `demo` scenario is what `npm start` shows, and the lab's issue fixes its contents: 2 spines, 4 leaves in 2 vPC
 * pairs, 3 ESXi hosts and 2 bare-metal servers, 3 masters and 6 workers peering with the floating L3Out over Calico
 * BGP, about 150 pods, and every kind of Service. This reads both simulated servers the way akb does (its ApicClient
 * with the fixed fabric query list, and client-node against the API server) so what is checked is what a user of
 * the demo would actually see, not the model's intentions.
 */

interface CalicoBgpPeer {
  metadata: { name: string };
  spec: { peerIP: string; asNumber: number; nodeSelector: string };
}
interface CalicoBgpConfiguration {
  metadata: { name: string };
  spec: { asNumber: number; nodeToNodeMeshEnabled: boolean };
}
interface CalicoList<T> {
  items: T[];
}

let lab: Lab;
let fabric: Record<string, WireMo[]>;
let nodes: V1Node[];
let pods: V1Pod[];
let services: V1Service[];
let calicoPeers: CalicoBgpPeer[];
let calicoConfig: CalicoBgpConfiguration[];

// One lab and one read of each server serve every case: the demo is static (no demo driver), so the reads cannot drift.
beforeAll(async () => {
  lab = await startTestLab();
  fabric = await readFabric(lab);
  const kc = kubeConfigOf(lab);
  const core = kc.makeApiClient(CoreV1Api);
  nodes = (await core.listNode()).items;
  pods = (await core.listPodForAllNamespaces()).items;
  services = (await core.listServiceForAllNamespaces()).items;
  const custom = kc.makeApiClient(CustomObjectsApi);
  // client-node types custom objects as `any`; the shapes are pinned to the Calico fields this test reads.
  const calico = (plural: string) => custom.listClusterCustomObject({ group: 'crd.projectcalico.org', version: 'v1', plural });
  calicoPeers = ((await calico('bgppeers')) as CalicoList<CalicoBgpPeer>).items;
  calicoConfig = ((await calico('bgpconfigurations')) as CalicoList<CalicoBgpConfiguration>).items;
});

afterAll(cleanup);

const CONTROL_PLANE = 'node-role.kubernetes.io/control-plane';
const sorted = <T>(xs: Iterable<T>): T[] => [...xs].sort();
/** The switch id in a DN under `topology/pod-N/node-ID/...`. */
const nodeIdOf = (dn: string): number => Number(/\/node-(\d+)(\/|$)/.exec(dn)?.[1] ?? NaN);
const internalIp = (n: V1Node): string | undefined => n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;

describe('demo scenario, as served', () => {
  it('is the default scenario', () => {
    // startTestLab() passes no scenario; everything below relies on that meaning `demo`, as it does for `npm start`.
    expect(lab.scenarioName).toBe('demo');
  });

  it('has 2 spines and 4 leaves', () => {
    const byRole = (role: string) => sorted(fabric.fabricNode!.filter((mo) => attrs(mo).role === role).map((mo) => attrs(mo).name));
    expect(byRole('spine')).toEqual(['spine-201', 'spine-202']);
    expect(byRole('leaf')).toEqual(['leaf-101', 'leaf-102', 'leaf-103', 'leaf-104']);
  });

  it('pairs the 4 leaves into 2 disjoint vPC pairs', () => {
    // The lab serves no fabricExplicitGEp/vpcDom: a vPC pair shows as the protpaths-A-B path endpoints of the vPCs
    // bundled across it (lagT node), which is also how akb's topology learns the pairs.
    const pairs = new Set<string>();
    for (const mo of fabric.fabricPathEp!) {
      const m = /^topology\/pod-\d+\/protpaths-(\d+)-(\d+)\/pathep-\[[^\]]+\]$/.exec(attrs(mo).dn ?? '');
      if (!m) continue;
      expect(attrs(mo).lagT, attrs(mo).dn).toBe('node');
      pairs.add(`${m[1]}-${m[2]}`);
    }
    expect(sorted(pairs)).toEqual(['101-102', '103-104']);
    // Every leaf in exactly one pair: the pairs are disjoint and together cover the leaves the fabric serves.
    const members = [...pairs].flatMap((p) => p.split('-').map(Number));
    const leafIds = fabric.fabricNode!.filter((mo) => attrs(mo).role === 'leaf').map((mo) => Number(attrs(mo).id));
    expect(members).toHaveLength(new Set(members).size);
    expect(sorted(members)).toEqual(sorted(leafIds));
  });

  it('has 3 ESXi hosts and 2 bare-metal servers as LLDP neighbours, the bare-metal ones being cluster nodes', () => {
    // What the leaves hear on their host ports is the only fabric-side view of the servers: ESXi's vDS announces
    // "VMware ESX", lldpd on the bare-metal Linux nodes announces the distribution and kernel.
    const adjacencies = fabric
      .lldpIf!.flatMap(childrenOf)
      .filter((mo) => 'lldpAdjEp' in mo)
      .map(attrs);
    expect(adjacencies.length).toBeGreaterThan(0);
    const esxi = new Set<string>();
    const linux = new Set<string>();
    const other = new Set<string>();
    for (const a of adjacencies) {
      const name = a.sysName ?? '';
      if (/^VMware ESX/.test(a.sysDesc ?? '')) esxi.add(name);
      else if (/\bLinux\b/.test(a.sysDesc ?? '') && !/Nutanix AHV/.test(a.sysDesc ?? '')) linux.add(name);
      else other.add(name);
    }
    expect(sorted(esxi)).toEqual(['esxi-1.lab.local', 'esxi-2.lab.local', 'esxi-3.lab.local']);
    expect(sorted(linux)).toEqual(['worker-5', 'worker-6']);
    expect(sorted(other)).toEqual([]);
    // A bare-metal server is itself a Kubernetes node; a hypervisor only hosts node VMs.
    const nodeNames = new Set(nodes.map((n) => n.metadata?.name));
    expect([...linux].filter((n) => !nodeNames.has(n))).toEqual([]);
    expect([...esxi].filter((n) => nodeNames.has(n))).toEqual([]);
  });

  it('runs 3 control-plane nodes and 6 workers, all Ready', () => {
    const labelled = (n: V1Node) => n.metadata?.labels?.[CONTROL_PLANE] !== undefined;
    expect(nodes.filter(labelled)).toHaveLength(3);
    expect(nodes.filter((n) => !labelled(n))).toHaveLength(6);
    // Masters are tainted off ordinary workloads, as kubeadm does; a label without the taint would mislead.
    for (const n of nodes.filter(labelled))
      expect(
        n.spec?.taints?.map((t) => t.key),
        n.metadata?.name,
      ).toContain(CONTROL_PLANE);
    const notReady = nodes.filter((n) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True');
    expect(notReady.map((n) => n.metadata?.name)).toEqual([]);
  });

  it('runs about 150 pods: every Deployment replica and one pod per node per DaemonSet, all Running on a node', () => {
    // The expected count is computed from the scenario file, so a change to the served pods without the file (or
    // the reverse) fails; the range then holds the file to the "about 150".
    const s = loadShippedScenario('demo');
    const replicas = s.cluster.workloads.filter((w) => w.kind === 'Deployment').reduce((sum, w) => sum + w.replicas, 0);
    // The scenario's own DaemonSets plus calico-node, which the CNI brings to every node.
    const daemonSets = s.cluster.workloads.filter((w) => w.kind === 'DaemonSet').length + 1;
    const expected = replicas + daemonSets * s.cluster.nodes.length;
    expect(pods).toHaveLength(expected);
    expect(expected).toBeGreaterThanOrEqual(120);
    expect(expected).toBeLessThanOrEqual(200);
    const calicoNodes = pods.filter((p) => p.metadata?.namespace === 'kube-system' && p.metadata?.labels?.['k8s-app'] === 'calico-node');
    expect(sorted(calicoNodes.map((p) => p.spec?.nodeName))).toEqual(sorted(nodes.map((n) => n.metadata?.name)));
    const nodeNames = new Set(nodes.map((n) => n.metadata?.name));
    const stray = pods.filter((p) => p.status?.phase !== 'Running' || !nodeNames.has(p.spec?.nodeName));
    expect(stray.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)).toEqual([]);
  });

  it('serves every Service type and both external traffic policies', () => {
    // The API server's own `kubernetes` Service exists in every cluster; it must not stand in for the demo's ClusterIP.
    const demo = services.filter((svc) => !(svc.metadata?.namespace === 'default' && svc.metadata?.name === 'kubernetes'));
    const kinds: Record<string, (svc: V1Service) => boolean> = {
      ClusterIP: (svc) => svc.spec?.type === 'ClusterIP' && svc.spec.clusterIP !== 'None' && !!svc.spec.clusterIP,
      headless: (svc) => svc.spec?.type === 'ClusterIP' && svc.spec.clusterIP === 'None',
      NodePort: (svc) => svc.spec?.type === 'NodePort' && !!svc.spec.ports?.every((p) => p.nodePort !== undefined),
      // A LoadBalancer the lab never gave an address would draw nothing: require the status ingress IP.
      LoadBalancer: (svc) => svc.spec?.type === 'LoadBalancer' && !!svc.status?.loadBalancer?.ingress?.some((i) => !!i.ip),
      ExternalName: (svc) => svc.spec?.type === 'ExternalName' && !!svc.spec.externalName,
      'externalTrafficPolicy Local': (svc) => svc.spec?.externalTrafficPolicy === 'Local',
      'externalTrafficPolicy Cluster': (svc) => svc.spec?.externalTrafficPolicy === 'Cluster',
    };
    const missing = Object.entries(kinds)
      .filter(([, is]) => !demo.some(is))
      .map(([kind]) => kind);
    expect(missing).toEqual([]);
  });

  it("peers every node over Calico BGP with its rack's anchor leaves on the floating L3Out, sessions established", () => {
    // The floating L3Out: one floating SVI per anchor leaf, all four leaves anchoring.
    const anchorLeafByIp = new Map<string, number>();
    for (const mo of fabric.l3extVirtualLIfP!) anchorLeafByIp.set((attrs(mo).addr ?? '').split('/')[0]!, nodeIdOf(attrs(mo).nodeDn ?? ''));
    expect(sorted(anchorLeafByIp.values())).toEqual([101, 102, 103, 104]);

    // Calico side: full mesh off, one peer per anchor IP, each selecting the nodes of one rack.
    expect(calicoConfig.find((c) => c.metadata.name === 'default')?.spec.nodeToNodeMeshEnabled).toBe(false);
    const rackOfPeer = new Map<string, string>();
    for (const p of calicoPeers) {
      const rack = /^rack_id == "(\d+)"$/.exec(p.spec.nodeSelector)?.[1];
      expect(rack, `${p.metadata.name} nodeSelector ${p.spec.nodeSelector}`).toBeDefined();
      rackOfPeer.set(p.spec.peerIP, rack!);
    }
    expect(sorted(rackOfPeer.keys())).toEqual(sorted(anchorLeafByIp.keys()));
    // The fabric's dynamic neighbour expects the AS Calico speaks with.
    const calicoAs = calicoConfig.find((c) => c.metadata.name === 'default')?.spec.asNumber;
    expect(fabric.bgpPeer!.length).toBeGreaterThan(0);
    for (const mo of fabric.bgpPeer!) expect(attrs(mo).asn, attrs(mo).dn).toBe(String(calicoAs));

    // What every node should have: an established session from its InternalIP to each anchor leaf of its rack.
    const expected: string[] = [];
    for (const n of nodes) {
      const ip = internalIp(n);
      const rack = n.metadata?.labels?.rack_id;
      expect(ip, n.metadata?.name).toBeDefined();
      for (const [peerIp, peerRack] of rackOfPeer) if (peerRack === rack) expected.push(`${ip} -> ${anchorLeafByIp.get(peerIp)}`);
    }
    const established = fabric.bgpPeerEntry!.filter((mo) => attrs(mo).operSt === 'established');
    // The leaf answers from its floating SVI address: a session on another address is not the L3Out's.
    for (const mo of established) expect(anchorLeafByIp.get(attrs(mo).localIp ?? ''), attrs(mo).dn).toBe(nodeIdOf(attrs(mo).dn ?? ''));
    const seen = established.map((mo) => `${attrs(mo).addr} -> ${nodeIdOf(attrs(mo).dn ?? '')}`);
    expect(seen.length).toBeGreaterThan(0);
    expect(sorted(seen)).toEqual(sorted(expected));
  });
});
