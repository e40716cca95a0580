/**
 * Focus views: which graph elements belong to the neighbourhood of one leaf, node, pod or service.
 * Each rule is the answer to the question an operator asks from that element (PEERS.md part A).
 */
import { hypervisorOfNode, leavesOfNode, neighbours, nodeOfPod, uniq, type GraphIndex } from './graph-index';
import type { Focus } from './view-state';

/** Node ids in the focus, or null for the whole cluster. Unknown ids give an empty set. */
export function focusNodeIds(ix: GraphIndex, focus: Focus): Set<string> | null {
  if (focus.kind === 'cluster') return null;
  if (!ix.node.has(focus.id)) return new Set();
  switch (focus.kind) {
    case 'leaf':
      return new Set(leafNeighbourhood(ix, focus.id));
    case 'node':
      return new Set([...nodePathToFabric(ix, focus.id), ...neighbours(ix, focus.id, ['runs-on'], 'in')]);
    case 'pod': {
      const node = nodeOfPod(ix, focus.id);
      return new Set([focus.id, ...(node ? nodePathToFabric(ix, node) : [])]);
    }
    case 'service':
      return new Set(serviceNeighbourhood(ix, focus.id));
  }
}

/** A leaf, the hypervisors and bare-metal nodes cabled to it, the nodes on those hypervisors, its BGP peers. */
function leafNeighbourhood(ix: GraphIndex, leaf: string): string[] {
  const cabled = neighbours(ix, leaf, ['link'], 'in');
  const vms = cabled.flatMap((id) => (ix.node.get(id)?.kind === 'hypervisor' ? neighbours(ix, id, ['runs-on'], 'in') : []));
  const peers = neighbours(ix, leaf, ['bgp', 'secondary-link'], 'in');
  return uniq([leaf, ...cabled, ...vms, ...peers]);
}

/** A node, its hypervisor, the leaves it is cabled to, its BGP and secondary-network leaves. */
function nodePathToFabric(ix: GraphIndex, node: string): string[] {
  const hv = hypervisorOfNode(ix, node);
  return uniq([node, ...(hv ? [hv] : []), ...leavesOfNode(ix, node), ...neighbours(ix, node, ['bgp', 'secondary-link'], 'out')]);
}

/** A service, the pods backing it, their nodes, and the leaves with a route carrying its IPs. */
function serviceNeighbourhood(ix: GraphIndex, service: string): string[] {
  const pods = neighbours(ix, service, ['selects'], 'out');
  const nodes = pods.map((p) => nodeOfPod(ix, p)).filter((n): n is string => n !== null);
  const leaves = ix.graph.routes.filter((r) => r.services.includes(service)).map((r) => r.leaf);
  return uniq([service, ...pods, ...nodes, ...leaves]);
}
