import { afterEach, describe, expect, it } from 'vitest';
import type { WireMo } from '../../lib/aci/mo';
import { listClusterResources } from '../../lib/k8s';
import { linkPathDn, loadShippedScenario, shippedScenarioNames, builtScenarioNames, uplinkHost, type Scenario } from '../../lib/lab/model';
import type { KubeObject } from '../../lib/k8s/models/object';
import { attrs, childrenOf, cleanup, kubeConfigOf, readFabric, startTestLab } from './lab-runtime-support';

/**
 * The invariants, for every shipped scenario, checked on what akb's own clients read from the two servers
 * (ApicClient with the fixed fabric query list, listClusterResources) against the scenario's configuration.
 */
afterEach(cleanup);

interface K8sNode {
  name: string;
  ip: string;
  rack: number;
  ready: boolean;
}

function k8sNodes(items: KubeObject[]): K8sNode[] {
  return items.map((n) => {
    const status = n.status as { addresses: { type: string; address: string }[]; conditions: { type: string; status: string }[] };
    return {
      name: n.metadata.name,
      ip: status.addresses.find((a) => a.type === 'InternalIP')!.address,
      rack: Number(n.metadata.labels?.rack_id),
      ready: status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    };
  });
}

const leafOf = (dn: string): number => Number(/\/node-(\d+)\//.exec(dn)![1]);

/** Established sessions, as `leaf ip`, that the configuration on both sides agrees on. */
function agreedSessions(s: Scenario, nodes: K8sNode[]): string[] {
  const out: string[] = [];
  for (const n of nodes) {
    if (!n.ready) continue;
    for (const peer of s.cluster.cni.peers.filter((p) => p.rack === n.rack)) {
      const anchor = s.l3out.anchors.find((a) => a.ip === peer.ip);
      const agrees =
        anchor &&
        anchor.rack === n.rack &&
        (peer.password ?? '') === (s.l3out.password ?? '') &&
        s.cluster.cni.as === s.l3out.peerAs &&
        peer.as === s.l3out.fabricAs;
      if (agrees) out.push(`${anchor.leaf} ${n.ip}`);
    }
  }
  return out.sort();
}

function established(fabric: Record<string, WireMo[]>): string[] {
  return fabric
    .bgpPeerEntry!.map(attrs)
    .filter((a) => a.operSt === 'established')
    .map((a) => `${leafOf(a.dn!)} ${a.addr}`)
    .sort();
}

async function checkScenario(name: string, scenario: string | Scenario = name): Promise<void> {
  const lab = await startTestLab({ scenario });
  const s = lab.world().scenario;
  const listing = await listClusterResources(kubeConfigOf(lab));
  const fabric = await readFabric(lab);
  const nodes = k8sNodes(listing.k8s.nodes!);
  expect(nodes.length).toBeGreaterThan(0);

  // 1. Every node IP is learned as an endpoint on the path its cabling implies (and the path exists).
  const pathDns = new Set(fabric.fabricPathEp!.map((mo) => attrs(mo).dn));
  const learnedOn = new Map<string, string[]>();
  for (const cep of fabric.fvCEp!) {
    const kids = childrenOf(cep);
    const ips = kids.filter((k) => 'fvIp' in k).map((k) => attrs(k).addr!);
    const paths = kids.filter((k) => 'fvRsCEpToPathEp' in k).map((k) => attrs(k).tDn!);
    for (const ip of ips) learnedOn.set(ip, paths);
  }
  for (const n of nodes) {
    const spec = s.cluster.nodes.find((x) => x.name === n.name)!;
    const cabled = (uplinkHost(s, spec.host)?.links ?? []).map((l) => linkPathDn(s, l));
    const paths = learnedOn.get(n.ip);
    expect(paths, `${name}: endpoint of ${n.name} (${n.ip})`).toHaveLength(1);
    expect(cabled, `${name}: ${n.name} learned on a path its host is not cabled to`).toContain(paths![0]);
    expect(pathDns.has(paths![0]!), `${name}: ${paths![0]} is not a fabricPathEp`).toBe(true);
  }

  // 2. LLDP (or, for UCS fabric interconnects, CDP) adjacencies on every member port, both vPC legs included.
  const neighbours = new Map<string, string>();
  for (const cls of ['lldpIf', 'cdpIf']) {
    for (const iface of fabric[cls]!) {
      for (const adj of childrenOf(iface)) neighbours.set(attrs(iface).dn!, attrs(adj).sysName!);
    }
  }
  for (const host of s.hosts) {
    for (const link of host.links) {
      link.ports.forEach((port, i) => {
        const leaf = link.leaves[i % link.leaves.length]!;
        const proto = host.kind === 'ucs-fi' ? 'cdp' : 'lldp';
        const dn = `topology/pod-${s.fabric.pod}/node-${leaf}/sys/${proto}/inst/if-[${port}]`;
        expect(neighbours.get(dn), `${name}: ${proto} neighbour of ${host.name} on leaf ${leaf} ${port}`).toBe(host.name);
      });
      if (link.kind === 'vpc') expect(new Set(link.leaves).size).toBe(2);
    }
  }

  // 3. Sessions are established exactly where the configuration agrees — also after breaking one rack's side.
  expect(established(fabric)).toEqual(agreedSessions(s, nodes));
  // A cluster that peers with nothing yet (unpeered) has no session to break.
  if (s.cluster.cni.peers.length === 0) {
    expect(established(fabric)).toEqual([]);
    return;
  }
  const rack = s.cluster.cni.peers[0]!.rack;
  await lab.event({ kind: 'misconfigure-session', rack, what: 'as' });
  const broken = lab.world().scenario;
  const after = established(await readFabric(lab));
  expect(after).toEqual(agreedSessions(broken, nodes));
  expect(after.length).toBeLessThan(established(fabric).length);
  await lab.event({ kind: 'fix-session', rack });

  // 4. Each anchor leaf's next hops for a Local service's /32s are nodes with ready endpoints it peers with (≤ maxPaths).
  checkLocalServices(name, s, nodes, listing.k8s, fabric);
}

function checkLocalServices(
  name: string,
  s: Scenario,
  nodes: K8sNode[],
  k8s: Record<string, KubeObject[]>,
  fabric: Record<string, WireMo[]>,
): void {
  const ipOf = new Map(nodes.map((n) => [n.name, n.ip]));
  const peersOf = new Map<number, Set<string>>();
  for (const e of established(fabric)) {
    const [leaf, ip] = e.split(' ') as [string, string];
    peersOf.set(Number(leaf), (peersOf.get(Number(leaf)) ?? new Set()).add(ip));
  }
  const hops = new Map<string, string[]>();
  for (const nh of fabric.uribv4Nexthop!.map(attrs)) {
    if (nh.vrf === 'overlay-1') continue; // iBGP via a TEP: not a node next hop
    const route = /rt-\[([^\]]+)\]/.exec(nh.dn!)![1]!;
    const key = `${leafOf(nh.dn!)} ${route}`;
    hops.set(key, [...(hops.get(key) ?? []), nh.addr!.replace(/\/32$/, '')]);
  }
  let checked = 0;
  for (const svc of k8s.services ?? []) {
    const spec = svc.spec as { type: string; externalTrafficPolicy?: string; externalIPs?: string[]; loadBalancerIP?: string };
    if (spec.externalTrafficPolicy !== 'Local' || (spec.type !== 'LoadBalancer' && spec.type !== 'NodePort')) continue;
    const ingress = ((svc.status as { loadBalancer?: { ingress?: { ip?: string }[] } } | undefined)?.loadBalancer?.ingress ?? []).flatMap(
      (i) => (i.ip ? [i.ip] : []),
    );
    const prefixes = [
      ...(s.cluster.cni.advertise.externalIPs ? (spec.externalIPs ?? []) : []),
      ...(s.cluster.cni.advertise.loadBalancerIPs ? [...ingress, ...(spec.loadBalancerIP ? [spec.loadBalancerIP] : [])] : []),
    ];
    const slices = (k8s.endpointslices ?? []).filter(
      (e) => e.metadata.namespace === svc.metadata.namespace && e.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name,
    );
    const readyNodes = new Set(
      slices.flatMap((e) =>
        (e.endpoints as { nodeName?: string; conditions?: { ready?: boolean } }[])
          .filter((x) => x.conditions?.ready && x.nodeName)
          .map((x) => ipOf.get(x.nodeName!)!),
      ),
    );
    for (const prefix of new Set(prefixes)) {
      for (const [leaf, peers] of peersOf) {
        const eligible = [...readyNodes].filter((ip) => peers.has(ip));
        const got = hops.get(`${leaf} ${prefix}/32`) ?? [];
        const where = `${name}: leaf ${leaf} next hops for ${svc.metadata.namespace}/${svc.metadata.name} ${prefix}`;
        expect(got.length, where).toBe(Math.min(eligible.length, s.l3out.maxPaths));
        for (const ip of got) expect(eligible, where).toContain(ip);
        checked++;
      }
    }
  }
  if (s.cluster.services.some((x) => x.externalTrafficPolicy === 'Local' && x.type !== 'ClusterIP'))
    expect(checked, `${name}: Local services checked`).toBeGreaterThan(0);
}

describe('lab invariants for every shipped scenario, read through akb clients', () => {
  it('ships the scenarios this test covers', () => {
    expect(shippedScenarioNames().length).toBeGreaterThanOrEqual(8);
    for (const n of shippedScenarioNames()) expect(loadShippedScenario(n).name).toBeTruthy();
  });
  for (const name of builtScenarioNames()) {
    it(`${name}: endpoints on cabled paths, adjacencies on every member, sessions where config agrees, Local next hops`, async () => {
      await checkScenario(name);
    }, 30_000);
  }
  it('demo with maxPaths 2: Local next hops are cut to two of the eligible nodes', async () => {
    const s = structuredClone(loadShippedScenario('demo'));
    s.l3out.maxPaths = 2;
    await checkScenario('demo-maxpaths-2', s);
  }, 30_000);
});
