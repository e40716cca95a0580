/**
 * Scale guardrails: above named thresholds, pods collapse into one badge per node (counts by namespace
 * and status, expandable), and the hypervisor and Kubernetes-node tiers collapse into one group per rack.
 * Thresholds are on what is visible after focus and filters, so a focus view of a huge cluster is drawn
 * in full.
 */
import type { GraphEdge, GraphNode, Severity } from '../topology/graph';
import { hypervisorOfNode, leavesOfNode, neighbours, type GraphIndex } from './graph-index';
import { TIER, worse, type PodCounts, type ViewEdge, type ViewModel, type ViewNode } from './view-model';

/** More visible pods than this and pods are drawn as one badge per node. */
export const POD_BADGES_ABOVE = 300;
/** More visible hypervisors (or Kubernetes nodes) than this and that tier is drawn as one group per rack. */
export const TIER_GROUP_ABOVE = 120;

export interface AggregateInput {
  ix: GraphIndex;
  nodes: readonly GraphNode[];
  edges: readonly GraphEdge[];
  /** Node ids / group ids the user expanded. */
  expanded: readonly string[];
}

/** A pod's status for badge counts: its phase when the graph carries one, else whether it has an IP. */
export function podStatus(pod: GraphNode): string {
  if (typeof pod.data.phase === 'string') return pod.data.phase;
  return typeof pod.data.ip === 'string' && pod.data.ip !== '' ? 'has-ip' : 'no-ip';
}

/** `leaf:101+leaf:102` for a node or hypervisor cabled to a vPC pair; what racks are, for grouping. */
function rackKey(ix: GraphIndex, n: GraphNode): string {
  const leaves = n.kind === 'hypervisor' ? neighbours(ix, n.id, ['link'], 'out') : leavesOfNode(ix, n.id);
  return leaves.length > 0 ? [...new Set(leaves)].sort().join('+') : 'unconnected';
}

function worstProblem(ix: GraphIndex, ids: readonly string[]): Severity | null {
  let s: Severity | null = null;
  for (const id of ids) for (const p of ix.problemsOf.get(id) ?? []) s = worse(s, p.severity);
  return s;
}

function addCount(c: PodCounts, pod: GraphNode): void {
  c.total++;
  const ns = String(pod.data.namespace ?? '');
  c.byNamespace[ns] = (c.byNamespace[ns] ?? 0) + 1;
  const st = podStatus(pod);
  c.byStatus[st] = (c.byStatus[st] ?? 0) + 1;
}

export function aggregate({ ix, nodes, edges, expanded }: AggregateInput): ViewModel {
  const open = new Set(expanded);
  const count = (kind: GraphNode['kind']) => nodes.reduce((n, x) => n + (x.kind === kind ? 1 : 0), 0);
  const collapsedPods = count('pod') > POD_BADGES_ABOVE;
  const groupHv = count('hypervisor') > TIER_GROUP_ABOVE;
  const groupNodes = count('k8s-node') > TIER_GROUP_ABOVE;

  const rep = new Map<string, string>();
  const out = new Map<string, ViewNode>();
  const visible = new Set(nodes.map((n) => n.id));
  const make = (id: string, base: Omit<ViewNode, 'id' | 'members' | 'severity'>): ViewNode => {
    let v = out.get(id);
    if (!v) {
      v = { id, members: [], severity: null, ...base };
      out.set(id, v);
    }
    return v;
  };

  // Fabric and hosts first, so pods can find their node's representative.
  const order = [...nodes].sort((a, b) => TIER[a.kind] - TIER[b.kind]);
  for (const n of order) {
    const grouped = (n.kind === 'hypervisor' && groupHv) || (n.kind === 'k8s-node' && groupNodes);
    const groupId = grouped ? `group:${n.kind}:${rackKey(ix, n)}` : null;
    if (groupId && !open.has(groupId)) {
      const g = make(groupId, {
        kind: 'group',
        memberKind: n.kind,
        tier: TIER[n.kind],
        label: '',
        sublabel: rackKey(ix, n),
        parent: null,
        anchor: false,
        vpcPeer: null,
        pods: n.kind === 'k8s-node' ? { total: 0, byNamespace: {}, byStatus: {} } : null,
      });
      g.members.push(n.id);
      g.label = `${g.members.length} ${n.kind === 'hypervisor' ? 'hypervisors' : 'nodes'}`;
      rep.set(n.id, groupId);
      continue;
    }
    if (n.kind === 'pod') {
      const node = neighbours(ix, n.id, ['runs-on'], 'out')[0] ?? null;
      const nodeRep = node && visible.has(node) ? (rep.get(node) ?? node) : null;
      const nodeView = nodeRep ? out.get(nodeRep) : undefined;
      if (nodeView?.pods) addCount(nodeView.pods, n);
      const badgeOpen = nodeRep !== null && open.has(nodeRep);
      if (collapsedPods && !badgeOpen) {
        const id = `pods:${nodeRep ?? 'unscheduled'}`;
        const b = make(id, {
          kind: 'pod-badge',
          memberKind: 'pod',
          tier: TIER.pod,
          label: '',
          sublabel: '',
          parent: nodeRep,
          anchor: false,
          vpcPeer: null,
          pods: { total: 0, byNamespace: {}, byStatus: {} },
        });
        b.members.push(n.id);
        addCount(b.pods!, n);
        b.label = `${b.pods!.total} pods`;
        rep.set(n.id, id);
        continue;
      }
      make(n.id, {
        kind: 'pod',
        memberKind: 'pod',
        tier: TIER.pod,
        label: n.name,
        sublabel: String(n.data.ip ?? ''),
        parent: nodeRep,
        anchor: false,
        vpcPeer: null,
        pods: null,
      }).members.push(n.id);
      rep.set(n.id, n.id);
      continue;
    }
    const v = make(n.id, {
      kind: n.kind,
      memberKind: n.kind,
      tier: TIER[n.kind],
      label: n.name,
      sublabel: sublabelOf(n),
      parent: parentOf(ix, n, rep),
      anchor: n.kind === 'leaf' && ix.anchors.has(n.id),
      vpcPeer: n.kind === 'leaf' ? (ix.vpcPeer.get(n.id) ?? null) : null,
      pods: n.kind === 'k8s-node' ? { total: 0, byNamespace: {}, byStatus: {} } : null,
    });
    v.members.push(n.id);
    rep.set(n.id, n.id);
  }
  for (const v of out.values()) {
    v.severity = worstProblem(ix, v.members);
    if (v.kind === 'group') v.parent = v.sublabel.split('+')[0] ?? null;
    if (v.kind === 'pod-badge' && v.parent) {
      const p = v.pods!;
      v.sublabel = Object.entries(p.byNamespace)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([ns, c]) => `${ns} ${c}`)
        .join(' · ');
    }
  }
  return {
    nodes: [...out.values()],
    edges: mergeEdges(ix, edges, rep),
    collapsedPods,
    groupedTiers: [...(groupHv ? (['hypervisor'] as const) : []), ...(groupNodes ? (['k8s-node'] as const) : [])],
  };
}

function sublabelOf(n: GraphNode): string {
  const d = n.data;
  switch (n.kind) {
    case 'spine':
    case 'leaf':
      return `node ${String(d.nodeId ?? '')} · ${String(d.tepIp ?? '')}`;
    case 'hypervisor':
      return String(d.description ?? '');
    case 'k8s-node':
      return `${String(d.ip ?? '')}${d.bareMetal === true ? ' · bare metal' : ''}`;
    case 'service':
      return `${String(d.type ?? '')} ${Array.isArray(d.clusterIPs) ? d.clusterIPs.join(',') : ''}`.trim();
    default:
      return String(d.ip ?? '');
  }
}

function parentOf(ix: GraphIndex, n: GraphNode, rep: ReadonlyMap<string, string>): string | null {
  if (n.kind === 'hypervisor') return [...neighbours(ix, n.id, ['link'], 'out')].sort()[0] ?? null;
  if (n.kind === 'k8s-node') {
    const hv = hypervisorOfNode(ix, n.id);
    if (hv && rep.has(hv)) return rep.get(hv)!;
    return [...leavesOfNode(ix, n.id)].sort()[0] ?? null;
  }
  return null;
}

function mergeEdges(ix: GraphIndex, edges: readonly GraphEdge[], rep: ReadonlyMap<string, string>): ViewEdge[] {
  const out = new Map<string, ViewEdge>();
  for (const e of edges) {
    const s = rep.get(e.source);
    const t = rep.get(e.target);
    if (!s || !t || s === t) continue;
    const exact = s === e.source && t === e.target;
    const id = exact ? e.id : `${e.kind}:${s}->${t}`;
    let v = out.get(id);
    if (!v) {
      v = { id, kind: e.kind, source: s, target: t, label: '', state: null, members: [], severity: null };
      out.set(id, v);
    }
    v.members.push(e.id);
    for (const p of ix.problemsOf.get(e.id) ?? []) v.severity = worse(v.severity, p.severity);
    if (e.kind === 'bgp') {
      const st = String(e.data.state ?? 'unknown');
      if (v.state === null || v.state === 'established') v.state = st;
    }
    if (e.kind === 'secondary-link' || e.kind === 'secondary-attachment') v.state = String(e.data.type ?? '');
    v.label = edgeLabel(e, v, ix);
  }
  return [...out.values()];
}

function edgeLabel(e: GraphEdge, v: ViewEdge, ix: GraphIndex): string {
  const n = v.members.length;
  switch (e.kind) {
    case 'link':
      return n === 1 ? `${String(e.data.remotePort ?? '?')}:${String(e.data.leafPort ?? '?')}` : `${n} links`;
    case 'bgp': {
      if (n === 1) return String(e.data.state ?? '');
      const up = v.members.filter((id) => ix.edge.get(id)?.data.state === 'established').length;
      return `${up}/${n} established`;
    }
    case 'secondary-link':
      return n === 1
        ? `${String(e.data.type ?? '')} ${String(e.data.nodePort ?? '')}:${String(e.data.leafPort ?? '')} vlan ${String(e.data.vlan ?? '')}`
        : `${n} ${String(e.data.type ?? '')}`;
    case 'secondary-attachment':
      return n === 1 ? `${String(e.data.type ?? '')} ${String(e.data.network ?? '')}` : `${n} ${String(e.data.type ?? '')}`;
    default:
      return n === 1 ? '' : String(n);
  }
}
