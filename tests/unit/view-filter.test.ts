import { describe, expect, it } from 'vitest';
import { createWorld, loadShippedScenario } from '../../lib/lab/model';
import { DEFAULT_VIEW, EMPTY_FILTERS, buildView, filterChoices, indexGraph, type ViewFilters } from '../../lib/view';
import { demoGraph, graphOfWorld } from './view-fixtures';

const ix = indexGraph(demoGraph());
const withFilters = (f: Partial<ViewFilters>) => buildView(ix, { ...DEFAULT_VIEW, filters: { ...EMPTY_FILTERS, ...f } });

describe('filters', () => {
  it('namespace: only that namespace’s pods, the fabric and hosts stay', () => {
    const m = withFilters({ namespaces: ['kube-system'] });
    const pods = m.nodes.filter((n) => n.kind === 'pod');
    expect(pods.length).toBeGreaterThan(0);
    expect(pods.every((p) => p.id.startsWith('pod:kube-system/'))).toBe(true);
    expect(pods).toHaveLength(demoGraph().nodes.filter((n) => n.kind === 'pod' && n.data.namespace === 'kube-system').length);
    expect(m.nodes.filter((n) => n.kind === 'leaf')).toHaveLength(4);
  });

  it('labels: key=value and bare keys must all match', () => {
    const control = withFilters({ labels: ['node-role.kubernetes.io/control-plane'] });
    const expected = demoGraph()
      .nodes.filter((n) => n.kind === 'k8s-node' && 'node-role.kubernetes.io/control-plane' in (n.data.labels as object))
      .map((n) => n.id);
    expect(
      control.nodes
        .filter((n) => n.kind === 'k8s-node')
        .map((n) => n.id)
        .sort(),
    ).toEqual(expected.sort());
    expect(withFilters({ labels: ['rack_id=2', 'rack_id=1'] }).nodes.filter((n) => n.kind === 'k8s-node')).toHaveLength(0);
  });

  it('kind: only the kinds asked for', () => {
    const m = withFilters({ kinds: ['leaf', 'k8s-node'] });
    expect(new Set(m.nodes.map((n) => n.kind))).toEqual(new Set(['leaf', 'k8s-node']));
    expect(m.edges.every((e) => e.kind === 'bgp' || e.kind === 'link' || e.kind === 'secondary-link')).toBe(true);
  });

  it('BGP state: only sessions in that state are drawn', () => {
    const states = filterChoices(demoGraph().nodes, demoGraph().edges).bgpStates;
    expect(states).toContain('established');
    const m = withFilters({ bgpStates: ['idle'] });
    expect(m.edges.filter((e) => e.kind === 'bgp').every((e) => e.state === 'idle')).toBe(true);
    expect(withFilters({ bgpStates: ['established'] }).edges.filter((e) => e.kind === 'bgp')).toHaveLength(
      demoGraph().edges.filter((e) => e.kind === 'bgp' && e.data.state === 'established').length,
    );
  });

  it('secondary networks: links labelled by type and filtered by type', () => {
    const g = graphOfWorld(createWorld(loadShippedScenario('secondary')));
    const six = indexGraph(g);
    const types = filterChoices(g.nodes, g.edges).secondary;
    expect(types.length).toBeGreaterThan(0);
    const all = buildView(six, DEFAULT_VIEW);
    const secondary = all.edges.filter((e) => e.kind === 'secondary-link');
    expect(secondary.length).toBeGreaterThan(0);
    for (const e of secondary) expect(e.label.startsWith(e.state!)).toBe(true);
    const one = types[0]!;
    const filtered = buildView(six, { ...DEFAULT_VIEW, filters: { ...EMPTY_FILTERS, secondary: [one] } });
    expect(filtered.edges.filter((e) => e.kind.startsWith('secondary')).every((e) => e.state === one)).toBe(true);
  });
});
