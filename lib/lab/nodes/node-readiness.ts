import { parse } from 'yaml';
import type { KubeObject } from '../../topology/bundle-types';
import { formatCidr, parseCidr, subnetOf } from '../../net/ip';
import type { KubeStore } from '../k8s';

/**
 * What the kubelet and kube-controller-manager keep up to date on Nodes of a lab-built cluster: Ready only once
 * a CNI runs (until then the kubelet reports NetworkPluginNotReady, as on a fresh kubeadm cluster), and a pod
 * CIDR per node from the cluster's pod subnet (node IPAM, per family, with kubeadm's node-cidr-mask-size).
 */

const NOT_READY =
  'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';

function tryList(store: KubeStore, plural: string): KubeObject[] {
  try {
    return store.list(plural).items;
  } catch {
    return []; // the resource is not served (its CRD is not installed)
  }
}

/** Which CNI runs, if any: Calico's operator Installation, or a CNI DaemonSet. */
export function runningCni(store: KubeStore): string | undefined {
  if (tryList(store, 'installations.operator.tigera.io').some((i) => i.metadata.name === 'default')) return 'calico';
  const ds = tryList(store, 'daemonsets').map((d) => d.metadata.name);
  return ['calico-node', 'kube-router', 'cilium'].find((n) => ds.includes(n));
}

interface Ipam {
  subnets: string[];
  masks: number[];
}

/** Pod subnets and mask sizes from the ClusterConfiguration kubeadm init stored in kube-system/kubeadm-config. */
function ipamOf(store: KubeStore): Ipam | undefined {
  const cm = store.tryGet('configmaps', 'kubeadm-config', 'kube-system') as { data?: Record<string, string> } | undefined;
  const text = cm?.data?.ClusterConfiguration;
  if (!text) return undefined;
  const cfg = parse(text) as {
    networking?: { podSubnet?: string };
    controllerManager?: { extraArgs?: Array<{ name: string; value: string }> };
  };
  const pod = cfg.networking?.podSubnet;
  if (!pod) return undefined;
  const subnets = pod.split(',');
  const arg = (name: string) => cfg.controllerManager?.extraArgs?.find((a) => a.name === name)?.value;
  // kube-controller-manager's defaults: /24 per node for IPv4, /64 for IPv6.
  const masks = subnets.map((s) =>
    s.includes(':') ? Number(arg('node-cidr-mask-size-ipv6') ?? 64) : Number(arg('node-cidr-mask-size-ipv4') ?? 24),
  );
  return { subnets, masks };
}

function allocate(ipam: Ipam, used: Set<string>, index: number): string[] | undefined {
  const out: string[] = [];
  for (const [i, s] of ipam.subnets.entries()) {
    const cidr = parseCidr(s);
    if (!cidr) return undefined;
    const mask = ipam.masks[i] ?? cidr.prefix;
    const count = 2 ** Math.min(20, mask - cidr.prefix);
    for (let k = 0; k < count; k++) {
      const block = formatCidr(subnetOf(cidr, mask, (index + k) % count));
      if (!used.has(block)) {
        out.push(block);
        break;
      }
    }
  }
  return out.length === ipam.subnets.length ? out : undefined;
}

export function reconcileNodeReadiness(store: KubeStore, now = new Date()): void {
  const cni = runningCni(store);
  const ipam = ipamOf(store);
  const nodes = store.list('nodes').items;
  const used = new Set(nodes.flatMap((n) => (n.spec as { podCIDRs?: string[] } | undefined)?.podCIDRs ?? []));
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  nodes.forEach((node, index) => {
    let current = node;
    const spec = (node.spec as Record<string, unknown> | undefined) ?? {};
    if (ipam && !Array.isArray(spec.podCIDRs)) {
      const blocks = allocate(ipam, used, index);
      if (blocks) {
        blocks.forEach((b) => used.add(b));
        current = store.update({ ...current, spec: { ...spec, podCIDR: blocks[0], podCIDRs: blocks } } as KubeObject);
      }
    }
    const status = (current.status as Record<string, unknown> | undefined) ?? {};
    const conditions = (status.conditions as Array<Record<string, string>> | undefined) ?? [];
    const want = cni ? 'True' : 'False';
    if (conditions.find((c) => c.type === 'Ready')?.status === want) return;
    const condition = cni
      ? { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }
      : { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: NOT_READY };
    const next = [...conditions.filter((c) => c.type !== 'Ready'), { ...condition, lastHeartbeatTime: stamp, lastTransitionTime: stamp }];
    // Node status is a subresource: the kubelet writes it through /status.
    store.update({ ...current, status: { ...status, conditions: next } } as KubeObject, { subresource: 'status' });
  });
}
