import { linkMembers, nodeDn, sviVlan } from '../model/fabric';
import { uplinkHost, type LabWorld } from '../model/world';
import type { LeafNaming } from './operational';
import type { NodeWire, WireFacts } from './sessions';

/**
 * The wire as the lab world knows it: where each node is cabled (its hypervisor's or its own links, or its blade
 * switch's), the VLAN and address of its interface, the BGP cuts of `session-down`, and each leaf's rack. Read on
 * demand, so it always answers for the current world.
 */
export function worldWire(world: () => LabWorld): WireFacts & LeafNaming {
  return {
    node(name: string): NodeWire | undefined {
      const w = world();
      const node = w.nodes.find((n) => n.name === name);
      if (!node) return undefined;
      const host = uplinkHost(w.scenario, node.host);
      const leaves = [...new Set((host?.links ?? []).flatMap((l) => linkMembers(l).map((m) => m.leaf)))];
      const blocked = new Set(w.downSessions.filter((k) => k.endsWith(`|${name}`)).map((k) => Number(k.split('|')[0])));
      return { leaves, vlan: node.vlan, rack: node.rack, blocked, ip: node.ip };
    },
    leafRack(leaf: number): number | undefined {
      const s = world().scenario;
      return s.fabric.leaves.find((l) => l.id === leaf)?.rack ?? s.l3out.anchors.find((a) => a.leaf === leaf)?.rack;
    },
    nodeDn: (leaf) => nodeDn(world().scenario, leaf),
    sviVlan: (leaf) => sviVlan(world().scenario, leaf),
  };
}
