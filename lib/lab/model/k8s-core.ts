import type { KubeObject } from '../../k8s/models/object';
import { LAB_EPOCH_K8S, meta } from './k8s-meta';
import { secondaryAttachments } from './k8s-secondary';
import type { WorkloadSpec } from './schema';
import { allWorkloads, cniWorkloads, replicaSetHash, type LabWorld, type NodeState, type PodState } from './world';

/** A node's object is a function of its state and of the CNI, the L3Out and the cluster version: derived once each. */
const nodeMemo = new WeakMap<NodeState, { key: readonly unknown[]; obj: KubeObject }>();

function memoNodeObject(w: LabWorld, n: NodeState): KubeObject {
  const s = w.scenario;
  const key = [s.cluster.cni, s.l3out.nodeSubnet, s.cluster.version, s.seed];
  const m = nodeMemo.get(n);
  if (m && m.key.every((k, i) => k === key[i])) return m.obj;
  const obj = nodeObject(w, n);
  nodeMemo.set(n, { key, obj });
  return obj;
}

function nodeObject(w: LabWorld, n: NodeState): KubeObject {
  const s = w.scenario;
  const cni = s.cluster.cni;
  const annotations: Record<string, string> = {};
  if (cni.kind === 'calico') annotations['projectcalico.org/IPv4Address'] = `${n.ip}/${s.l3out.nodeSubnet.split('/')[1]}`;
  if (cni.kind === 'kube-router') {
    // NKT's per-node peer annotations: one entry per anchor of the node's rack.
    const peers = cni.peers.filter((p) => p.rack === n.rack);
    annotations['kube-router.io/peer.ips'] = peers.map((p) => p.ip).join(',');
    annotations['kube-router.io/peer.asns'] = peers.map((p) => String(p.as)).join(',');
    if (peers.some((p) => p.password))
      annotations['kube-router.io/peer.passwords'] = peers.map((p) => Buffer.from(p.password ?? '').toString('base64')).join(',');
  }
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': n.name,
    'kubernetes.io/os': 'linux',
    rack_id: String(n.rack),
  };
  if (n.role === 'master') labels['node-role.kubernetes.io/control-plane'] = '';
  const taints = [
    ...(n.role === 'master' ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] : []),
    ...(n.schedulable ? [] : [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: LAB_EPOCH_K8S }]),
    ...(n.ready ? [] : [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: LAB_EPOCH_K8S }]),
  ];
  const ready = n.ready
    ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
    : { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { ...meta(w, 'Node', undefined, n.name, labels), annotations },
    spec: {
      podCIDR: n.podCidr,
      podCIDRs: [n.podCidr],
      ...(n.schedulable ? {} : { unschedulable: true }),
      ...(taints.length ? { taints } : {}),
    },
    status: {
      addresses: [
        { type: 'InternalIP', address: n.ip },
        { type: 'Hostname', address: n.name },
      ],
      capacity: { cpu: '16', memory: '65843880Ki', pods: '110' },
      allocatable: { cpu: '16', memory: '65741480Ki', pods: '110' },
      conditions: [{ ...ready, lastHeartbeatTime: LAB_EPOCH_K8S, lastTransitionTime: LAB_EPOCH_K8S }],
      nodeInfo: {
        architecture: 'amd64',
        containerRuntimeVersion: 'containerd://2.1.4',
        kernelVersion: '6.8.0-48-generic',
        kubeletVersion: w.scenario.cluster.version,
        operatingSystem: 'linux',
        osImage: 'Ubuntu 24.04.1 LTS',
        machineID: meta(w, 'machine', undefined, n.name).uid.replace(/-/g, ''),
      },
    },
  };
}

function image(wl: WorkloadSpec): string {
  if (wl.name === 'calico-node') return 'quay.io/calico/node:v3.30.3';
  if (wl.name === 'kube-router') return 'docker.io/cloudnativelabs/kube-router:v2.6.1';
  if (wl.name === 'cilium') return 'quay.io/cilium/cilium:v1.18.2';
  return `registry.lab.local/${wl.name}:1.0`;
}

function containers(w: LabWorld, wl: WorkloadSpec): Record<string, unknown>[] {
  const c: Record<string, unknown> = { name: wl.name, image: image(wl) };
  if (wl.name === 'kube-router') {
    c.args = [
      '--run-router=true',
      '--run-firewall=true',
      '--run-service-proxy=true',
      '--bgp-graceful-restart=true',
      '--bgp-holdtime=3s',
      `--cluster-asn=${w.scenario.cluster.cni.as}`,
      '--advertise-external-ip=true',
      '--advertise-loadbalancer-ip=true',
      '--advertise-pod-cidr=true',
      '--enable-ibgp=false',
      '--enable-overlay=false',
      '--enable-pod-egress=false',
      '--override-nexthop=true',
    ];
  }
  return [c];
}

function ownerRef(w: LabWorld, kind: string, namespace: string, name: string): Record<string, unknown> {
  return { apiVersion: 'apps/v1', kind, name, uid: meta(w, kind, namespace, name).uid, controller: true, blockOwnerDeletion: true };
}

interface PodMemo {
  node: NodeState | undefined;
  wl: WorkloadSpec;
  annotations: string | undefined;
  cni: LabWorld['scenario']['cluster']['cni'];
  seed: number;
  obj: KubeObject;
}

/**
 * A pod's object is a function of its state, its node, its workload, its annotations and the CNI; worlds share the
 * objects they did not change (copy on write), so an unchanged pod is derived once and keeps its identity, which lets
 * the sync skip it without comparing.
 */
const podMemo = new WeakMap<PodState, PodMemo>();

function memoPodObject(
  w: LabWorld,
  p: PodState,
  node: NodeState | undefined,
  wl: WorkloadSpec,
  annotations: Record<string, string> | undefined,
): KubeObject {
  const a = annotations ? JSON.stringify(annotations) : undefined;
  const m = podMemo.get(p);
  const { cni, seed } = { cni: w.scenario.cluster.cni, seed: w.scenario.seed };
  if (m && m.node === node && m.wl === wl && m.annotations === a && m.cni === cni && m.seed === seed) return m.obj;
  const obj = podObject(w, p, node, wl, annotations);
  podMemo.set(p, { node, wl, annotations: a, cni, seed, obj });
  return obj;
}

function podObject(
  w: LabWorld,
  p: PodState,
  node: NodeState | undefined,
  wl: WorkloadSpec,
  annotations: Record<string, string> | undefined,
): KubeObject {
  const isDeploy = wl.kind === 'Deployment';
  const rs = isDeploy ? `${wl.name}-${replicaSetHash(w, wl)}` : undefined;
  const labels = {
    ...wl.labels,
    ...(isDeploy
      ? { 'pod-template-hash': replicaSetHash(w, wl) }
      : { 'controller-revision-hash': replicaSetHash(w, wl).slice(0, 9), 'pod-template-generation': '1' }),
  };
  const m = meta(w, 'Pod', p.namespace, p.name, labels);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...m,
      ...(annotations ? { annotations } : {}),
      ownerReferences: [isDeploy ? ownerRef(w, 'ReplicaSet', wl.namespace, rs!) : ownerRef(w, 'DaemonSet', wl.namespace, wl.name)],
    },
    spec: {
      nodeName: p.node,
      containers: containers(w, wl),
      ...(p.hostNetwork ? { hostNetwork: true } : {}),
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
    },
    status: {
      phase: 'Running',
      hostIP: node?.ip ?? '',
      hostIPs: node ? [{ ip: node.ip }] : [],
      podIP: p.ip,
      podIPs: [{ ip: p.ip }],
      startTime: LAB_EPOCH_K8S,
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: LAB_EPOCH_K8S },
        { type: 'Initialized', status: 'True', lastTransitionTime: LAB_EPOCH_K8S },
        { type: 'ContainersReady', status: p.ready ? 'True' : 'False', lastTransitionTime: LAB_EPOCH_K8S },
        { type: 'Ready', status: p.ready ? 'True' : 'False', lastTransitionTime: LAB_EPOCH_K8S },
      ],
      containerStatuses: [
        {
          name: wl.name,
          ready: p.ready,
          restartCount: 0,
          image: image(wl),
          started: true,
          state: { running: { startedAt: LAB_EPOCH_K8S } },
        },
      ],
    },
  };
}

function workloadObjects(w: LabWorld, wl: WorkloadSpec, pods: PodState[]): { workload: KubeObject; replicaSet?: KubeObject } {
  const ready = pods.filter((p) => p.ready).length;
  const selector = { matchLabels: wl.labels };
  const template = { metadata: { labels: wl.labels }, spec: { containers: containers(w, wl) } };
  if (wl.kind === 'DaemonSet') {
    const desired = pods.length;
    return {
      workload: {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: meta(w, 'DaemonSet', wl.namespace, wl.name, wl.labels),
        spec: { selector, template },
        status: {
          currentNumberScheduled: desired,
          desiredNumberScheduled: desired,
          numberAvailable: ready,
          numberReady: ready,
          numberMisscheduled: 0,
          updatedNumberScheduled: desired,
          observedGeneration: 1,
        },
      },
    };
  }
  const hash = replicaSetHash(w, wl);
  const rsName = `${wl.name}-${hash}`;
  const status = { replicas: pods.length, readyReplicas: ready, availableReplicas: ready, observedGeneration: 1 };
  return {
    workload: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(w, 'Deployment', wl.namespace, wl.name, wl.labels),
      spec: { replicas: wl.replicas, selector, template },
      status: { ...status, updatedReplicas: pods.length },
    },
    replicaSet: {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        ...meta(w, 'ReplicaSet', wl.namespace, rsName, { ...wl.labels, 'pod-template-hash': hash }),
        ownerReferences: [ownerRef(w, 'Deployment', wl.namespace, wl.name)],
      },
      spec: { replicas: wl.replicas, selector: { matchLabels: { ...wl.labels, 'pod-template-hash': hash } }, template },
      status: { ...status, fullyLabeledReplicas: pods.length },
    },
  };
}

/** A workload's objects follow from its spec, its pods (their count and readiness) and the CNI: derived once each. */
const workloadMemo = new WeakMap<WorkloadSpec, { key: readonly unknown[]; objs: ReturnType<typeof workloadObjects> }>();

function memoWorkloadObjects(w: LabWorld, wl: WorkloadSpec, pods: PodState[]): ReturnType<typeof workloadObjects> {
  const key = [w.scenario.seed, w.scenario.cluster.cni, pods.length, pods.filter((p) => p.ready).length];
  const m = workloadMemo.get(wl);
  if (m && m.key.every((k, i) => k === key[i])) return m.objs;
  const objs = workloadObjects(w, wl, pods);
  workloadMemo.set(wl, { key, objs });
  return objs;
}

/** namespaces, nodes, pods, deployments, replicasets, daemonsets. */
export function deriveCoreResources(w: LabWorld): Record<string, KubeObject[]> {
  const workloads = allWorkloads(w.scenario);
  const byKey = new Map(workloads.map((wl) => [`${wl.namespace}/${wl.name}`, wl]));
  const podsOf = new Map<string, PodState[]>();
  for (const p of w.pods) {
    const list = podsOf.get(p.workload);
    if (list) list.push(p);
    else podsOf.set(p.workload, [p]);
  }
  const namespaces = [
    ...new Set([
      'default',
      'kube-system',
      'kube-public',
      'kube-node-lease',
      ...(w.scenario.cluster.cni.install === 'operator' && w.scenario.cluster.cni.kind === 'calico' ? ['tigera-operator'] : []),
      ...w.scenario.cluster.namespaces,
      ...workloads.map((wl) => wl.namespace),
      ...w.scenario.cluster.services.map((s) => s.namespace),
    ]),
  ];
  if (w.scenario.cluster.secondaryNetworks.length > 0 && !namespaces.includes('aci-containers-system'))
    namespaces.push('aci-containers-system');
  const attachments = secondaryAttachments(w);
  const nodeByName = new Map(w.nodes.map((n) => [n.name, n]));
  const out: Record<string, KubeObject[]> = {
    namespaces: namespaces.map((ns) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: meta(w, 'Namespace', undefined, ns, { 'kubernetes.io/metadata.name': ns }),
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    })),
    nodes: w.nodes.map((n) => memoNodeObject(w, n)),
    pods: w.pods.map((p) =>
      memoPodObject(w, p, nodeByName.get(p.node), byKey.get(p.workload)!, attachments.podAnnotations.get(`${p.namespace}/${p.name}`)),
    ),
    deployments: [],
    replicasets: [],
    daemonsets: [],
  };
  for (const wl of workloads) {
    const objs = memoWorkloadObjects(w, wl, podsOf.get(`${wl.namespace}/${wl.name}`) ?? []);
    (wl.kind === 'Deployment' ? out.deployments! : out.daemonsets!).push(objs.workload);
    if (objs.replicaSet) out.replicasets!.push(objs.replicaSet);
  }
  out.nodefabricnetworkattachments = attachments.nfnas;
  return out;
}

/**
 * Only what a node's BGP speaker reads (nodes, the CNI's DaemonSet), without the pods: for deriving sessions from a
 * world's configuration without deriving the whole cluster.
 */
export function deriveBgpCoreResources(w: LabWorld): Record<string, KubeObject[]> {
  return {
    nodes: w.nodes.map((n) => nodeObject(w, n)),
    daemonsets: cniWorkloads(w.scenario).map((wl) => workloadObjects(w, wl, []).workload),
  };
}
