import { describe, expect, it } from 'vitest';
import { edgesOf, graphOf, nodeById } from './fixtures';

describe('correlate: pods, services and secondary networks', () => {
  it('pods run on nodes; services select the pods of their EndpointSlices', () => {
    const g = graphOf('esxi-lldp');
    expect(edgesOf(g, 'selects').map((e) => `${e.source} ${e.target}`)).toEqual([
      'service:default/web pod:default/web-1',
      'service:default/web pod:default/web-2',
      'service:kube-system/kube-dns pod:kube-system/coredns-1',
    ]);
    expect(nodeById(g, 'service:default/web').data).toMatchObject({
      type: 'LoadBalancer',
      clusterIPs: ['10.96.12.34'],
      externalIPs: [],
      loadBalancerIPs: ['192.168.100.10'],
      externalTrafficPolicy: 'Local',
    });
    expect(nodeById(g, 'pod:default/web-1').data).toMatchObject({ namespace: 'default', ip: '10.244.1.5', labels: { app: 'web' } });
  });

  it.each([
    ['sriov', 'pod:apps/sriov-pod', 'ens1f2', 'eth1/3', 'net1', 'ens1f2v12'],
    ['macvlan', 'pod:apps/macvlan-pod', 'bond1', 'bond1_vpc', 'net1', 'bond1'],
    ['bridge', 'pod:apps/bridge-pod', 'br1', 'eth1/38', 'net2', 'br1'],
  ])('%s: node-to-leaf link and pod attachment', (type, pod, nodePort, leafPort, podInterface, nodeInterface) => {
    const g = graphOf('secondary-networks');
    const links = edgesOf(g, 'secondary-link').filter((e) => e.data.type === type && e.data.nodePort === nodePort);
    expect(links.length).toBeGreaterThan(0);
    expect(links.every((e) => e.source === 'node:sriov-worker' && e.data.leafPort === leafPort)).toBe(true);
    const att = edgesOf(g, 'secondary-attachment').find((e) => e.source === pod);
    expect(att?.data).toMatchObject({ type, podInterface, nodeInterface });
  });

  it('a vPC fabric link reaches both leaves; VLAN lists are parsed; links without pods are kept', () => {
    const g = graphOf('secondary-networks');
    const macvlan = edgesOf(g, 'secondary-link').filter((e) => e.data.type === 'macvlan');
    expect(macvlan.map((e) => e.target)).toEqual(['leaf:101', 'leaf:102']);
    expect(macvlan[0]!.data.vlans).toEqual([3460, 3461]);
    expect(edgesOf(g, 'secondary-link').some((e) => e.data.network === 'apps/spare-net')).toBe(true);
  });

  it('flags a pod network that no NFNA links to the fabric', () => {
    const p = graphOf('secondary-networks').problems.filter((x) => x.code === 'pod-network-without-fabric-link');
    expect(p.map((x) => x.subject)).toEqual(['pod:apps/lonely-pod']);
  });

  it('every edge points at nodes that exist', () => {
    for (const name of ['esxi-lldp', 'secondary-networks', 'hybrid-dualstack', 'ucs-cdp']) {
      const g = graphOf(name);
      const ids = new Set(g.nodes.map((n) => n.id));
      for (const e of g.edges) expect(ids.has(e.source) && ids.has(e.target), `${name}: ${e.id}`).toBe(true);
    }
  });
});
