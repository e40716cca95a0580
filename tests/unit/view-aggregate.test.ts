import { describe, expect, it } from 'vitest';
import type { TopologyGraph } from '../../lib/topology/graph';
import { DEFAULT_VIEW, POD_BADGES_ABOVE, TIER_GROUP_ABOVE, buildView, indexGraph } from '../../lib/view';
import { demoGraph, syntheticGraph as synthetic } from './view-fixtures';

const view = (g: TopologyGraph, expanded: string[] = []) => buildView(indexGraph(g), { ...DEFAULT_VIEW, expanded });

describe('pod badges', () => {
  it(`draws every pod at exactly POD_BADGES_ABOVE (${POD_BADGES_ABOVE}) pods`, () => {
    const m = view(synthetic({ nodes: 10, hypervisors: 2, pods: POD_BADGES_ABOVE }));
    expect(m.collapsedPods).toBe(false);
    expect(m.nodes.filter((n) => n.kind === 'pod')).toHaveLength(POD_BADGES_ABOVE);
  });

  it('collapses pods into one badge per node with counts by namespace and status one pod above', () => {
    const m = view(synthetic({ nodes: 10, hypervisors: 2, pods: POD_BADGES_ABOVE + 1 }));
    expect(m.collapsedPods).toBe(true);
    const badges = m.nodes.filter((n) => n.kind === 'pod-badge');
    expect(badges).toHaveLength(10);
    expect(badges.reduce((a, b) => a + b.pods!.total, 0)).toBe(POD_BADGES_ABOVE + 1);
    const first = badges.find((b) => b.parent === 'node:w-0')!;
    expect(Object.values(first.pods!.byNamespace).reduce((a, b) => a + b, 0)).toBe(first.pods!.total);
    expect(first.pods!.byStatus['no-ip']).toBeGreaterThan(0);
    expect(m.edges.some((e) => e.source === first.id && e.target === 'node:w-0')).toBe(true);
  });

  it('expands one node badge on request and keeps the others collapsed', () => {
    const m = view(synthetic({ nodes: 10, hypervisors: 2, pods: 400 }), ['node:w-3']);
    expect(m.nodes.filter((n) => n.kind === 'pod' && n.parent === 'node:w-3')).toHaveLength(40);
    expect(m.nodes.filter((n) => n.kind === 'pod-badge')).toHaveLength(9);
  });
});

describe('tier groups', () => {
  it(`draws every node at exactly TIER_GROUP_ABOVE (${TIER_GROUP_ABOVE}) nodes`, () => {
    const m = view(synthetic({ nodes: TIER_GROUP_ABOVE, hypervisors: 4, pods: 0 }));
    expect(m.groupedTiers).toEqual([]);
    expect(m.nodes.filter((n) => n.kind === 'k8s-node')).toHaveLength(TIER_GROUP_ABOVE);
  });

  it('groups the node tier per rack one node above, and badges count the grouped nodes’ pods', () => {
    const m = view(synthetic({ nodes: TIER_GROUP_ABOVE + 1, hypervisors: 4, pods: 50 }));
    expect(m.groupedTiers).toEqual(['k8s-node']);
    const groups = m.nodes.filter((n) => n.kind === 'group');
    expect(groups).toHaveLength(1);
    expect(groups[0]!.members).toHaveLength(TIER_GROUP_ABOVE + 1);
    expect(groups[0]!.pods!.total).toBe(50);
  });

  it('groups hypervisors above the threshold and opens a group on request', () => {
    const g = synthetic({ nodes: 10, hypervisors: TIER_GROUP_ABOVE + 1, pods: 0 });
    const closed = view(g);
    expect(closed.groupedTiers).toEqual(['hypervisor']);
    const groupId = closed.nodes.find((n) => n.kind === 'group')!.id;
    expect(view(g, [groupId]).nodes.filter((n) => n.kind === 'hypervisor')).toHaveLength(TIER_GROUP_ABOVE + 1);
  });
});

describe('edges in the view', () => {
  const m = view(demoGraph());
  it('labels physical links remotePort:leafPort', () => {
    const link = demoGraph().edges.find((e) => e.kind === 'link')!;
    expect(m.edges.find((e) => e.id === link.id)!.label).toBe(`${String(link.data.remotePort)}:${String(link.data.leafPort)}`);
  });
  it('carries the BGP state of each session', () => {
    for (const e of demoGraph().edges.filter((x) => x.kind === 'bgp')) expect(m.edges.find((v) => v.id === e.id)!.state).toBe(e.data.state);
  });
  it('marks anchor leaves and vPC peers', () => {
    const leaf = m.nodes.find((n) => n.id === 'leaf:101')!;
    expect(leaf.anchor).toBe(true);
    expect(leaf.vpcPeer).toBe('leaf:102');
  });
});
