import { createHash } from 'node:crypto';
import type { KubeObject } from '../../k8s/models/object';
import type { KubeStore } from '../k8s';
import { array, canRunOn, freePodIp, nodeIp, nodePodCidr, podIp, podNode, record } from './scheduling';

/** Marks pods this controller created, so it only ever deletes its own. */
export const MANAGED_BY_ANNOTATION = 'lab.akb.io/managed-by';
const MANAGER = 'lab-workload-controller';

const RFC3339_EPOCH = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

function hex(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/** Kubernetes' "safe" alphabet for generated name suffixes (no vowels, no look-alikes). */
function suffix(length: number, ...parts: string[]): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const h = hex(...parts);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[parseInt(h.slice(i * 2, i * 2 + 2), 16) % alphabet.length];
  return out;
}

/** The pod-template-hash a user Deployment's pods carry (what its ReplicaSet would be named after). */
export function podTemplateHash(deployment: KubeObject): string {
  return suffix(10, String(deployment.metadata.uid), JSON.stringify(record(deployment.spec).template ?? {}));
}

interface Workload {
  obj: KubeObject;
  daemon: boolean;
  podSpec: Record<string, unknown>;
  labels: Record<string, string>;
}

function workloadOf(obj: KubeObject): Workload {
  const spec = record(obj.spec);
  const template = record(spec.template);
  const labels = record(record(template.metadata).labels) as Record<string, string>;
  return { obj, daemon: obj.kind === 'DaemonSet', podSpec: record(template.spec), labels };
}

function ownedBy(pod: KubeObject, uid: string | undefined): boolean {
  return array<{ uid?: string }>(pod.metadata.ownerReferences).some((r) => r.uid === uid);
}

/**
 * Makes Deployments and DaemonSets that users applied through the API real, as the deployment/daemonset
 * controllers, scheduler and kubelet would together: Running pods on schedulable Ready nodes with addresses from
 * the node's pod block, replaced when their node goes away or NotReady, and the workload's status filled in.
 */
export class UserWorkloadReconciler {
  /** `namespace/name` of the pods this reconciler created and believes exist: lets it skip work when idle. */
  private readonly created = new Set<string>();

  constructor(private readonly store: KubeStore) {}

  /** `isWorldOwned(plural, ns, name)` says which workloads the lab world already runs itself. */
  reconcile(isWorldOwned: (plural: string, namespace: string | undefined, name: string) => boolean): void {
    const workloads: Workload[] = [];
    for (const plural of ['deployments', 'daemonsets']) {
      for (const obj of this.store.list(plural).items)
        if (!isWorldOwned(plural, obj.metadata.namespace, obj.metadata.name)) workloads.push(workloadOf(obj));
    }
    // Listing every pod is the expensive part in a large lab: skip it while there is nothing of ours to run or remove.
    if (workloads.length === 0 && this.created.size === 0) return;
    const nodes = this.store.list('nodes').items;
    const nodeByName = new Map(nodes.map((n) => [n.metadata.name, n]));
    let pods = this.store.list('pods').items;
    this.created.clear();
    for (const p of pods)
      if (p.metadata.annotations?.[MANAGED_BY_ANNOTATION] === MANAGER) this.created.add(`${p.metadata.namespace}/${p.metadata.name}`);
    // Pods of ours whose workload is gone, or whose node is gone or NotReady, are deleted first.
    const liveUids = new Set(workloads.map((w) => w.obj.metadata.uid));
    for (const pod of pods) {
      if (pod.metadata.annotations?.[MANAGED_BY_ANNOTATION] !== MANAGER) continue;
      const node = nodeByName.get(podNode(pod) ?? '');
      const owner = array<{ uid?: string }>(pod.metadata.ownerReferences)[0]?.uid;
      const wl = workloads.find((w) => w.obj.metadata.uid === owner);
      if (!liveUids.has(owner) || !node || !wl || !canRunOn(node, wl.podSpec, wl.daemon))
        this.deletePod(pod.metadata.name, pod.metadata.namespace ?? 'default');
    }
    pods = this.store.list('pods').items;
    const usedIps = new Map<string, Set<string>>();
    const load = new Map<string, number>();
    for (const p of pods) {
      const n = podNode(p);
      const ip = podIp(p);
      if (!n) continue;
      load.set(n, (load.get(n) ?? 0) + 1);
      if (ip) usedIps.set(n, (usedIps.get(n) ?? new Set()).add(ip));
    }
    for (const wl of workloads)
      this.reconcileWorkload(
        wl,
        nodes,
        pods.filter((p) => ownedBy(p, wl.obj.metadata.uid)),
        usedIps,
        load,
      );
  }

  private reconcileWorkload(
    wl: Workload,
    nodes: KubeObject[],
    mine: KubeObject[],
    usedIps: Map<string, Set<string>>,
    load: Map<string, number>,
  ): void {
    const { obj } = wl;
    const ns = obj.metadata.namespace ?? 'default';
    const eligible = nodes.filter((n) => canRunOn(n, wl.podSpec, wl.daemon));
    const place = (node: KubeObject): void => {
      const created = this.createPod(wl, node, usedIps);
      if (created) {
        mine.push(created);
        load.set(node.metadata.name, (load.get(node.metadata.name) ?? 0) + 1);
      }
    };
    if (wl.daemon) {
      const have = new Set(mine.map((p) => podNode(p)));
      for (const n of eligible) if (!have.has(n.metadata.name)) place(n);
    } else {
      const replicas = typeof record(obj.spec).replicas === 'number' ? (record(obj.spec).replicas as number) : 1;
      const sorted = [...mine].sort(
        (a, b) =>
          String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)) ||
          Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion),
      );
      for (const extra of sorted.slice(replicas)) {
        this.deletePod(extra.metadata.name, ns);
        mine.splice(mine.indexOf(extra), 1);
      }
      for (let k = mine.length; k < replicas && eligible.length > 0; k++) {
        const best = eligible.reduce((a, b) => ((load.get(b.metadata.name) ?? 0) < (load.get(a.metadata.name) ?? 0) ? b : a));
        place(best);
      }
    }
    this.writeStatus(wl, mine.length);
  }

  private createPod(wl: Workload, node: KubeObject, usedIps: Map<string, Set<string>>): KubeObject | undefined {
    const { obj } = wl;
    const ns = obj.metadata.namespace ?? 'default';
    const hostNetwork = wl.podSpec.hostNetwork === true;
    const nodeName = node.metadata.name;
    const used = usedIps.get(nodeName) ?? new Set<string>();
    const templateHash = podTemplateHash(obj);
    let name: string;
    let attempt = 0;
    do
      name = wl.daemon
        ? `${obj.metadata.name}-${suffix(5, String(obj.metadata.uid), nodeName, String(attempt++))}`
        : `${obj.metadata.name}-${templateHash}-${suffix(5, String(obj.metadata.uid), String(attempt++))}`;
    while (this.store.tryGet('pods', name, ns));
    const ip = hostNetwork ? nodeIp(node) : freePodIp(nodePodCidr(node)!, used, parseInt(hex(name).slice(0, 8), 16));
    if (!ip) return undefined;
    used.add(ip);
    usedIps.set(nodeName, used);
    const now = RFC3339_EPOCH();
    const containers = array<Record<string, unknown>>(wl.podSpec.containers);
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: ns,
        labels: { ...wl.labels, ...(wl.daemon ? {} : { 'pod-template-hash': templateHash }) },
        annotations: { [MANAGED_BY_ANNOTATION]: MANAGER },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: obj.kind,
            name: obj.metadata.name,
            uid: obj.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: { ...wl.podSpec, nodeName },
      status: {
        phase: 'Running',
        hostIP: nodeIp(node) ?? '',
        podIP: ip,
        podIPs: [{ ip }],
        startTime: now,
        conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({
          type,
          status: 'True',
          lastTransitionTime: now,
        })),
        containerStatuses: containers.map((c) => ({
          name: c.name,
          image: c.image,
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: now } },
        })),
      },
    };
    const out = this.store.create(pod);
    this.created.add(`${ns}/${name}`);
    return out;
  }

  private deletePod(name: string, namespace: string): void {
    this.store.delete('pods', name, namespace);
    this.created.delete(`${namespace}/${name}`);
  }

  private writeStatus(wl: Workload, count: number): void {
    const { obj } = wl;
    const observedGeneration = Number(obj.metadata.generation ?? 1);
    const status = wl.daemon
      ? {
          currentNumberScheduled: count,
          desiredNumberScheduled: count,
          numberAvailable: count,
          numberReady: count,
          numberMisscheduled: 0,
          updatedNumberScheduled: count,
          observedGeneration,
        }
      : { replicas: count, readyReplicas: count, availableReplicas: count, updatedReplicas: count, observedGeneration };
    const current = this.store.tryGet(obj.kind === 'DaemonSet' ? 'daemonsets' : 'deployments', obj.metadata.name, obj.metadata.namespace);
    if (!current || JSON.stringify(current.status ?? {}) === JSON.stringify(status)) return;
    this.store.update({ ...current, status }, { subresource: 'status', namespace: obj.metadata.namespace });
  }
}
