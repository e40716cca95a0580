import {
  addLeaf,
  drainNode,
  failNode,
  killPod,
  moveCable,
  recoverNode,
  scaleDeployment,
  setExternalTrafficPolicy,
  setNodeNetwork,
  setRackPeering,
  setSessionDown,
  uncordonNode,
  type LabWorld,
  type LinkSpec,
  type Scenario,
} from '../model';
import { crossCheck } from '../model/load';
import { LabEventError, type LabEvent } from './schema';

/** The AS a misconfigured node expects the fabric in: anything but the real one. */
function wrongAs(s: Scenario): number {
  return s.l3out.fabricAs === 65535 ? 65534 : s.l3out.fabricAs + 1;
}

function mutate(w: LabWorld, baseline: Scenario, ev: LabEvent): LabWorld {
  switch (ev.kind) {
    case 'scale-deployment':
      return scaleDeployment(w, ev.namespace, ev.name, ev.replicas);
    case 'kill-pod':
      return killPod(w, ev.namespace, ev.name);
    case 'drain-node':
      return drainNode(w, ev.node);
    case 'uncordon-node':
      return uncordonNode(w, ev.node);
    case 'fail-node':
      return failNode(w, ev.node);
    case 'recover-node':
      return recoverNode(w, ev.node);
    case 'session-down':
    case 'session-up':
      if (!w.scenario.fabric.leaves.some((l) => l.id === ev.leaf)) throw new Error(`no leaf ${ev.leaf}`);
      return setSessionDown(w, ev.leaf, ev.node, ev.kind === 'session-down');
    case 'misconfigure-session':
      return setRackPeering(
        w,
        ev.rack,
        ev.what === 'as' ? { as: ev.as ?? wrongAs(w.scenario) } : { password: ev.password ?? 'not-the-fabric-password' },
      );
    case 'fix-session': {
      const peers = baseline.cluster.cni.peers.filter((p) => p.rack === ev.rack);
      const first = peers[0];
      if (!first) throw new Error(`no BGP peers configured for rack ${ev.rack}`);
      return setRackPeering(w, ev.rack, { as: first.as, password: first.password ?? null });
    }
    case 'move-cable': {
      const current = w.scenario.hosts.find((h) => h.name === ev.host)?.links[ev.link];
      if (!current)
        throw new Error(w.scenario.hosts.some((h) => h.name === ev.host) ? `host ${ev.host} has no link ${ev.link}` : `no host ${ev.host}`);
      const kind = ev.linkKind ?? (ev.leaves.length === 2 && ev.leaves[0] !== ev.leaves[1] ? 'vpc' : ev.ports.length > 1 ? 'pc' : 'single');
      const link: LinkSpec = {
        kind,
        leaves: ev.leaves,
        ports: ev.ports,
        nics: ev.nics ?? current.nics.slice(0, ev.ports.length),
        ...((ev.policyGroup ?? current.policyGroup) ? { policyGroup: ev.policyGroup ?? current.policyGroup } : {}),
      };
      return moveCable(w, ev.host, ev.link, link);
    }
    case 'add-leaf':
      return addLeaf(w, { id: ev.id, name: ev.name ?? `leaf-${ev.id}`, ...(ev.rack !== undefined ? { rack: ev.rack } : {}) }, ev.vpcPeer);
    case 'set-traffic-policy':
      return setExternalTrafficPolicy(w, ev.namespace, ev.name, ev.policy);
    case 'set-node-network':
      return setNodeNetwork(w, ev.node, {
        ...(ev.ip !== undefined ? { ip: ev.ip } : {}),
        ...(ev.vlan !== undefined ? { vlan: ev.vlan } : {}),
      });
  }
}

/**
 * Applies one event to a world (pure). Unknown objects are a 404 LabEventError, a result that breaks the scenario's
 * own rules (e.g. a vPC link onto leaves that are not a vPC pair) a 422; either way `w` is untouched.
 */
export function applyLabEvent(w: LabWorld, baseline: Scenario, ev: LabEvent): LabWorld {
  let next: LabWorld;
  try {
    next = mutate(w, baseline, ev);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new LabEventError([message], /^(no |host .* has no )/.test(message) || / does not exist$/.test(message) ? 404 : 422);
  }
  // The scenario's own rules can only break where the event changed the scenario (copy on write keeps it otherwise).
  const problems = next.scenario === w.scenario ? [] : crossCheck(next.scenario);
  if (problems.length > 0) throw new LabEventError(problems, 422);
  return next;
}
