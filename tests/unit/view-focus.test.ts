import { describe, expect, it } from 'vitest';
import { createWorld, groundTruth, loadShippedScenario } from '../../lib/lab/model';
import { DEFAULT_VIEW, buildView, focusNodeIds, focusOf, indexGraph } from '../../lib/view';
import { inCidr, parseIp } from '../../lib/net/ip';
import { demoGraph } from './view-fixtures';

// Expected neighbourhoods come from the lab's ground truth (what is really cabled and peered), not from
// the graph, so a correlation or focus bug shows up as a difference.
const truth = groundTruth(createWorld(loadShippedScenario('demo')));
const ix = indexGraph(demoGraph());
const sorted = (s: Iterable<string>) => [...s].sort();
const hv = (host: string, kind: string) => (kind === 'baremetal' ? [] : [`hypervisor:${host}`]);

describe('focus views on the demo scenario', () => {
  it('whole cluster: no restriction', () => {
    expect(focusNodeIds(ix, { kind: 'cluster' })).toBeNull();
  });

  for (const leafNo of [101, 102, 103, 104]) {
    it(`leaf:${leafNo}: its cabled hosts, the nodes on them, and its BGP peers`, () => {
      const leaf = `leaf:${leafNo}`;
      const cabled = truth.nodes.filter((n) => n.leafPorts.some((p) => p.leaf === leafNo));
      const peers = truth.sessions.filter((s) => s.leaf === leafNo).map((s) => `node:${s.node}`);
      const onCabledHosts = truth.nodes
        .filter((n) => cabled.some((c) => c.host === n.host && c.hostKind !== 'baremetal'))
        .map((n) => `node:${n.name}`);
      const expected = new Set([
        leaf,
        ...cabled.flatMap((n) => hv(n.host, n.hostKind)),
        ...cabled.filter((n) => n.hostKind === 'baremetal').map((n) => `node:${n.name}`),
        ...onCabledHosts,
        ...peers,
      ]);
      expect(sorted(focusNodeIds(ix, focusOf(leaf))!)).toEqual(sorted(expected));
    });
  }

  for (const n of truth.nodes) {
    it(`node:${n.name}: its path to the fabric and its pods`, () => {
      const pods = demoGraph()
        .nodes.filter((p) => p.kind === 'pod' && p.data.nodeName === n.name)
        .map((p) => p.id);
      const bgpLeaves = truth.sessions.filter((s) => s.node === n.name && s.leaf !== null).map((s) => `leaf:${s.leaf}`);
      const expected = new Set([
        `node:${n.name}`,
        ...hv(n.host, n.hostKind),
        ...n.leafPorts.map((p) => `leaf:${p.leaf}`),
        ...bgpLeaves,
        ...pods,
      ]);
      expect(sorted(focusNodeIds(ix, focusOf(`node:${n.name}`))!)).toEqual(sorted(expected));
    });
  }

  it('pod: the pod, its node, hypervisor, leaves and the BGP peers of its node — no other pods', () => {
    const pod = demoGraph().nodes.find((p) => p.kind === 'pod' && p.data.nodeName === 'worker-1')!;
    const n = truth.nodes.find((x) => x.name === 'worker-1')!;
    const bgpLeaves = truth.sessions.filter((s) => s.node === n.name && s.leaf !== null).map((s) => `leaf:${s.leaf}`);
    const expected = new Set([
      pod.id,
      'node:worker-1',
      ...hv(n.host, n.hostKind),
      ...n.leafPorts.map((p) => `leaf:${p.leaf}`),
      ...bgpLeaves,
    ]);
    expect(sorted(focusNodeIds(ix, focusOf(pod.id))!)).toEqual(sorted(expected));
  });

  for (const svc of truth.services) {
    it(`service:${svc.namespace}/${svc.name}: backing pods, their nodes, the leaves carrying its prefix`, () => {
      const id = `service:${svc.namespace}/${svc.name}`;
      const got = focusNodeIds(ix, focusOf(id))!;
      const nodes = sorted([...got].filter((x) => x.startsWith('node:')));
      expect(nodes).toEqual(sorted(new Set(svc.endpointNodes.map((x) => `node:${x}`))));
      const ips = [svc.clusterIP, ...svc.externalIPs, svc.loadBalancerIP].filter((x): x is string => !!x && parseIp(x) !== null);
      const carrying = truth.routes.filter((r) => ips.some((ip) => inCidr(ip, r.prefix))).map((r) => `leaf:${r.leaf}`);
      expect(sorted([...got].filter((x) => x.startsWith('leaf:')))).toEqual(sorted(new Set(carrying)));
      expect(got.has(id)).toBe(true);
    });
  }

  it('an unknown id focuses on nothing rather than everything', () => {
    expect(focusNodeIds(ix, { kind: 'leaf', id: 'leaf:999' })!.size).toBe(0);
  });

  it('a service focus draws the service even though services are not a default kind', () => {
    const model = buildView(ix, { ...DEFAULT_VIEW, focus: focusOf('service:shop/api') });
    expect(model.nodes.some((n) => n.id === 'service:shop/api')).toBe(true);
    expect(buildView(ix, DEFAULT_VIEW).nodes.some((n) => n.kind === 'service')).toBe(false);
  });
});
