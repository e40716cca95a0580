import { hostAt } from '../../net/ip';
import { hash32 } from './ids';
import type { LinkSpec, Scenario } from './schema';

/** Fabric naming and addressing shared by the APIC derivation and the ground truth. */

/** TEP address of a switch or controller: a stable offset into the TEP pool by node id (never by position). */
export function leafTep(s: Scenario, nodeId: number): string {
  return hostAt(s.fabric.tepPool, nodeId <= 100 ? nodeId : 64 + nodeId);
}

export function nodeDn(s: Scenario, nodeId: number): string {
  return `topology/pod-${s.fabric.pod}/node-${nodeId}`;
}

/** The fabric path endpoint a link is: port, PC (`paths-N/pathep-[pg]`) or vPC (`protpaths-A-B/pathep-[pg]`). */
export function linkPathDn(s: Scenario, link: LinkSpec): string {
  const pod = s.fabric.pod;
  if (link.kind === 'vpc') {
    const [a, b] = [...link.leaves].sort((x, y) => x - y);
    return `topology/pod-${pod}/protpaths-${a}-${b}/pathep-[${link.policyGroup}]`;
  }
  if (link.kind === 'pc') return `topology/pod-${pod}/paths-${link.leaves[0]}/pathep-[${link.policyGroup}]`;
  return `topology/pod-${pod}/paths-${link.leaves[0]}/pathep-[${link.ports[0]}]`;
}

/** Each cable of a link as (leaf, port, host NIC). For a vPC the ports alternate leaves: ports[i] is on leaves[i % 2]. */
export function linkMembers(link: LinkSpec): { leaf: number; port: string; nic: string; index: number }[] {
  return link.ports.map((port, i) => ({ leaf: link.leaves[i % link.leaves.length]!, port, nic: link.nics[i] ?? `nic${i}`, index: i }));
}

export function lagType(link: LinkSpec): 'not-aggregated' | 'link' | 'node' {
  return link.kind === 'vpc' ? 'node' : link.kind === 'pc' ? 'link' : 'not-aggregated';
}

/** The leaf-internal VLAN of the L3Out SVI (ACI allocates it per leaf; the lab derives a stable one). */
export function sviVlan(s: Scenario, leafId: number): number {
  return 2 + (hash32(s.seed, 'svi', leafId) % 90);
}

export function vrfKey(s: Scenario): string {
  return `${s.tenant}:${s.vrf}`;
}
