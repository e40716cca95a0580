import type { KubeObject } from '../../k8s/models/object';
import { cidrSize, hostAt, mustParseCidr } from '../../net/ip';

/** Small, pure helpers the lab controllers share: reading Nodes and Pods the way a scheduler would. */

interface Taint {
  key?: string;
  effect?: string;
  value?: string;
}
interface Toleration {
  key?: string;
  operator?: string;
  effect?: string;
  value?: string;
}

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function array<T>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}

export function nodeReady(node: KubeObject): boolean {
  return array<{ type?: string; status?: string }>(record(node.status).conditions).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function nodeUnschedulable(node: KubeObject): boolean {
  return record(node.spec).unschedulable === true;
}

export function nodeIp(node: KubeObject): string | undefined {
  return array<{ type?: string; address?: string }>(record(node.status).addresses).find((a) => a.type === 'InternalIP')?.address;
}

export function nodePodCidr(node: KubeObject): string | undefined {
  const cidr = record(node.spec).podCIDR;
  return typeof cidr === 'string' && cidr.includes('/') ? cidr : undefined;
}

function tolerated(taint: Taint, tolerations: Toleration[]): boolean {
  return tolerations.some(
    (t) =>
      (t.operator === 'Exists' && !t.key) ||
      (t.key === taint.key && (!t.effect || t.effect === taint.effect) && (t.operator === 'Exists' || t.value === taint.value)),
  );
}

/**
 * Whether a pod of this template may run on the node: Ready, and every NoSchedule/NoExecute taint tolerated.
 * DaemonSet pods ignore cordoning (their controller adds the unschedulable toleration), Deployment pods do not.
 */
export function canRunOn(node: KubeObject, podSpec: Record<string, unknown>, daemon: boolean): boolean {
  if (!nodeReady(node) || !nodePodCidr(node)) return false;
  if (!daemon && nodeUnschedulable(node)) return false;
  const tolerations = array<Toleration>(podSpec.tolerations);
  const selector = record(podSpec.nodeSelector);
  const labels = node.metadata.labels ?? {};
  if (Object.entries(selector).some(([k, v]) => labels[k] !== v)) return false;
  return array<Taint>(record(node.spec).taints)
    .filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')
    .filter((t) => !(daemon && t.key === 'node.kubernetes.io/unschedulable'))
    .every((t) => tolerated(t, tolerations));
}

/** The first free address of a node's pod block, starting at a stable offset so names map to stable IPs. */
export function freePodIp(podCidr: string, used: ReadonlySet<string>, start: number): string | undefined {
  const size = Number(cidrSize(mustParseCidr(podCidr)));
  for (let k = 0; k < size - 2; k++) {
    const ip = hostAt(podCidr, 1 + ((start + k) % (size - 2)));
    if (!used.has(ip)) return ip;
  }
  return undefined;
}

export function matchLabels(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => labels?.[k] === selector[k]);
}

export function podPhase(pod: KubeObject): string | undefined {
  const phase = record(pod.status).phase;
  return typeof phase === 'string' ? phase : undefined;
}

export function podIp(pod: KubeObject): string | undefined {
  const ip = record(pod.status).podIP;
  return typeof ip === 'string' && ip ? ip : undefined;
}

export function podNode(pod: KubeObject): string | undefined {
  const n = record(pod.spec).nodeName;
  return typeof n === 'string' ? n : undefined;
}

export function podReady(pod: KubeObject): boolean {
  return array<{ type?: string; status?: string }>(record(pod.status).conditions).some((c) => c.type === 'Ready' && c.status === 'True');
}

export { record, array };
