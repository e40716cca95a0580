import { describe, expect, it } from 'vitest';
import { edgesOf, graphOf, loadFixture } from './fixtures';
import { correlate } from '../../../lib/topology/correlate';
import { parseAsn } from '../../../lib/topology/correlate/asn';

describe('correlate: BGP, ASN and routes', () => {
  it('keeps sessions in every state and flags the ones not established', () => {
    const g = graphOf('esxi-lldp');
    const states = edgesOf(g, 'bgp').map((e) => `${e.source} ${e.target} ${e.data.state}`);
    expect(states).toEqual([
      'node:worker-1 leaf:101 established',
      'node:worker-1 leaf:102 established',
      'node:worker-2 leaf:101 established',
      'node:worker-2 leaf:102 idle',
    ]);
    const down = g.problems.filter((p) => p.code === 'bgp-session-not-established');
    expect(down.map((p) => p.subject)).toEqual(['bgp:node:worker-2->leaf:102#192.168.10.12']);
    expect(g.edges.map((e) => e.id)).toContain(down[0]!.subject);
  });

  it.each([
    ['esxi-lldp', 64512, 'calico'],
    ['port-channel', 65546, 'calico'], // asdot 1.10
    ['ucs-cdp', 64520, 'kube-router'],
    ['baremetal-vpc', 64530, 'kube-router'],
    ['nutanix-lldpd', 65010, 'cilium'],
    ['asn-ambiguous', null, null],
  ] as const)('detects the cluster AS of %s', (name, asn, source) => {
    expect(graphOf(name).cluster).toEqual({ asn, asnSource: source });
  });

  it("reads kube-router's AS from its running pods' args when the input has no DaemonSet (static pods, no RBAC on DaemonSets)", () => {
    const b = loadFixture('ucs-cdp');
    const ds = b.k8s.daemonsets!.find((d) => JSON.stringify(d).includes('--cluster-asn'))!;
    const containers = (ds.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers;
    const pods = (b.k8s.nodes ?? []).map((n) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `kube-router-${n.metadata.name}`, namespace: 'kube-system' },
      spec: { nodeName: n.metadata.name, hostNetwork: true, containers },
    }));
    b.k8s = { ...b.k8s, daemonsets: [], pods: [...(b.k8s.pods ?? []), ...pods] };
    const g = correlate(b);
    expect(g.cluster).toEqual({ asn: 64520, asnSource: 'kube-router' });
    expect(g.problems.map((p) => p.code)).not.toContain('asn-not-detected');
  });

  it('reports an ambiguous ASN, and a missing one', () => {
    expect(graphOf('asn-ambiguous').problems.map((p) => p.code)).toContain('asn-ambiguous');
    const b = loadFixture('asn-ambiguous');
    b.k8s = { nodes: b.k8s.nodes ?? [] };
    expect(correlate(b).problems.map((p) => p.code)).toContain('asn-not-detected');
  });

  it('parses ASNs as numbers, strings and asdot, rejecting nonsense', () => {
    expect([parseAsn(65001), parseAsn('65001'), parseAsn('1.10'), parseAsn('4294967295')]).toEqual([65001, 65001, 65546, 4294967295]);
    expect([parseAsn('4294967296'), parseAsn('x'), parseAsn(-1), parseAsn('70000.1'), parseAsn(1.5)]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it('builds one route per leaf and prefix, maps next hops to nodes and TEPs, and marks Kubernetes routes', () => {
    const g = graphOf('esxi-lldp');
    const r = (leaf: string, prefix: string) => g.routes.find((x) => x.leaf === leaf && x.prefix === prefix);
    expect(r('leaf:101', '10.96.0.0/12')?.nextHops.map((h) => h.node)).toEqual(['node:worker-1', 'node:worker-2']);
    expect(r('leaf:101', '0.0.0.0/0')).toMatchObject({ kubernetes: false, services: [] });
    expect(r('leaf:102', '10.244.1.0/26')?.nextHops).toEqual([{ ip: '10.0.64.64', node: null, tag: '64512', fabricNode: 'leaf:101' }]);
    expect(g.routes.map((x) => `${x.leaf} ${x.prefix}`)).toEqual([...g.routes.map((x) => `${x.leaf} ${x.prefix}`)].sort());
  });

  it('labels a service CIDR route with the services inside it, and a host route with the service at that IP', () => {
    const g = graphOf('esxi-lldp');
    expect(g.routes.find((x) => x.leaf === 'leaf:101' && x.prefix === '10.96.0.0/12')?.services).toEqual([
      'service:default/web',
      'service:kube-system/kube-dns',
    ]);
    expect(g.routes.find((x) => x.prefix === '192.168.100.10/32')?.services).toEqual(['service:default/web']);
    expect(graphOf('hybrid-dualstack').routes.find((x) => x.prefix === 'fd00:96::/112')?.services).toEqual(['service:default/api']);
  });

  it('reports a Kubernetes-tagged next hop that is no node, once per leaf', () => {
    const p = graphOf('esxi-lldp').problems.filter((x) => x.code === 'route-next-hop-not-a-node');
    expect(p.map((x) => x.subject)).toEqual(['leaf:101']);
    expect(p[0]!.message).toContain('192.168.10.99');
  });
});
