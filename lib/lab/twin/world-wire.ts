import { linkMembers, nodeDn, sviVlan } from '../model/fabric';
import { computeServices } from '../model/services';
import { uplinkHost, type LabWorld, type NodeState } from '../model/world';
import type { LeafNaming } from './operational';
import type { NodeWire, WireFacts } from './sessions';

interface WireIndex {
  nodes: Map<string, NodeState>;
  blocked: Map<string, Set<number>>;
}

/** Per world (worlds are replaced, never changed): nodes by name and the session cuts by node, built once. */
const indexes = new WeakMap<LabWorld, WireIndex>();

function indexOf(w: LabWorld): WireIndex {
  let ix = indexes.get(w);
  if (ix) return ix;
  const blocked = new Map<string, Set<number>>();
  for (const k of w.downSessions) {
    const [leaf, node] = k.split('|') as [string, string];
    let set = blocked.get(node);
    if (!set) blocked.set(node, (set = new Set()));
    set.add(Number(leaf));
  }
  ix = { nodes: new Map(w.nodes.map((n) => [n.name, n])), blocked };
  indexes.set(w, ix);
  return ix;
}

/**
 * The wire as the lab world knows it: where each node is cabled (its hypervisor's or its own links, or its blade
 * switch's), the VLAN and address of its interface, the BGP cuts of `session-down`, and each leaf's rack. Read on
 * demand, so it always answers for the current world.
 */
export function worldWire(world: () => LabWorld): WireFacts & LeafNaming {
  return {
    node(name: string): NodeWire | undefined {
      const w = world();
      const ix = indexOf(w);
      const node = ix.nodes.get(name);
      if (!node) return undefined;
      const host = uplinkHost(w.scenario, node.host);
      const leaves = [...new Set((host?.links ?? []).flatMap((l) => linkMembers(l).map((m) => m.leaf)))];
      return { leaves, vlan: node.vlan, rack: node.rack, blocked: new Set(ix.blocked.get(name)), ip: node.ip };
    },
    leafRack(leaf: number): number | undefined {
      const s = world().scenario;
      return s.fabric.leaves.find((l) => l.id === leaf)?.rack ?? s.l3out.anchors.find((a) => a.leaf === leaf)?.rack;
    },
    nodeDn: (leaf) => nodeDn(world().scenario, leaf),
    sviVlan: (leaf) => sviVlan(world().scenario, leaf),
  };
}

/**
 * Everything the twin reads from a world (the wire above, and of the services what a speaker advertises: their
 * addresses, and for Local-policy ones the nodes with a ready endpoint), as a list to compare item by item: when
 * an event leaves it as it was (a pod replaced behind a Cluster-policy service), the twin has nothing to redo.
 */
export function twinInputsOf(w: LabWorld): unknown[] {
  const s = w.scenario;
  const out: unknown[] = [s.hosts, s.fabric, s.l3out, s.cluster.cni, w.downSessions.join(',')];
  for (const n of w.nodes) out.push(n);
  for (const svc of computeServices(w)) {
    const local = svc.spec.externalTrafficPolicy === 'Local' && (svc.spec.type === 'NodePort' || svc.spec.type === 'LoadBalancer');
    const nodes = local ? [...new Set(svc.endpoints.filter((p) => p.ready).map((p) => p.node))].sort().join(',') : '';
    out.push(svc.spec, svc.clusterIP, svc.loadBalancerIP, nodes);
  }
  return out;
}

export const sameTwinInputs = (a: readonly unknown[] | null, b: readonly unknown[]): boolean =>
  a !== null && a.length === b.length && a.every((x, i) => x === b[i]);
