import type { KubeStore } from '../k8s';
import { linkMembers } from '../model/fabric';
import type { Scenario } from '../model/schema';
import { uplinkHost } from '../model/world';
import type { NodeWire, WireFacts } from './sessions';

/** The annotation a node mimic puts on a Node it booted: the scenario host (hypervisor or server) it runs on. */
export const HOST_ANNOTATION = 'lab.akb.io/host';
/** The VLAN its interface was configured on (netplan's VLAN, or the VM's port group); default the scenario L3Out's. */
export const VLAN_ANNOTATION = 'lab.akb.io/vlan';

/**
 * The wire of a cluster the lab did not derive (one a provisioner built on the lab's machines): each node's cabling
 * is its host's in the scenario (named by the Node's lab.akb.io/host annotation), its VLAN the lab.akb.io/vlan
 * annotation, its address the Node's InternalIP, its rack the akb.io/rack or rack_id label (else its leaves' rack).
 */
export function annotatedWire(store: KubeStore, scenario: () => Scenario): WireFacts {
  const leafRack = (leaf: number): number | undefined => scenario().fabric.leaves.find((l) => l.id === leaf)?.rack;
  return {
    node(name: string): NodeWire | undefined {
      const node = store.tryGet('nodes', name);
      if (!node) return undefined;
      const s = scenario();
      const annotations = (node.metadata.annotations ?? {}) as Record<string, string>;
      const labels = (node.metadata.labels ?? {}) as Record<string, string>;
      const host = annotations[HOST_ANNOTATION] ? uplinkHost(s, annotations[HOST_ANNOTATION]) : undefined;
      const leaves = [...new Set((host?.links ?? []).flatMap((l) => linkMembers(l).map((m) => m.leaf)))];
      const vlan = Number(annotations[VLAN_ANNOTATION] ?? s.l3out.vlan);
      const rackLabel = Number(labels['akb.io/rack'] ?? labels['rack_id']);
      const rack = Number.isInteger(rackLabel) && rackLabel > 0 ? rackLabel : leaves.map(leafRack).find((r) => r !== undefined);
      return { leaves, ...(Number.isInteger(vlan) ? { vlan } : {}), ...(rack !== undefined ? { rack } : {}), blocked: new Set() };
    },
    leafRack,
  };
}
