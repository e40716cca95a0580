import { formatCidr, hostAt, mustParseCidr, subnetOf } from '../../net/ip';
import { hash32, nameSuffix, stableMac } from './ids';
import type { HostSpec, LinkSpec, Scenario, WorkloadSpec } from './schema';

/** Runtime state of one Kubernetes node: what the scenario said plus what has happened to it since. */
export interface NodeState {
  name: string;
  role: 'master' | 'worker';
  rack: number;
  ip: string;
  /** The VLAN its interface is on (its port group's, or the tagged VLAN of a bare-metal server). */
  vlan: number;
  mac: string;
  podCidr: string;
  /** The hosts entry the node runs on (hypervisor, or the bare-metal server itself). */
  host: string;
  ready: boolean;
  /** False once cordoned/drained. */
  schedulable: boolean;
}

export interface PodState {
  name: string;
  namespace: string;
  /** `namespace/name` of the owning workload. */
  workload: string;
  node: string;
  ip: string;
  hostNetwork: boolean;
  ready: boolean;
}

/**
 * The lab's model state. Mutations (mutations.ts) return a new LabWorld; derive* read one.
 * `scenario` is the configuration (cabling, L3Out, workloads, services) and evolves with mutations too.
 */
export interface LabWorld {
  scenario: Scenario;
  nodes: NodeState[];
  pods: PodState[];
  /** Sessions taken down administratively, as `leafId|nodeName`. */
  downSessions: string[];
  /** Monotonic counter feeding pod name suffixes, so a replacement pod never reuses a name. */
  podSerial: number;
  /** Bumped by every mutation. */
  generation: number;
}

/** Organisationally unique identifiers of the NICs each host kind gives its VMs / itself. */
const NODE_OUI: Record<string, string> = { esxi: '00:50:56', ahv: '50:6B:8D', baremetal: 'B4:96:91' };

/** A node's MAC when the scenario gives none: stable, with the OUI of what its host gives its NICs. */
export function defaultNodeMac(s: Scenario, node: string, host: string, kind = s.hosts.find((h) => h.name === host)?.kind): string {
  return stableMac(NODE_OUI[kind ?? 'baremetal'] ?? '02:00:00', s.seed, 'node', node);
}

const cniWorkloadMemo = new WeakMap<Scenario['cluster']['cni'], WorkloadSpec[]>();

/** Workloads the CNI itself runs: present in every cluster, host-network, one pod per node. The same objects per CNI. */
export function cniWorkloads(s: Scenario): WorkloadSpec[] {
  let memo = cniWorkloadMemo.get(s.cluster.cni);
  if (!memo) cniWorkloadMemo.set(s.cluster.cni, (memo = buildCniWorkloads(s)));
  return memo;
}

function buildCniWorkloads(s: Scenario): WorkloadSpec[] {
  if (!s.cluster.built) return [];
  const name = s.cluster.cni.kind === 'calico' ? 'calico-node' : s.cluster.cni.kind === 'cilium' ? 'cilium' : 'kube-router';
  return [{ name, namespace: cniNamespace(s), kind: 'DaemonSet', replicas: 0, labels: { 'k8s-app': name }, networks: [] }];
}

/** Where the CNI's node agent runs: kube-system, or calico-system under the tigera-operator. */
export function cniNamespace(s: Scenario): string {
  return s.cluster.cni.kind === 'calico' && s.cluster.cni.install === 'operator' ? 'calico-system' : 'kube-system';
}

export function allWorkloads(s: Scenario): WorkloadSpec[] {
  if (!s.cluster.built) return [];
  return [...cniWorkloads(s), ...s.cluster.workloads];
}

function reservedNodeSubnetIps(s: Scenario): Set<string> {
  const size = 2 ** (32 - Number(s.l3out.nodeSubnet.split('/')[1]));
  // NKT's plan: broadcast-1 floating, -2 secondary (gateway), -3 API VIP; anchors use their own addresses.
  const reserved = new Set(s.l3out.anchors.map((a) => a.ip));
  for (let k = 1; k <= 3; k++) reserved.add(hostAt(s.l3out.nodeSubnet, size - 1 - k));
  return reserved;
}

function buildNodes(s: Scenario): NodeState[] {
  if (!s.cluster.built) return [];
  const hostKind = new Map(s.hosts.map((h) => [h.name, h.kind]));
  const reserved = reservedNodeSubnetIps(s);
  const used = new Set(s.cluster.nodes.flatMap((n) => (n.ip ? [n.ip] : [])));
  let cursor = 1;
  return s.cluster.nodes.map((n, i) => {
    let ip = n.ip;
    while (!ip) {
      const candidate = hostAt(s.l3out.nodeSubnet, cursor++);
      if (!reserved.has(candidate) && !used.has(candidate)) ip = candidate;
    }
    used.add(ip);
    return {
      name: n.name,
      role: n.role,
      rack: n.rack,
      ip,
      vlan: n.vlan ?? s.l3out.vlan,
      mac: n.mac ?? defaultNodeMac(s, n.name, n.host, hostKind.get(n.host)),
      podCidr: formatCidr(subnetOf(mustParseCidr(s.cluster.podSubnet), s.cluster.podBlockPrefix, i)),
      host: n.host,
      ready: true,
      schedulable: true,
    };
  });
}

export function createWorld(scenario: Scenario): LabWorld {
  const world: LabWorld = { scenario, nodes: buildNodes(scenario), pods: [], downSessions: [], podSerial: 0, generation: 0 };
  reconcileWorkloads(world);
  return world;
}

/**
 * The next world for a mutation, copy on write: the lists are new, the scenario, node and pod objects are shared with
 * `w`. A mutation replaces what it changes (a node or pod by a changed copy, a scenario part along its path; or the
 * whole scenario by `withScenarioCopy`) and never writes into a shared object, so `w` stays as it was and a change
 * costs what it touches. Shared objects keep their identity, which lets the sync skip what did not change.
 */
export function cloneWorld(w: LabWorld): LabWorld {
  return {
    scenario: w.scenario,
    nodes: [...w.nodes],
    pods: [...w.pods],
    downSessions: [...w.downSessions],
    podSerial: w.podSerial,
    generation: w.generation + 1,
  };
}

/** `next` with a deep copy of its scenario to change in place: for the rare mutations of the configuration. */
export function withScenarioCopy(next: LabWorld): LabWorld {
  next.scenario = structuredClone(next.scenario);
  return next;
}

export function replicaSetHash(w: LabWorld, workload: WorkloadSpec): string {
  return nameSuffix(10, w.scenario.seed, 'rs', workload.namespace, workload.name);
}

function eligibleNodes(w: LabWorld, wl: WorkloadSpec): NodeState[] {
  if (wl.kind === 'DaemonSet') return w.nodes.filter((n) => n.ready && (!wl.nodeRole || n.role === wl.nodeRole));
  const workers = w.nodes.filter((n) => n.ready && n.schedulable && n.role === 'worker');
  return workers;
}

function allocatePodIp(w: LabWorld, node: NodeState, usedByNode: Map<string, Set<string>>): string {
  let used = usedByNode.get(node.name);
  if (!used) usedByNode.set(node.name, (used = new Set()));
  const size = 2 ** (32 - w.scenario.cluster.podBlockPrefix);
  const start = hash32(w.scenario.seed, 'ip', node.name, w.podSerial) % (size - 1);
  for (let k = 0; k < size - 1; k++) {
    const ip = hostAt(node.podCidr, 1 + ((start + k) % (size - 1)));
    if (!used.has(ip)) {
      used.add(ip);
      return ip;
    }
  }
  throw new Error(`pod block ${node.podCidr} of node ${node.name} is full`);
}

/**
 * Brings pods in line with workloads, like the controllers and scheduler would: removes pods on nodes that are
 * gone or not ready, removes surplus replicas, creates missing ones on the least-loaded eligible node.
 *
 * `only` (a `namespace/name`) reconciles that one workload of an otherwise reconciled world (a pod killed, a
 * deployment scaled): the result is the same as the full pass, at the cost of a few light passes over the pods.
 */
export function reconcileWorkloads(w: LabWorld, only?: string): void {
  const all = allWorkloads(w.scenario);
  const workloads = only === undefined ? all : all.filter((wl) => `${wl.namespace}/${wl.name}` === only);
  if (only === undefined) {
    const nodes = new Map(w.nodes.map((n) => [n.name, n]));
    const known = new Set(all.map((wl) => `${wl.namespace}/${wl.name}`));
    w.pods = w.pods.filter((p) => known.has(p.workload) && nodes.get(p.node)?.ready === true);
  }
  // Built on the first placement, from the pods as they are before any (as the scheduler sees them).
  let usedByNode: Map<string, Set<string>> | null = null;
  let load: Map<string, number> | null = null;
  // The addresses in use on a node, gathered the first time a pod is placed there.
  const used = (node: NodeState): Map<string, Set<string>> => {
    usedByNode ??= new Map();
    if (!usedByNode.has(node.name)) {
      const ips = new Set<string>();
      for (const p of w.pods) if (p.node === node.name && !p.hostNetwork) ips.add(p.ip);
      usedByNode.set(node.name, ips);
    }
    return usedByNode;
  };
  const loads = (): Map<string, number> => {
    if (load) return load;
    load = new Map();
    for (const p of w.pods) load.set(p.node, (load.get(p.node) ?? 0) + 1);
    return load;
  };
  const byWorkload = new Map<string, PodState[]>();
  for (const p of w.pods) {
    if (only !== undefined && p.workload !== only) continue;
    const list = byWorkload.get(p.workload);
    if (list) list.push(p);
    else byWorkload.set(p.workload, [p]);
  }
  const cniName = cniWorkloads(w.scenario)[0]?.name;
  const drop = new Set<PodState>();
  const created: PodState[] = [];
  const eligibleMemo = new Map<string, NodeState[]>();
  const eligibleFor = (wl: WorkloadSpec): NodeState[] => {
    const key = wl.kind === 'DaemonSet' ? `ds|${wl.nodeRole ?? ''}` : 'deploy';
    let list = eligibleMemo.get(key);
    if (!list) eligibleMemo.set(key, (list = eligibleNodes(w, wl)));
    return list;
  };
  for (const wl of workloads) {
    const key = `${wl.namespace}/${wl.name}`;
    const pods = byWorkload.get(key) ?? [];
    const eligible = eligibleFor(wl);
    const hostNetwork = wl.name === cniName && wl.namespace === cniNamespace(w.scenario);
    const place = (node: NodeState): void => {
      w.podSerial++;
      const suffix = nameSuffix(5, w.scenario.seed, 'pod', key, w.podSerial);
      const name = wl.kind === 'Deployment' ? `${wl.name}-${replicaSetHash(w, wl)}-${suffix}` : `${wl.name}-${suffix}`;
      const ip = hostNetwork ? node.ip : allocatePodIp(w, node, used(node));
      created.push({ name, namespace: wl.namespace, workload: key, node: node.name, ip, hostNetwork, ready: true });
      loads().set(node.name, (loads().get(node.name) ?? 0) + 1);
    };
    if (wl.kind === 'DaemonSet') {
      const want = new Set(eligible.map((n) => n.name));
      const have = new Set<string>();
      for (const p of pods) {
        if (!want.has(p.node) || have.has(p.node)) drop.add(p);
        else have.add(p.node);
      }
      for (const n of eligible) if (!have.has(n.name)) place(n);
      continue;
    }
    // Deployments: scale down newest first (highest serial is last in the list), scale up onto the least loaded node.
    const surplus = pods.length - wl.replicas;
    for (let k = 0; k < surplus; k++) drop.add(pods[pods.length - 1 - k]!);
    for (let k = surplus; k < 0 && eligible.length > 0; k++) {
      const l = loads();
      let best = eligible[0]!;
      for (const n of eligible) if ((l.get(n.name) ?? 0) < (l.get(best.name) ?? 0)) best = n;
      place(best);
    }
  }
  if (drop.size === 0 && created.length === 0) return;
  w.pods = [...(drop.size ? w.pods.filter((p) => !drop.has(p)) : w.pods), ...created];
}

const hostIndexes = new WeakMap<readonly HostSpec[], Map<string, HostSpec>>();

function hostNamed(s: Scenario, name: string): HostSpec | undefined {
  let ix = hostIndexes.get(s.hosts);
  if (!ix) hostIndexes.set(s.hosts, (ix = new Map(s.hosts.map((h) => [h.name, h]))));
  return ix.get(name);
}

/** The host whose cables carry a node's traffic: its hypervisor, or that hypervisor's blade switch. */
export function uplinkHost(s: Scenario, hostName: string): HostSpec | undefined {
  const host = hostNamed(s, hostName);
  if (host?.behind) return hostNamed(s, host.behind);
  return host;
}

/** The link a node's MAC is learned on: hosts pin each VM MAC to one uplink bundle (a hash, like ESXi's port-ID teaming). */
export function nodeLink(s: Scenario, node: NodeState): { host: HostSpec; link: LinkSpec } | undefined {
  const host = uplinkHost(s, node.host);
  if (!host || host.links.length === 0) return undefined;
  const link = host.links[hash32(s.seed, 'pin', node.mac) % host.links.length]!;
  return { host, link };
}
