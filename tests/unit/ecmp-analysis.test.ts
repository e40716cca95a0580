import { describe, expect, it } from 'vitest';
import {
  createWorld,
  generateScenario,
  loadShippedScenario,
  scaleDeployment,
  setExternalTrafficPolicy,
  setSessionDown,
  type LabWorld,
} from '../../lib/lab/model';
import { analyseBgp, analyseEcmp, EXCLUDE_LABEL, findingsAsProblems, withEcmpProblems, type EcmpAnalysis } from '../../lib/topology/ecmp';
import { labBundle } from './ecmp-support';

const demo = createWorld(await loadShippedScenario('demo'));
const FRONTEND_LB = '192.168.39.1/32';

const readyNodes = (w: LabWorld, workload: string) =>
  [...new Set(w.pods.filter((p) => p.workload === workload && p.ready).map((p) => `node:${p.node}`))].sort();
const prefix = (a: EcmpAnalysis, p: string) => a.prefixes.find((x) => x.prefix === p) ?? expect.fail(`no analysis for ${p}`);
const codes = (a: EcmpAnalysis, code: string) => a.findings.filter((f) => f.code === code);

describe('expected advertisement', () => {
  it('Local policy: the nodes with a ready endpoint advertise a /32, nothing is missing or stale', () => {
    const { bundle, graph } = labBundle(demo);
    const a = analyseEcmp(bundle, graph);
    expect(a.cni).toBe('calico');
    const p = prefix(a, FRONTEND_LB);
    expect(p.policy).toBe('Local');
    expect(p.services).toEqual(['service:shop/frontend']);
    expect(p.advertisers).toEqual(readyNodes(demo, 'shop/frontend'));
    expect(p.cells.every((c) => c.state === 'installed')).toBe(true);
    expect(a.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(a.ips.find((i) => i.ip === '192.168.39.1')).toMatchObject({ kind: 'load-balancer', advertised: true, prefix: FRONTEND_LB });
  });

  it('Cluster policy: every peering node is expected, as the configured CIDR', () => {
    const w = setExternalTrafficPolicy(demo, 'shop', 'frontend', 'Cluster');
    const { bundle, graph } = labBundle(w);
    const a = analyseEcmp(bundle, graph);
    expect(a.ips.find((i) => i.ip === '192.168.39.1')).toMatchObject({ policy: 'Cluster', prefix: '192.168.39.0/24' });
    const p = prefix(a, '192.168.39.0/24');
    expect(p.services).toContain('service:shop/frontend');
    expect(p.advertisers).toEqual(w.nodes.map((n) => `node:${n.name}`).sort());
    // Each leaf expects exactly the nodes of its rack (the BGPPeer nodeSelector), and has them all.
    for (const l of p.leaves) {
      const rack = w.scenario.l3out.anchors.find((x) => `leaf:${x.leaf}` === l.leaf)!.rack;
      expect(l.expected).toEqual(
        w.nodes
          .filter((n) => n.rack === rack)
          .map((n) => `node:${n.name}`)
          .sort(),
      );
      expect(l.installed).toEqual(l.expected);
    }
  });

  it('a node labelled to be excluded from load balancers is not expected', () => {
    const { bundle, graph } = labBundle(demo);
    const node = bundle.k8s.nodes!.find((n) => n.metadata.name === 'worker-2')!;
    node.metadata.labels = { ...node.metadata.labels, [EXCLUDE_LABEL]: 'true' };
    const p = prefix(analyseEcmp(bundle, graph), '10.96.0.0/16');
    expect(p.advertisers).not.toContain('node:worker-2');
    expect(p.excluded).toEqual([{ node: 'node:worker-2', reason: `labelled ${EXCLUDE_LABEL}` }]);
    // The fabric still installs it: the matrix says so rather than hiding it.
    expect(p.cells.find((c) => c.node === 'node:worker-2')).toMatchObject({ state: 'stale', cause: 'not-expected' });
  });

  it('an IP outside the configured CIDRs is not advertised, with the reason', () => {
    const { bundle, graph } = labBundle(demo);
    bundle.k8s.bgpconfigurations![0]!.spec = { asNumber: 65003, serviceClusterIPs: [{ cidr: '10.96.0.0/16' }] };
    const a = analyseEcmp(bundle, graph);
    expect(a.ips.find((i) => i.ip === '192.168.39.1')).toMatchObject({ advertised: false, prefix: null });
    expect(a.ips.find((i) => i.ip === '192.168.39.1')!.reason).toMatch(/sets no serviceLoadBalancerIPs/);
  });

  it('kube-router: Cluster services are /32s from every peering node; cluster IPs only with the flag', async () => {
    const w = createWorld(await loadShippedScenario('kube-router'));
    const { bundle, graph } = labBundle(w);
    const a = analyseEcmp(bundle, graph);
    expect(a.cni).toBe('kube-router');
    expect(a.ips.filter((i) => i.kind === 'cluster').every((i) => !i.advertised)).toBe(true);
    const cluster = a.ips.find((i) => i.advertised && i.policy === 'Cluster');
    expect(cluster).toBeDefined();
    expect(cluster!.prefix).toBe(`${cluster!.ip}/32`);
    expect(prefix(a, cluster!.prefix!).advertisers.length).toBe(w.nodes.length);
  });
});

describe('max paths', () => {
  it('reads maxEcmp from the VRF policy, or assumes the ACI default and says so', () => {
    const { bundle, graph } = labBundle(demo);
    expect(analyseEcmp(bundle, graph).maxPaths).toEqual({ value: 16, source: 'bgpCtxAfPol', policy: 'uni/tn-k8s/bgpCtxAfP-K8s_L3OUT' });
    bundle.apic.bgpCtxAfPol![0]!.bgpCtxAfPol!.attributes.maxEcmp = '64';
    expect(analyseEcmp(bundle, graph).maxPaths.value).toBe(64);
    delete bundle.apic.bgpCtxAfPol;
    expect(analyseEcmp(bundle, graph).maxPaths).toEqual({ value: 16, source: 'assumed-default' });
  });

  it('20 advertisers with the default maximum: truncation, with the unused nodes named', () => {
    const w = createWorld(generateScenario({ leaves: 2, nodes: 20, pods: 20, services: 1, seed: 3 }));
    const { bundle, graph } = labBundle(w);
    delete bundle.apic.bgpCtxAfPol;
    const a = analyseEcmp(bundle, graph);
    const p = prefix(a, '10.96.0.0/16');
    expect(p.advertisers.length).toBe(20);
    const leaf = p.leaves[0]!;
    expect(leaf.installed.length).toBe(16);
    const f = codes(a, 'ecmp-max-paths-exceeded').filter((x) => x.prefix === '10.96.0.0/16');
    expect(f.map((x) => x.leaf)).toEqual(['leaf:101', 'leaf:102']);
    expect(f[0]!.message).toMatch(/20 nodes .* at most 16 .* 4 node\(s\)/);
    expect(p.cells.filter((c) => c.leaf === 'leaf:101' && c.state === 'truncated').length).toBe(4);
  });
});

describe('findings', () => {
  it('a session down: the node is missing on that leaf, and BGP health shows the state', () => {
    const node = readyNodes(demo, 'shop/frontend')[0]!.slice('node:'.length);
    const rack = demo.nodes.find((n) => n.name === node)!.rack;
    const leafId = demo.scenario.l3out.anchors.find((x) => x.rack === rack)!.leaf;
    const w = setSessionDown(demo, leafId, node, true);
    const { bundle, graph } = labBundle(w);
    const a = analyseEcmp(bundle, graph);
    const missing = codes(a, 'ecmp-advertiser-missing').filter((f) => f.prefix === FRONTEND_LB);
    expect(missing).toEqual([expect.objectContaining({ leaf: `leaf:${leafId}`, node: `node:${node}`, severity: 'error' })]);
    expect(missing[0]!.message).toMatch(/not established/);
    expect(prefix(a, FRONTEND_LB).cells.find((c) => c.node === `node:${node}` && c.leaf === `leaf:${leafId}`)).toMatchObject({
      state: 'missing',
      cause: 'session-down',
    });
    const bgp = analyseBgp(bundle, graph);
    const s = bgp.sessions.find((x) => x.node === `node:${node}` && x.leaf === `leaf:${leafId}`);
    expect(s).toMatchObject({ expectedBy: ['cni', 'fabric'] });
    expect(s!.state).not.toBe('established');
    expect(bgp.fromCniConfig).toBe(true);
    expect(findingsAsProblems(missing)[0]).toMatchObject({ code: 'ecmp-advertiser-missing', subject: `leaf:${leafId}` });
  });

  it('an endpoint removed while its route lingers: blackhole risk on that next hop', () => {
    const before = demo;
    const after = scaleDeployment(demo, 'shop', 'frontend', 1);
    const gone = readyNodes(before, 'shop/frontend').filter((n) => !readyNodes(after, 'shop/frontend').includes(n));
    expect(gone.length).toBeGreaterThan(0);
    const { bundle, graph } = labBundle(after, before);
    const a = analyseEcmp(bundle, graph);
    const risky = codes(a, 'ecmp-blackhole-risk').filter((f) => f.prefix === FRONTEND_LB);
    expect([...new Set(risky.map((f) => f.node))].sort()).toEqual(gone);
  });

  it('a route no service owns', () => {
    const { bundle, graph } = labBundle(demo);
    const route = graph.routes.find((r) => r.prefix === FRONTEND_LB)!;
    graph.routes.push({ ...route, prefix: '192.168.39.77/32', services: [] });
    const f = codes(analyseEcmp(bundle, graph), 'ecmp-prefix-without-service');
    expect(f.map((x) => [x.prefix, x.leaf])).toEqual([['192.168.39.77/32', route.leaf]]);
  });

  it('leaves that should agree but do not, and a single path', () => {
    const { bundle, graph } = labBundle(demo);
    const routes = graph.routes.filter((r) => r.prefix === '10.96.0.0/16' && (r.leaf === 'leaf:101' || r.leaf === 'leaf:102'));
    expect(routes.length).toBe(2);
    routes[1]!.nextHops = routes[1]!.nextHops.slice(0, 1);
    const a = analyseEcmp(bundle, graph);
    expect(codes(a, 'ecmp-leaves-disagree').filter((f) => f.prefix === '10.96.0.0/16').length).toBe(1);
    expect(
      codes(a, 'ecmp-single-path')
        .filter((f) => f.prefix === '10.96.0.0/16')
        .map((f) => f.leaf),
    ).toEqual([routes[1]!.leaf]);
  });
});

describe('findings in the graph', () => {
  it('withEcmpProblems adds one problem per (code, subject), merging findings on the same leaf', () => {
    const w = createWorld(generateScenario({ leaves: 2, nodes: 20, pods: 20, services: 1, seed: 3 }));
    const { bundle, graph } = labBundle(w);
    const a = analyseEcmp(bundle, graph);
    const merged = withEcmpProblems(graph, bundle);
    const truncation = merged.problems.filter((p) => p.code === 'ecmp-max-paths-exceeded');
    expect(truncation.map((p) => p.subject)).toEqual(['leaf:101', 'leaf:102']);
    const onLeaf = a.findings.filter((f) => f.code === 'ecmp-max-paths-exceeded' && f.leaf === 'leaf:101');
    expect(onLeaf.length).toBeGreaterThan(1);
    expect(truncation[0]!.message).toContain(onLeaf[0]!.message.replace(/\.$/, ''));
    expect(truncation[0]!.message).not.toContain('.;');
    const keys = merged.problems.map((p) => `${p.code}|${p.subject}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(merged.problems.length).toBe(graph.problems.length + new Set(a.findings.map((f) => `${f.code}|${f.subject}`)).size);
  });
});

describe('max paths from the policy the VRF names', () => {
  it('follows fvRsCtxToBgpCtxAfPol, falling back to tenant common', () => {
    const { bundle, graph } = labBundle(demo);
    const pol = (dn: string, maxEcmp: string) => ({ bgpCtxAfPol: { attributes: { dn, name: dn.split('-').pop()!, maxEcmp } } });
    bundle.apic.bgpCtxAfPol = [
      pol('uni/tn-k8s/bgpCtxAfP-a', '8'),
      pol('uni/tn-k8s/bgpCtxAfP-b', '32'),
      pol('uni/tn-common/bgpCtxAfP-c', '64'),
    ];
    const rel = (name: string) => ({
      fvRsCtxToBgpCtxAfPol: {
        attributes: { dn: `uni/tn-k8s/ctx-vrf1/rsctxToBgpCtxAfPol-[${name}]-ipv4-ucast`, tnBgpCtxAfPolName: name, af: 'ipv4-ucast' },
      },
    });
    bundle.apic.fvRsCtxToBgpCtxAfPol = [rel('b')];
    expect(analyseEcmp(bundle, graph).maxPaths).toEqual({ value: 32, source: 'bgpCtxAfPol', policy: 'uni/tn-k8s/bgpCtxAfP-b' });
    bundle.apic.fvRsCtxToBgpCtxAfPol = [rel('c')];
    expect(analyseEcmp(bundle, graph).maxPaths.value).toBe(64);
    // Two policies in the tenant and no relation: which one applies cannot be told, so say it is assumed.
    delete bundle.apic.fvRsCtxToBgpCtxAfPol;
    expect(analyseEcmp(bundle, graph).maxPaths.source).toBe('assumed-default');
  });
});
