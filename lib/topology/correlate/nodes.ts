import { normaliseIp as normalised } from '../../aci/models/attributes';
import type { GraphEdge, GraphNode } from '../graph';
import type { K8sNode, K8sPod } from '../k8s-models';
import type { GraphSink } from './builder';
import type { Context } from './context';
import { edgeId, k8sNodeId, podId } from './ids';
import { compareStrings } from '../../shared/compare';

/** Node addresses in preference order: every InternalIP, then every ExternalIP (IPv4 and IPv6). */
export function nodeAddresses(node: K8sNode): string[] {
  const out: string[] = [];
  for (const type of ['InternalIP', 'ExternalIP']) {
    for (const a of node.status?.addresses ?? []) {
      if (a.type !== type) continue;
      const ip = normalised(a.address);
      if (ip && !out.includes(ip)) out.push(ip);
    }
  }
  return out;
}

function hostIps(pod: K8sPod): string[] {
  const ips = (pod.status?.hostIPs ?? []).map((h) => h.ip);
  if (pod.status?.hostIP && !ips.includes(pod.status.hostIP)) ips.unshift(pod.status.hostIP);
  return ips;
}

export const podIdOf = (pod: K8sPod): string => podId(pod.metadata.namespace ?? 'default', pod.metadata.name);

/**
 * The graph node of Kubernetes node `name`: its IPs from the Node object's addresses; a node without addresses (or
 * one only pods name) falls back to the hostIPs its pods report, taken in pod-id order.
 */
export function emitK8sNode(name: string, node: K8sNode | undefined, podsOnNode: () => readonly K8sPod[], sink: GraphSink): GraphNode {
  const id = k8sNodeId(name);
  const ips = node ? nodeAddresses(node) : [];
  if (ips.length === 0) {
    const pods = [...podsOnNode()].sort((a, b) => compareStrings(podIdOf(a), podIdOf(b)));
    for (const pod of pods) for (const ip of hostIps(pod)) if (!ips.includes(ip)) ips.push(ip);
  }
  const graphNode: GraphNode = {
    id,
    kind: 'k8s-node',
    name,
    data: { ip: ips[0] ?? '', ips, mac: '', bareMetal: false, labels: node?.metadata.labels ?? {}, paths: [] },
  };
  sink.addNode(graphNode);
  if (ips.length === 0)
    sink.problem('warning', 'node-ip-unknown', id, `Node ${name} has no InternalIP/ExternalIP address and no pod reports a hostIP.`);
  return graphNode;
}

/**
 * Which node owns an IP two nodes report: a Node object's address beats a hostIP only pods report, then the
 * lower name. As a comparable string, so claims can be kept in any order.
 */
export const nodeClaimRank = (name: string, fromNodeObject: boolean): string => `${fromNodeObject ? 0 : 1}${name}`;

/** The IPs a pod owns (host-network pods share the node's IP: the node, not the pod, owns that address). */
export function podOwnedIps(pod: K8sPod, ips: readonly string[]): readonly string[] {
  return pod.spec?.hostNetwork ? [] : ips;
}

/** A pod's graph node and its `runs-on` edge to its node. */
export function podGraph(pod: K8sPod): { node: GraphNode; runsOn: GraphEdge | null; ips: string[] } {
  const ns = pod.metadata.namespace ?? 'default';
  const id = podId(ns, pod.metadata.name);
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip);
  if (pod.status?.podIP && !ips.includes(pod.status.podIP)) ips.unshift(pod.status.podIP);
  const node: GraphNode = {
    id,
    kind: 'pod',
    name: pod.metadata.name,
    data: {
      namespace: ns,
      ip: ips[0] ?? '',
      ips,
      labels: pod.metadata.labels ?? {},
      nodeName: pod.spec?.nodeName ?? null,
      hostNetwork: pod.spec?.hostNetwork ?? false,
    },
  };
  const nodeName = pod.spec?.nodeName;
  const target = nodeName ? k8sNodeId(nodeName) : null;
  const runsOn: GraphEdge | null = target ? { id: edgeId('runs-on', id, target), kind: 'runs-on', source: id, target, data: {} } : null;
  return { node, runsOn, ips };
}

/** Keeps, per key, the claimant with the lowest rank. */
function claim(map: Map<string, { id: string; rank: string }>, key: string, id: string, rank: string): void {
  const had = map.get(key);
  if (!had || rank < had.rank) map.set(key, { id, rank });
}

/**
 * Kubernetes nodes (from Node objects, plus nodes that only pods name) and their pods, and the IP → node index.
 * Returns pod IP → pod id (the lower pod id where two pods report one IP), for matching EndpointSlice addresses.
 */
export function addNodesAndPods(ctx: Context): Map<string, string> {
  const pods = ctx.inputs.k8s('pods');
  const podsByNode = new Map<string, K8sPod[]>();
  for (const pod of pods) {
    const n = pod.spec?.nodeName;
    if (!n) continue;
    const list = podsByNode.get(n);
    if (list) list.push(pod);
    else podsByNode.set(n, [pod]);
  }
  const nodeClaims = new Map<string, { id: string; rank: string }>();
  const addNode = (name: string, node: K8sNode | undefined) => {
    if (ctx.g.hasNode(k8sNodeId(name))) return;
    const graphNode = emitK8sNode(name, node, () => podsByNode.get(name) ?? [], ctx.g);
    for (const ip of graphNode.data.ips as string[]) claim(nodeClaims, ip, graphNode.id, nodeClaimRank(name, node !== undefined));
  };
  for (const node of ctx.inputs.k8s('nodes')) addNode(node.metadata.name, node);
  for (const name of podsByNode.keys()) addNode(name, undefined);
  for (const [ip, c] of nodeClaims) ctx.nodeByIp.set(ip, c.id);

  const podClaims = new Map<string, { id: string; rank: string }>();
  for (const pod of pods) {
    const { node, runsOn, ips } = podGraph(pod);
    ctx.g.addNode(node);
    if (runsOn) ctx.g.addEdge(runsOn);
    for (const ip of podOwnedIps(pod, ips)) claim(podClaims, ip, node.id, node.id);
  }
  return new Map([...podClaims].map(([ip, c]) => [ip, c.id]));
}
