import { describe, expect, it } from 'vitest';
import { createWorld, loadShippedScenario, scaleDeployment, setSessionDown, type LabWorld } from '../../lib/lab/model';
import { churnSignals, diffPathSets, pathSets, rehashShare, REHASH_MODEL } from '../../lib/topology/ecmp';
import { labBundle } from './ecmp-support';

const demo = createWorld(await loadShippedScenario('demo'));
const FRONTEND_LB = '192.168.39.1/32';
const readyNodes = (w: LabWorld) => new Set(w.pods.filter((p) => p.workload === 'shop/frontend' && p.ready).map((p) => p.node));

function churn(before: LabWorld, after: LabWorld) {
  const a = labBundle(before);
  const b = labBundle(after);
  return diffPathSets(
    pathSets(a.graph),
    pathSets(b.graph),
    churnSignals(a.bundle, a.graph),
    churnSignals(b.bundle, b.graph),
    '2026-11-25T06:00:01.000Z',
  );
}

describe('churn between two graphs', () => {
  it('nothing changed: no events', () => {
    expect(churn(demo, demo)).toEqual([]);
  });

  it('scale-up onto a new node: one event per leaf with the rehash estimate and endpoint-added cause', () => {
    const before = scaleDeployment(demo, 'shop', 'frontend', 3);
    let after = before;
    for (let n = 4; readyNodes(after).size === readyNodes(before).size; n++) after = scaleDeployment(before, 'shop', 'frontend', n);
    const fresh = [...readyNodes(after)].filter((n) => !readyNodes(before).has(n));
    expect(fresh.length).toBe(1);
    const events = churn(before, after).filter((e) => e.prefix === FRONTEND_LB);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(e.model).toBe(REHASH_MODEL);
      expect(e.movedShare).toBe(rehashShare(e.before, e.after));
      expect(e.added.length).toBeGreaterThan(0);
      expect(
        e.causes
          .filter((c) => c.kind === 'endpoint-added')
          .map((c) => (c.kind === 'endpoint-added' ? c.node : ''))
          .every((n) => fresh.includes(n.slice(5))),
      ).toBe(true);
      expect(e.causes.some((c) => c.kind === 'endpoint-added')).toBe(true);
    }
  });

  it('a session taken down: the route on that leaf loses the node, cause session-state-change', () => {
    const node = [...readyNodes(demo)][0]!;
    const leaf = demo.scenario.l3out.anchors.find((a) => a.rack === demo.nodes.find((n) => n.name === node)!.rack)!.leaf;
    const events = churn(demo, setSessionDown(demo, leaf, node, true)).filter((e) => e.prefix === FRONTEND_LB);
    expect(events.map((e) => e.leaf)).toEqual([`leaf:${leaf}`]);
    const e = events[0]!;
    expect(e.after.length).toBe(e.before.length - 1);
    expect(e.causes).toEqual([{ kind: 'session-state-change', node: `node:${node}`, from: 'established', to: expect.any(String) }]);
    expect(e.movedShare).toBeGreaterThanOrEqual(1 / e.before.length);
  });
});

describe('churn causes for fabric next hops', () => {
  it('a leaf that loses its last node path and learns the prefix through anchors says so', () => {
    const keep = demo.pods.find((p) => p.workload === 'shop/frontend' && p.ready)!;
    const rack = demo.nodes.find((n) => n.name === keep.node)!.rack;
    const after = scaleDeployment(demo, 'shop', 'frontend', 1);
    const survivor = [...readyNodes(after)][0]!;
    const otherRack = demo.scenario.l3out.anchors.find((a) => a.rack !== demo.nodes.find((n) => n.name === survivor)!.rack)!;
    expect(rack).toBeGreaterThan(0);
    const e = churn(demo, after).find((x) => x.prefix === FRONTEND_LB && x.leaf === `leaf:${otherRack.leaf}`)!;
    expect(e.causes.some((c) => c.kind === 'via-fabric')).toBe(true);
    expect(e.causes.some((c) => c.kind === 'unknown')).toBe(false);
  });
});
