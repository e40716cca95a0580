import { describe, expect, it } from 'vitest';
import { createWorld, loadShippedScenario, scaleDeployment } from '../../lib/lab/model';
import {
  DEFAULT_VIEW,
  NODE_SIZE,
  WRAP_ABOVE,
  WRAP_COLUMNS,
  buildView,
  indexGraph,
  layoutCached,
  layoutKey,
  layoutView,
  renderSvg,
} from '../../lib/view';
import { demoGraph, graphOfWorld, syntheticGraph } from './view-fixtures';

const model = () => buildView(indexGraph(demoGraph()), DEFAULT_VIEW);

describe('tiered layout', () => {
  const m = model();
  const layout = layoutView(m);

  it('places every view node, tiers top to bottom: spines, leaves, hypervisors, nodes, pods', () => {
    expect(layout.size).toBe(m.nodes.length);
    const y = (kind: string) => Math.min(...m.nodes.filter((n) => n.kind === kind).map((n) => layout.get(n.id)!.y));
    expect(y('spine')).toBeLessThan(y('leaf'));
    expect(y('leaf')).toBeLessThan(y('hypervisor'));
    expect(y('hypervisor')).toBeLessThan(y('k8s-node'));
    expect(y('k8s-node')).toBeLessThan(y('pod'));
  });

  it('puts the leaves of each vPC pair side by side', () => {
    const leaves = m.nodes.filter((n) => n.kind === 'leaf').sort((a, b) => layout.get(a.id)!.x - layout.get(b.id)!.x);
    for (const leaf of leaves) {
      if (!leaf.vpcPeer) continue;
      const i = leaves.indexOf(leaf);
      expect([leaves[i - 1]?.id, leaves[i + 1]?.id]).toContain(leaf.vpcPeer);
    }
  });

  it('never overlaps two elements of the same row', () => {
    const boxes = [...layout.values()];
    for (const a of boxes)
      for (const b of boxes) if (a !== b && a.y === b.y) expect(a.x + a.width <= b.x || b.x + b.width <= a.x).toBe(true);
  });

  it('is deterministic: same graph, same positions, whatever the input order', () => {
    const shuffled = { ...m, nodes: [...m.nodes].reverse(), edges: [...m.edges].reverse() };
    expect([...layoutView(shuffled)].sort()).toEqual([...layout].sort());
  });

  it('moves little on a small change: scaling one deployment leaves the fabric and other nodes in place', () => {
    const world = createWorld(loadShippedScenario('demo'));
    const deployment = world.scenario.cluster.workloads.find((w) => w.kind === 'Deployment');
    expect(deployment).toBeDefined();
    const after = graphOfWorld(scaleDeployment(world, deployment!.namespace, deployment!.name, deployment!.replicas + 1));
    const m2 = buildView(indexGraph(after), DEFAULT_VIEW);
    const l2 = layoutView(m2);
    const fabric = m.nodes.filter((n) => n.kind === 'spine' || n.kind === 'leaf' || n.kind === 'hypervisor');
    const moved = fabric.filter((n) => Math.abs(layout.get(n.id)!.x - l2.get(n.id)!.x) > NODE_SIZE.width);
    expect(moved).toEqual([]);
    const pods = m.nodes.filter((n) => n.kind === 'pod' && l2.has(n.id));
    const stayed = pods.filter((n) => layout.get(n.id)!.x === l2.get(n.id)!.x && layout.get(n.id)!.y === l2.get(n.id)!.y);
    expect(stayed.length / pods.length).toBeGreaterThan(0.5);
  });

  it('reuses a cached layout when only data changes, and recomputes when structure changes', () => {
    const a = layoutCached(m);
    const relabelled = { ...m, nodes: m.nodes.map((n) => ({ ...n, sublabel: 'changed' })) };
    expect(layoutCached(relabelled)).toBe(a);
    const smaller = { ...m, nodes: m.nodes.slice(1) };
    expect(layoutKey(smaller)).not.toBe(layoutKey(m));
  });

  it('renders a standalone SVG with every element', () => {
    const svg = renderSvg(m, layout);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const n of m.nodes.slice(0, 20)) expect(svg).toContain(`data-id="${n.id}"`);
  });
});

describe('wrapping wide rows', () => {
  const rows = (nodes: number) => {
    const m = buildView(indexGraph(syntheticGraph({ nodes, hypervisors: 1, pods: 0 })), DEFAULT_VIEW);
    const l = layoutView(m);
    const ys = new Set(m.nodes.filter((n) => n.kind === 'k8s-node').map((n) => l.get(n.id)!.y));
    const boxes = [...l.values()];
    for (const a of boxes)
      for (const b of boxes)
        if (a !== b) expect(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(true);
    return ys.size;
  };
  it(`keeps up to WRAP_ABOVE (${WRAP_ABOVE}) VMs of one hypervisor in one row`, () => {
    expect(rows(WRAP_ABOVE)).toBe(1);
  });
  it(`wraps more than WRAP_ABOVE VMs into rows of WRAP_COLUMNS (${WRAP_COLUMNS}), without overlaps`, () => {
    expect(rows(WRAP_ABOVE + 1)).toBe(Math.ceil((WRAP_ABOVE + 1) / WRAP_COLUMNS));
  });
});
