import type { StoreEvent } from '../k8s';
import {
  drainNode,
  failNode,
  killPod,
  recoverNode,
  removeNode,
  scaleDeployment,
  setExternalTrafficPolicy,
  uncordonNode,
  type LabWorld,
} from '../model';
import { nodeReady, nodeUnschedulable, record } from './scheduling';

/**
 * Turns a user's write to an object the lab world owns into the world mutation it means, so both servers follow:
 * `kubectl delete node` → the node leaves the world (pods rescheduled, sessions gone); a node marked NotReady → it
 * fails; cordon → drain; `kubectl delete pod` → the pod is replaced; `kubectl scale` → the deployment scales;
 * a Service's externalTrafficPolicy edit → routes follow. Returns undefined when the write changes nothing modelled.
 */
export function worldMutationFor(w: LabWorld, ev: StoreEvent): LabWorld | undefined {
  const o = ev.object;
  const ns = o.metadata.namespace;
  switch (ev.resource.plural) {
    case 'nodes': {
      const node = w.nodes.find((n) => n.name === o.metadata.name);
      if (!node) return undefined;
      if (ev.type === 'DELETED') return removeNode(w, node.name);
      if (ev.type !== 'MODIFIED') return undefined;
      const ready = nodeReady(o);
      if (node.ready && !ready) return failNode(w, node.name);
      if (!node.ready && ready) return recoverNode(w, node.name);
      const unschedulable = nodeUnschedulable(o);
      if (node.schedulable && unschedulable) return drainNode(w, node.name);
      if (!node.schedulable && !unschedulable) return uncordonNode(w, node.name);
      return undefined;
    }
    case 'pods':
      if (ev.type !== 'DELETED' || !w.pods.some((p) => p.namespace === ns && p.name === o.metadata.name)) return undefined;
      return killPod(w, ns ?? 'default', o.metadata.name);
    case 'deployments': {
      const wl = w.scenario.cluster.workloads.find((x) => x.kind === 'Deployment' && x.namespace === ns && x.name === o.metadata.name);
      const replicas = record(o.spec).replicas;
      if (ev.type !== 'MODIFIED' || !wl || typeof replicas !== 'number' || replicas === wl.replicas) return undefined;
      return scaleDeployment(w, wl.namespace, wl.name, replicas);
    }
    case 'services': {
      const svc = w.scenario.cluster.services.find((x) => x.namespace === ns && x.name === o.metadata.name);
      const policy = record(o.spec).externalTrafficPolicy;
      if (ev.type !== 'MODIFIED' || !svc || (policy !== 'Local' && policy !== 'Cluster') || policy === svc.externalTrafficPolicy)
        return undefined;
      return setExternalTrafficPolicy(w, svc.namespace, svc.name, policy);
    }
    default:
      return undefined;
  }
}
