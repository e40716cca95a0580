import { cidrSize, hostAt, mustParseCidr } from '../../net/ip';
import { parseScenario } from './load';
import type { ScenarioInput, Scenario } from './schema';

export interface GenerateOptions {
  leaves: number;
  nodes: number;
  /** Application pods (the CNI's per-node pods come on top). */
  pods: number;
  services: number;
  seed: number;
  cni?: 'calico' | 'kube-router' | 'cilium';
}

const NODE_SUBNET = '10.100.0.0/16';
const VMS_PER_HOST = 10;

/**
 * A large, valid scenario for tests and benchmarks: leaves in vPC pairs (one rack per pair, both leaves
 * anchors), hypervisors (ESXi/AHV rotating) with ~10 VMs each on vPCs, every fifth node bare metal on a
 * single link, one Deployment + Service per service, pods spread across them.
 */
export function generateScenario(opts: GenerateOptions): Scenario {
  const { seed } = opts;
  const leafCount = Math.max(2, opts.leaves + (opts.leaves % 2));
  const racks = leafCount / 2;
  const leaves = Array.from({ length: leafCount }, (_, i) => ({ id: 101 + i, name: `leaf-${101 + i}`, rack: Math.floor(i / 2) + 1 }));
  const vpcPairs = Array.from({ length: racks }, (_, r) => [101 + 2 * r, 102 + 2 * r] as [number, number]);
  const size = Number(cidrSize(mustParseCidr(NODE_SUBNET)));
  const anchors = leaves.map((l, i) => ({
    leaf: l.id,
    rack: l.rack,
    ip: hostAt(NODE_SUBNET, size - 10 - i),
    routerId: `1.1.${Math.floor(l.id / 256)}.${l.id % 256}`,
  }));
  const password = `lab-${seed}`;
  const hosts: ScenarioInput['hosts'] = [];
  const nodes: Scenario['cluster']['nodes'] = [];
  const portCursor = new Map<number, number>();
  const nextPort = (leaf: number): string => {
    const n = (portCursor.get(leaf) ?? 0) + 1;
    portCursor.set(leaf, n);
    return n <= 48 ? `eth1/${n}` : `eth1/${49 + Math.floor((n - 49) / 4)}/${((n - 49) % 4) + 1}`;
  };
  const rackHost = new Map<number, { name: string; vms: number }>();
  for (let i = 0; i < opts.nodes; i++) {
    const rack = (i % racks) + 1;
    const [a, b] = vpcPairs[rack - 1]!;
    const role = i < 3 ? 'master' : 'worker';
    const name = `${role === 'master' ? 'master' : 'worker'}-${String(i + 1).padStart(4, '0')}`;
    if (i % 5 === 4) {
      hosts.push({ name, kind: 'baremetal', links: [{ kind: 'single', leaves: [a], ports: [nextPort(a)], nics: ['ens1f0'] }] });
      nodes.push({ name, role, rack, host: name });
      continue;
    }
    let h = rackHost.get(rack);
    if (!h || h.vms >= VMS_PER_HOST) {
      const idx = hosts.length + 1;
      const kind = idx % 2 === 0 ? 'ahv' : 'esxi';
      h = { name: `${kind}-r${rack}-${String(idx).padStart(4, '0')}.lab.local`, vms: 0 };
      rackHost.set(rack, h);
      hosts.push({
        name: h.name,
        kind,
        links: [
          {
            kind: 'vpc',
            leaves: [a, b],
            ports: [nextPort(a), nextPort(b)],
            nics: kind === 'esxi' ? ['vmnic0', 'vmnic1'] : ['eth0', 'eth1'],
            policyGroup: `${h.name.split('.')[0]}_PolGrp`,
          },
        ],
      });
    }
    h.vms++;
    nodes.push({ name, role, rack, host: h.name });
  }
  const workers = Math.max(1, opts.nodes - 3);
  const podsPerNode = Math.ceil(opts.pods / workers) + 2;
  const podBlockPrefix = podsPerNode > 250 ? 22 : podsPerNode > 120 ? 23 : podsPerNode > 60 ? 24 : podsPerNode > 28 ? 25 : 26;
  const deployments = Math.max(1, opts.services);
  const workloads = Array.from({ length: deployments }, (_, d) => ({
    name: `app-${String(d).padStart(4, '0')}`,
    namespace: `team-${d % 10}`,
    kind: 'Deployment' as const,
    replicas: Math.floor(opts.pods / deployments) + (d < opts.pods % deployments ? 1 : 0),
    labels: { app: `app-${String(d).padStart(4, '0')}` },
  }));
  const types = ['ClusterIP', 'NodePort', 'LoadBalancer', 'LoadBalancer'] as const;
  const services = Array.from({ length: opts.services }, (_, d) => ({
    name: `svc-${String(d).padStart(4, '0')}`,
    namespace: `team-${d % 10}`,
    type: types[d % 4]!,
    selector: { app: `app-${String(d).padStart(4, '0')}` },
    externalTrafficPolicy: d % 8 === 3 || d % 8 === 1 ? ('Local' as const) : ('Cluster' as const),
    externalIPs: d % 10 === 0 ? [hostAt('192.168.128.0/20', 1 + d / 10)] : [],
  }));
  const input: ScenarioInput = {
    name: `generated-${leafCount}l-${opts.nodes}n`,
    seed,
    description: `generated: ${leafCount} leaves, ${opts.nodes} nodes, ${opts.pods} pods, ${opts.services} services`,
    fabric: {
      controllers: [1, 2, 3].map((id) => ({ id, name: `apic${id}` })),
      spines: [201, 202].map((id) => ({ id, name: `spine-${id}` })),
      leaves,
      vpcPairs,
    },
    tenant: 'k8s',
    vrf: 'vrf1',
    l3out: {
      name: 'K8s_L3OUT',
      vlan: 12,
      physDomain: 'k8s-phys',
      nodeSubnet: NODE_SUBNET,
      fabricAs: 65002,
      peerAs: 65003,
      password,
      maxPaths: 16,
      anchors,
    },
    hosts,
    cluster: {
      name: 'generated',
      podSubnet: '10.128.0.0/10',
      podBlockPrefix,
      serviceSubnet: '10.96.0.0/16',
      externalSubnet: '192.168.128.0/20',
      loadBalancerSubnet: '192.168.144.0/20',
      nodes,
      workloads,
      services,
      cni: { kind: opts.cni ?? 'calico', as: 65003, peers: anchors.map((a) => ({ rack: a.rack, ip: a.ip, as: 65002, password })) },
    },
  };
  return parseScenario(input, input.name);
}
