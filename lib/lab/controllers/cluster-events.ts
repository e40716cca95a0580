import type { KubeObject } from '../../k8s/models/object';
import type { KubeStore, StoreEvent } from '../k8s';
import { refOf, type EventSpec } from './event-recorder';
import { array, nodeReady, nodeUnschedulable, podNode, record } from './scheduling';
import { podTemplateHash } from './user-workloads';

/**
 * The Events a cluster's components would record for a change the lab made or a user made through the API:
 * the scheduler's Scheduled, kubelet's Pulled/Created/Started and Killing, the ReplicaSet and DaemonSet
 * controllers' SuccessfulCreate, the deployment controller's ScalingReplicaSet, and the node's status changes
 * (kubelet's NodeReady and NodeNotSchedulable/NodeSchedulable, the node controller's NodeNotReady on the node
 * and its pods). Pure: the lab's store is only read (for a deployment's ReplicaSet and a node's pods).
 */
type Containers = { name?: string; image?: string }[];

function containersOf(pod: KubeObject): Containers {
  return array<{ name?: string; image?: string }>(record(pod.spec).containers);
}

function controllerOf(obj: KubeObject): { kind?: string; name?: string; uid?: string; apiVersion?: string } | undefined {
  return array<{ kind?: string; name?: string; uid?: string; apiVersion?: string; controller?: boolean }>(
    obj.metadata.ownerReferences,
  ).find((r) => r.controller);
}

function podEvents(ev: StoreEvent): EventSpec[] {
  const pod = { ...ev.object, kind: 'Pod', apiVersion: 'v1' };
  const node = podNode(pod);
  if (!node) return [];
  const ns = pod.metadata.namespace ?? 'default';
  const kubelet = (reason: string, message: (c: { name?: string; image?: string }) => string): EventSpec[] =>
    containersOf(pod).map((c) => ({
      regarding: refOf(pod, `spec.containers{${c.name}}`),
      reason,
      message: message(c),
      component: 'kubelet',
      host: node,
    }));
  if (ev.type === 'DELETED') return kubelet('Killing', (c) => `Stopping container ${c.name}`);
  const wasPlaced = ev.type === 'MODIFIED' && ev.previous && podNode(ev.previous);
  if (wasPlaced || (ev.type !== 'ADDED' && ev.type !== 'MODIFIED')) return [];
  const out: EventSpec[] = [];
  const owner = controllerOf(pod);
  if (owner?.name && ev.type === 'ADDED') {
    // The lab runs a user's Deployment without ReplicaSet objects; its pods carry the hash a ReplicaSet would have.
    const hash = pod.metadata.labels?.['pod-template-hash'];
    const viaDeployment = owner.kind === 'Deployment' && hash;
    out.push({
      regarding: {
        kind: viaDeployment ? 'ReplicaSet' : String(owner.kind),
        name: viaDeployment ? `${owner.name}-${hash}` : owner.name,
        namespace: ns,
        ...(owner.uid && !viaDeployment ? { uid: owner.uid } : {}),
        apiVersion: 'apps/v1',
      },
      reason: 'SuccessfulCreate',
      message: `Created pod: ${pod.metadata.name}`,
      component: owner.kind === 'DaemonSet' ? 'daemonset-controller' : 'replicaset-controller',
    });
  }
  out.push({
    regarding: refOf(pod),
    reason: 'Scheduled',
    message: `Successfully assigned ${ns}/${pod.metadata.name} to ${node}`,
    component: 'default-scheduler',
  });
  out.push(...kubelet('Pulled', (c) => `Container image "${c.image}" already present on machine`));
  out.push(...kubelet('Created', (c) => `Created container: ${c.name}`));
  out.push(...kubelet('Started', (c) => `Started container ${c.name}`));
  return out;
}

function nodeEvents(ev: StoreEvent, store: KubeStore): EventSpec[] {
  const node = { ...ev.object, kind: 'Node', apiVersion: 'v1' };
  const name = node.metadata.name;
  // Node events are recorded against the node's name as its uid, as kubelet does.
  const regarding = { kind: 'Node', name, uid: name, apiVersion: 'v1' };
  const status = (reason: string, component: string): EventSpec => ({
    regarding,
    reason,
    message: `Node ${name} status is now: ${reason}`,
    component,
    ...(component === 'kubelet' ? { host: name } : {}),
  });
  if (ev.type === 'ADDED')
    return [
      { regarding, reason: 'Starting', message: 'Starting kubelet.', component: 'kubelet', host: name },
      {
        regarding,
        reason: 'RegisteredNode',
        message: `Node ${name} event: Registered Node ${name} in Controller`,
        component: 'node-controller',
      },
    ];
  if (ev.type !== 'MODIFIED' || !ev.previous) return [];
  const out: EventSpec[] = [];
  if (nodeReady(ev.previous) && !nodeReady(node)) {
    out.push(status('NodeNotReady', 'node-controller'));
    for (const pod of store.list('pods', { fieldSelector: `spec.nodeName=${name}` }).items)
      out.push({
        regarding: refOf({ ...pod, kind: 'Pod', apiVersion: 'v1' }),
        reason: 'NodeNotReady',
        message: 'Node is not ready',
        type: 'Warning',
        component: 'node-controller',
      });
  }
  if (!nodeReady(ev.previous) && nodeReady(node)) out.push(status('NodeReady', 'kubelet'));
  if (!nodeUnschedulable(ev.previous) && nodeUnschedulable(node)) out.push(status('NodeNotSchedulable', 'kubelet'));
  if (nodeUnschedulable(ev.previous) && !nodeUnschedulable(node)) out.push(status('NodeSchedulable', 'kubelet'));
  return out;
}

/** The name of a Deployment's ReplicaSet as its pods show it (`<deployment>-<pod-template-hash>`). */
function replicaSetName(store: KubeStore, deployment: KubeObject): string {
  const ns = deployment.metadata.namespace;
  const name = deployment.metadata.name;
  for (const pod of store.list('pods', { namespace: ns }).items) {
    const owner = controllerOf(pod);
    if (owner?.kind === 'ReplicaSet' && owner.name?.startsWith(`${name}-`)) return owner.name;
    const hash = pod.metadata.labels?.['pod-template-hash'];
    if (owner?.uid === deployment.metadata.uid && hash) return `${name}-${hash}`;
  }
  // No pods yet (just created): the hash the lab's workload controller will give them.
  return `${name}-${podTemplateHash(deployment)}`;
}

function deploymentEvents(ev: StoreEvent, store: KubeStore): EventSpec[] {
  const replicas = (o: KubeObject | undefined): number | undefined => {
    const r = record(o?.spec).replicas;
    return o === undefined ? 0 : typeof r === 'number' ? r : 1;
  };
  const from = ev.type === 'ADDED' ? 0 : ev.type === 'MODIFIED' ? replicas(ev.previous) : undefined;
  const to = replicas(ev.object);
  if (from === undefined || to === undefined || from === to || ev.type === 'DELETED') return [];
  const deployment = { ...ev.object, kind: 'Deployment', apiVersion: 'apps/v1' };
  return [
    {
      regarding: refOf(deployment),
      reason: 'ScalingReplicaSet',
      message: `Scaled ${to > from ? 'up' : 'down'} replica set ${replicaSetName(store, deployment)} from ${from} to ${to}`,
      component: 'deployment-controller',
    },
  ];
}

export function clusterEventsFor(ev: StoreEvent, store: KubeStore): EventSpec[] {
  if (ev.resource.group === '' && ev.resource.plural === 'pods') return podEvents(ev);
  if (ev.resource.group === '' && ev.resource.plural === 'nodes') return nodeEvents(ev, store);
  if (ev.resource.group === 'apps' && ev.resource.plural === 'deployments') return deploymentEvents(ev, store);
  return [];
}
