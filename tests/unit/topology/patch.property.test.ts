import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPatch, canonicalOrder, diff, isEmptyPatch } from '../../../lib/topology/patch';
import { GRAPH_FORMAT, type TopologyGraph } from '../../../lib/topology/graph';
import { graphOf } from './fixtures';

// Small id alphabets so two random graphs share many keys: additions, changes and removals all occur.
const id = fc.constantFrom('leaf:101', 'leaf:102', 'node:a', 'node:b', 'pod:x/y', 'service:x/s', 'hypervisor:h');
const data = fc.dictionary(
  fc.constantFrom('ip', 'mac', 'state', 'labels'),
  fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.boolean()),
  { maxKeys: 3 },
);
const kind = fc.constantFrom('leaf', 'k8s-node', 'pod', 'service', 'hypervisor', 'spine');
const node = fc.record({ id, kind, name: fc.string({ maxLength: 4 }), data });
const edge = fc.record({
  id: fc.constantFrom('e1', 'e2', 'e3', 'e4'),
  kind: fc.constantFrom('link', 'bgp', 'runs-on'),
  source: id,
  target: id,
  data,
});
const route = fc.record({
  leaf: fc.constantFrom('leaf:101', 'leaf:102'),
  prefix: fc.constantFrom('10.0.0.0/8', '0.0.0.0/0', '10.96.0.10/32'),
  nextHops: fc.array(
    fc.record({ ip: fc.constantFrom('10.1.1.1', '10.1.1.2'), node: fc.constantFrom(null, 'node:a'), tag: fc.constantFrom('64512', '1') }),
    { maxLength: 2 },
  ),
  kubernetes: fc.boolean(),
  services: fc.array(fc.constantFrom('service:x/s', 'service:x/t'), { maxLength: 2 }),
});
const problem = fc.record({
  severity: fc.constantFrom('error', 'warning', 'info'),
  code: fc.constantFrom('no-lldp-neighbour', 'asn-not-detected'),
  subject: id,
  message: fc.string({ maxLength: 6 }),
});
const graph: fc.Arbitrary<TopologyGraph> = fc
  .record({
    revision: fc.nat(1000),
    generatedAt: fc.constantFrom('2026-11-25T10:00:00Z', '2026-11-25T10:00:05Z'),
    cluster: fc.record({ asn: fc.constantFrom(null, 64512, 65000), asnSource: fc.constantFrom(null, 'calico', 'cilium') }),
    fabric: fc.record({ tenant: fc.constantFrom('k8s', 't2'), vrf: fc.constantFrom('vrf1') }),
    nodes: fc.uniqueArray(node, { selector: (n) => n.id, maxLength: 7 }),
    edges: fc.uniqueArray(edge, { selector: (e) => e.id, maxLength: 4 }),
    routes: fc.uniqueArray(route, { selector: (r) => `${r.leaf} ${r.prefix}`, maxLength: 6 }),
    problems: fc.uniqueArray(problem, { selector: (p) => `${p.code} ${p.subject}`, maxLength: 5 }),
  })
  // Through JSON: graphs are JSON documents (and fast-check builds null-prototype records).
  .map((g) => canonicalOrder(JSON.parse(JSON.stringify({ format: GRAPH_FORMAT, ...g })) as TopologyGraph));

describe('diff / applyPatch', () => {
  it('applyPatch(a, diff(a, b)) deep-equals b, ordering included', () => {
    fc.assert(
      fc.property(graph, graph, (a, b) => {
        const patch = diff(a, b);
        expect(applyPatch(a, patch)).toStrictEqual(b);
        // The patch is the wire payload: it must survive JSON.
        expect(applyPatch(a, JSON.parse(JSON.stringify(patch)))).toStrictEqual(b);
      }),
      { numRuns: 500 },
    );
  });

  it('a graph diffed with itself is empty; a real change lists exactly what changed', () => {
    fc.assert(fc.property(graph, (a) => isEmptyPatch(diff(a, a))));
    const a = graphOf('esxi-lldp');
    const b = structuredClone(a);
    b.edges = b.edges.map((e) => (e.kind === 'bgp' && e.data.state === 'idle' ? { ...e, data: { ...e.data, state: 'established' } } : e));
    b.problems = b.problems.filter((p) => p.code !== 'bgp-session-not-established');
    const p = diff(a, b);
    expect(p.edges.changed.map((e) => e.id)).toEqual(['bgp:node:worker-2->leaf:102#192.168.10.12']);
    expect(p.problems.removed).toEqual([['bgp-session-not-established', 'bgp:node:worker-2->leaf:102#192.168.10.12']]);
    expect([p.nodes.added, p.nodes.changed, p.nodes.removed, p.routes.added, p.edges.added]).toEqual([[], [], [], [], []]);
  });
});
