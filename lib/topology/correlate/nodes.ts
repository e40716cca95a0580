import { normaliseIp as normalised } from '../../aci/models/attributes';
import type { K8sNode, K8sPod } from '../k8s-models';
import type { Context } from './context';
import { edgeId, k8sNodeId, podId } from './ids';

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

/**
 * Kubernetes nodes (from Node objects, plus nodes that only pods name) and their pods. A node's IPs
 * come from status.addresses; pods' hostIP is only a fallback for nodes without addresses.
 * Returns pod IP → pod id, for matching EndpointSlice addresses.
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

  const addNode = (name: string, ips: string[], labels: Record<string, string>) => {
    const id = k8sNodeId(name);
    if (ctx.g.hasNode(id)) return;
    if (ips.length === 0) {
      for (const pod of podsByNode.get(name) ?? []) for (const ip of hostIps(pod)) if (!ips.includes(ip)) ips.push(ip);
    }
    ctx.g.addNode({ id, kind: 'k8s-node', name, data: { ip: ips[0] ?? '', ips, mac: '', bareMetal: false, labels, paths: [] } });
    for (const ip of ips) if (!ctx.nodeByIp.has(ip)) ctx.nodeByIp.set(ip, id);
    if (ips.length === 0)
      ctx.g.problem('warning', 'node-ip-unknown', id, `Node ${name} has no InternalIP/ExternalIP address and no pod reports a hostIP.`);
  };
  for (const node of ctx.inputs.k8s('nodes')) addNode(node.metadata.name, nodeAddresses(node), node.metadata.labels ?? {});
  for (const name of podsByNode.keys()) addNode(name, [], {});

  const podByIp = new Map<string, string>();
  for (const pod of pods) {
    const ns = pod.metadata.namespace ?? 'default';
    const id = podId(ns, pod.metadata.name);
    const ips = (pod.status?.podIPs ?? []).map((p) => p.ip);
    if (pod.status?.podIP && !ips.includes(pod.status.podIP)) ips.unshift(pod.status.podIP);
    ctx.g.addNode({
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
    });
    // Host-network pods share the node's IP: the node, not the pod, owns that address.
    if (!pod.spec?.hostNetwork) for (const ip of ips) if (!podByIp.has(ip)) podByIp.set(ip, id);
    const nodeName = pod.spec?.nodeName;
    if (nodeName) {
      const target = k8sNodeId(nodeName);
      ctx.g.addEdge({ id: edgeId('runs-on', id, target), kind: 'runs-on', source: id, target, data: {} });
    }
  }
  return podByIp;
}
