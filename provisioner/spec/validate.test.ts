import { describe, expect, it } from 'vitest';
import { validateSpec, validateSpecText } from './validate';
import { workedExampleDoc } from '../test-support/fixtures';

type Doc = ReturnType<typeof workedExampleDoc>;
// Test-only loose access to the parsed YAML document.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Loose = any;

interface Case {
  name: string;
  mutate: (d: Loose) => void;
  path: string;
  message: RegExp;
}

const anchor = (d: Loose, i: number) => d.fabric.anchorLeaves[i];
const node = (d: Loose, i: number) => d.cluster.nodes[i];
const extraAnchor = (i: number, rack = '1') => ({
  podId: 1,
  rackId: rack,
  nodeId: 110 + i,
  routerId: `1.1.1.${110 + i}`,
  ipv4: `192.168.35.${110 + i}`,
  ipv6: `2001:db8:35::${110 + i}`,
});

const cases: Case[] = [
  { name: 'unknown top-level field', mutate: (d) => (d.extra = 1), path: 'extra', message: /unknown field/ },
  {
    name: 'unknown nested field',
    mutate: (d) => (anchor(d, 0).leafName = 'x'),
    path: 'fabric.anchorLeaves[0].leafName',
    message: /unknown field/,
  },
  {
    name: 'malformed node subnet',
    mutate: (d) => (d.fabric.nodeSubnet.ipv4 = '192.168.35.0/33'),
    path: 'fabric.nodeSubnet.ipv4',
    message: /not a valid CIDR/,
  },
  {
    name: 'node subnet with host bits',
    mutate: (d) => (d.fabric.nodeSubnet.ipv4 = '192.168.35.7/24'),
    path: 'fabric.nodeSubnet.ipv4',
    message: /host bits set; the subnet is 192\.168\.35\.0\/24/,
  },
  {
    name: 'IPv6 subnet in the IPv4 field',
    mutate: (d) => (d.fabric.nodeSubnet.ipv4 = '2001:db8::/64'),
    path: 'fabric.nodeSubnet.ipv4',
    message: /not an IPv4 subnet/,
  },
  {
    name: 'pod subnet overlaps node subnet',
    mutate: (d) => (d.cluster.podSubnet = { ipv4: '192.168.0.0/16' }),
    path: 'cluster.podSubnet.ipv4',
    message: /overlaps fabric\.nodeSubnet\.ipv4/,
  },
  {
    name: 'service subnet overlaps pod subnet',
    mutate: (d) => (d.cluster.serviceSubnet = { ipv4: '192.168.36.0/25' }),
    path: 'cluster.serviceSubnet.ipv4',
    message: /overlaps cluster\.podSubnet\.ipv4/,
  },
  {
    name: 'external subnet overlaps service subnet (IPv6)',
    mutate: (d) => (d.cluster.externalServiceSubnet = { ipv6: '2001:db8:35:200::/108' }),
    path: 'cluster.externalServiceSubnet.ipv6',
    message: /overlaps cluster\.serviceSubnet\.ipv6/,
  },
  {
    name: 'anchor IP outside the node subnet',
    mutate: (d) => (anchor(d, 0).ipv4 = '10.0.0.1'),
    path: 'fabric.anchorLeaves[0].ipv4',
    message: /outside the node subnet 192\.168\.35\.0\/24/,
  },
  {
    name: 'node IP is the network address',
    mutate: (d) => (node(d, 0).ipv4 = '192.168.35.0'),
    path: 'cluster.nodes[0].ipv4',
    message: /the network address/,
  },
  {
    name: 'node IP is the broadcast address',
    mutate: (d) => (node(d, 1).ipv4 = '192.168.35.255'),
    path: 'cluster.nodes[1].ipv4',
    message: /the broadcast address/,
  },
  {
    name: 'node IP is the floating IP',
    mutate: (d) => (node(d, 2).ipv4 = '192.168.35.254'),
    path: 'cluster.nodes[2].ipv4',
    message: /the floating IP/,
  },
  {
    name: 'node IP is the gateway',
    mutate: (d) => (node(d, 3).ipv4 = '192.168.35.253'),
    path: 'cluster.nodes[3].ipv4',
    message: /secondary IP \/ node gateway/,
  },
  {
    name: 'anchor IP is the VIP',
    mutate: (d) => (anchor(d, 1).ipv4 = '192.168.35.252'),
    path: 'fabric.anchorLeaves[1].ipv4',
    message: /control-plane VIP/,
  },
  {
    name: 'anchor IPv6 is the floating IPv6',
    mutate: (d) => (anchor(d, 1).ipv6 = '2001:db8:35:ff:ffff:ffff:ffff:fffe'),
    path: 'fabric.anchorLeaves[1].ipv6',
    message: /the floating IP/,
  },
  {
    name: 'VIP outside the node subnet',
    mutate: (d) => (d.cluster.controlPlane = { vip: '10.1.1.1' }),
    path: 'cluster.controlPlane.vip',
    message: /outside the node subnet/,
  },
  {
    name: 'address with a prefix length',
    mutate: (d) => (node(d, 0).ipv4 = '192.168.35.1/24'),
    path: 'cluster.nodes[0].ipv4',
    message: /not a valid IP address/,
  },
  {
    name: 'duplicate router ID',
    mutate: (d) => (anchor(d, 1).routerId = '1.1.1.101'),
    path: 'fabric.anchorLeaves[1].routerId',
    message: /duplicate router ID 1\.1\.1\.101 \(already used by fabric\.anchorLeaves\[0\]\.routerId\)/,
  },
  {
    name: 'duplicate leaf ID',
    mutate: (d) => (anchor(d, 1).nodeId = 101),
    path: 'fabric.anchorLeaves[1].nodeId',
    message: /duplicate leaf node ID 101/,
  },
  {
    name: 'duplicate node name',
    mutate: (d) => (node(d, 3).name = 'nkt-master-1'),
    path: 'cluster.nodes[3].name',
    message: /duplicate node name nkt-master-1/,
  },
  {
    name: 'node IP equals an anchor IP',
    mutate: (d) => (node(d, 3).ipv4 = '192.168.35.201'),
    path: 'cluster.nodes[3].ipv4',
    message: /duplicate address 192\.168\.35\.201 \(already used by fabric\.anchorLeaves\[0\]\.ipv4\)/,
  },
  {
    name: 'duplicate node IPv6 written differently',
    mutate: (d) => (node(d, 3).ipv6 = '2001:DB8:35:0::1'),
    path: 'cluster.nodes[3].ipv6',
    message: /duplicate address 2001:db8:35::1/,
  },
  {
    name: 'seven anchor leaves',
    mutate: (d) => d.fabric.anchorLeaves.push(...[1, 2, 3, 4, 5].map((i) => extraAnchor(i))),
    path: 'fabric.anchorLeaves',
    message: /7 anchor leaves; a floating L3Out takes at most 6/,
  },
  {
    name: 'rack without an anchor leaf',
    mutate: (d) => (node(d, 3).rack = '2'),
    path: 'cluster.nodes[3].rack',
    message: /rack "2" has no anchor leaf/,
  },
  { name: 'fabric AS out of range', mutate: (d) => (d.fabric.asn = 4294967296), path: 'fabric.asn', message: /not a BGP AS number/ },
  { name: 'cluster AS zero', mutate: (d) => (d.cluster.asn = 0), path: 'cluster.asn', message: /not a BGP AS number/ },
  {
    name: 'cluster AS equal to fabric AS',
    mutate: (d) => (d.cluster.asn = 65002),
    path: 'cluster.asn',
    message: /must differ from fabric\.asn \(65002\)/,
  },
  { name: 'VLAN 0', mutate: (d) => (d.fabric.vlan = 0), path: 'fabric.vlan', message: /outside 1-4094/ },
  { name: 'VLAN 4095', mutate: (d) => (d.fabric.vlan = 4095), path: 'fabric.vlan', message: /outside 1-4094/ },
  {
    name: 'MTU above ACI maximum',
    mutate: (d) => (d.fabric.mtu = 9217),
    path: 'fabric.mtu',
    message: /outside what ACI accepts on an SVI \(576-9216\)/,
  },
  {
    name: 'MTU below IPv6 minimum in dual stack',
    mutate: (d) => (d.fabric.mtu = 1000),
    path: 'fabric.mtu',
    message: /below the IPv6 minimum of 1280/,
  },
  {
    name: 'pod subnet too small for one block per node',
    mutate: (d) => (d.cluster.podSubnet = { ipv4: '192.168.36.0/25' }),
    path: 'cluster.podSubnet.ipv4',
    message: /holds 2 blocks of \/26 but there are 4 nodes/,
  },
  {
    name: 'pod block larger than pod subnet',
    mutate: (d) => (d.cluster.podBlockSize = { ipv4: 22 }),
    path: 'cluster.podBlockSize.ipv4',
    message: /\/22 blocks do not fit/,
  },
  {
    name: 'IPv6 anchor address missing in dual stack',
    mutate: (d) => delete anchor(d, 1).ipv6,
    path: 'fabric.anchorLeaves[1].ipv6',
    message: /is required: fabric\.nodeSubnet\.ipv6 makes the cluster dual stack/,
  },
  {
    name: 'IPv6 node address without an IPv6 subnet',
    mutate: (d) => {
      delete d.fabric.nodeSubnet.ipv6;
      for (const a of d.fabric.anchorLeaves) delete a.ipv6;
      for (const n of d.cluster.nodes.slice(1)) delete n.ipv6;
    },
    path: 'cluster.nodes[0].ipv6',
    message: /fabric\.nodeSubnet\.ipv6 is not set/,
  },
  {
    name: 'IPv6 service range too large',
    mutate: (d) => (d.cluster.serviceSubnet = { ipv6: '2001:db8:35:200::/64' }),
    path: 'cluster.serviceSubnet.ipv6',
    message: /at most \/108/,
  },
  {
    name: 'two masters',
    mutate: (d) => (node(d, 2).role = 'worker'),
    path: 'cluster.nodes',
    message: /has 2 masters; a cluster has 1 or 3/,
  },
  {
    name: 'VRF in an unreachable tenant',
    mutate: (d) => (d.fabric.vrf.tenant = 'other'),
    path: 'fabric.vrf.tenant',
    message: /cannot be referenced from an L3Out in tenant "calico_dev_v46"/,
  },
  {
    name: 'inline secret instead of a reference',
    mutate: (d) => (d.fabric.bgpPassword = '123Cisco123'),
    path: 'fabric.bgpPassword',
    message: /secret reference "env:NAME" or "file:\/path"/,
  },
  { name: 'bad CNI', mutate: (d) => (d.cluster.cni = 'flannel'), path: 'cluster.cni', message: /calico|kube-router|cilium/ },
  {
    name: 'router ID not IPv4',
    mutate: (d) => (anchor(d, 0).routerId = '2001:db8::1'),
    path: 'fabric.anchorLeaves[0].routerId',
    message: /not an IPv4 address/,
  },
  {
    name: 'vSphere node without vsphere settings',
    mutate: (d) => delete d.cluster.vsphere,
    path: 'cluster.nodes[0].placement',
    message: /cluster\.vsphere is not set/,
  },
  {
    name: 'Kubernetes too old for kubeadm v1beta4',
    mutate: (d) => (d.cluster.kubernetesVersion = '1.29.3'),
    path: 'cluster.kubernetesVersion',
    message: /too old/,
  },
  {
    name: 'floating IP outside the node subnet',
    mutate: (d) => (d.fabric.floatingIp = { ipv4: '192.168.99.1' }),
    path: 'fabric.floatingIp.ipv4',
    message: /outside the node subnet/,
  },
];

describe('spec validation', () => {
  it('accepts the worked example', () => {
    const r = validateSpec(workedExampleDoc());
    expect(r.ok).toBe(true);
  });

  it.each(cases)('$name → $path', ({ mutate, path, message }) => {
    const doc: Doc = workedExampleDoc();
    mutate(doc);
    const r = validateSpec(doc);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const hit = r.problems.find((p) => p.path === path && message.test(p.message));
    expect(hit, `problems were:\n${r.problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`).toBeDefined();
  });

  it('has at least 30 invalid cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it('reports every problem at once', () => {
    const doc: Loose = workedExampleDoc();
    doc.fabric.vlan = 5000;
    doc.fabric.mtu = 100;
    doc.cluster.asn = 65002;
    anchor(doc, 1).routerId = '1.1.1.101';
    node(doc, 3).rack = '9';
    const r = validateSpec(doc);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.path).sort()).toEqual([
      'cluster.asn',
      'cluster.nodes[3].rack',
      'fabric.anchorLeaves[1].routerId',
      'fabric.mtu',
      'fabric.vlan',
    ]);
  });

  it('reports malformed YAML as a problem, not an exception', () => {
    const r = validateSpecText('fabric: [unclosed');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]?.path).toBe('(root)');
  });
});
