import type { FabricExplicitGEp, VpcDom } from '../../aci/models';

/**
 * Leaf → its vPC peer, from the explicit protection groups (a group of exactly two leaves) and, for leaves no
 * group names, from the leaves' vPC domains (the two leaves that carry one domain id). Pure and order-independent:
 * the same objects in any order give the same pairs; a leaf claimed by two pairs keeps the lower peer id.
 */
export function vpcPeers(groups: readonly FabricExplicitGEp[], doms: readonly VpcDom[]): Map<number, number> {
  const peers = new Map<number, number>();
  const pair = (a: number, b: number): void => {
    if (a === b) return;
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      const had = peers.get(x);
      if (had === undefined || y < had) peers.set(x, y);
    }
  };
  for (const g of groups) if (g.nodeIds.length === 2) pair(g.nodeIds[0]!, g.nodeIds[1]!);
  const byDomain = new Map<number, Set<number>>();
  for (const d of doms) {
    if (d.nodeId === null) continue;
    const members = byDomain.get(d.domainId) ?? new Set<number>();
    members.add(d.nodeId);
    byDomain.set(d.domainId, members);
  }
  for (const members of byDomain.values()) {
    const [a, b] = [...members];
    if (members.size === 2 && !peers.has(a!) && !peers.has(b!)) pair(a!, b!);
  }
  return peers;
}
