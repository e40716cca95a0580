import { describe, expect, it } from 'vitest';
import { createWorld, loadShippedScenario, setSessionDown, type LabWorld } from '../../lab/model';
import { labBundle } from '../../../tests/unit/ecmp-support';
import { EcmpHistory } from './ecmp-history';

const demo = createWorld(await loadShippedScenario('demo'));
const frontendNode = demo.pods.find((p) => p.workload === 'shop/frontend' && p.ready)!.node;
const rack = demo.nodes.find((n) => n.name === frontendNode)!.rack;
const leafId = demo.scenario.l3out.anchors.find((a) => a.rack === rack)!.leaf;
const down = setSessionDown(demo, leafId, frontendNode, true);
const t = (s: number) => new Date(Date.UTC(2026, 10, 25, 6, 0, s));

function feed(h: EcmpHistory, worlds: LabWorld[]) {
  return worlds.map((w, i) => {
    const { bundle, graph } = labBundle(w);
    return h.record(graph, bundle, t(i));
  });
}

describe('EcmpHistory', () => {
  it('takes the first snapshot as the baseline, then records changes per (leaf, prefix)', () => {
    const h = new EcmpHistory();
    const [first, second, third] = feed(h, [demo, down, demo]);
    expect(first).toEqual([]);
    expect(second!.length).toBeGreaterThan(0);
    expect(second!.every((e) => e.leaf === `leaf:${leafId}`)).toBe(true);
    expect(third!.length).toBe(second!.length);
    const prefix = second![0]!.prefix;
    const history = h.pathHistory(`leaf:${leafId}`, prefix);
    expect(history.map((x) => x.at)).toEqual([t(1).toISOString(), t(2).toISOString()]);
    expect(history[1]!.hops).toEqual(second![0]!.before);
    expect(h.events({ prefix, since: t(2).toISOString() }).length).toBe(1);
  });

  it('counts flaps of a session within a window', () => {
    const h = new EcmpHistory();
    feed(h, [demo, down, demo, down, demo]);
    const key = `node:${frontendNode}|leaf:${leafId}`;
    expect(h.flapCounts(t(0).toISOString()).get(key)).toBe(2);
    expect(h.flapCounts(t(2).toISOString()).get(key)).toBe(1);
    expect(
      h
        .sessionTransitions()
        .filter((x) => x.node === `node:${frontendNode}`)
        .map((x) => x.to === 'established'),
    ).toEqual([false, true, false, true]);
  });

  it('keeps at most maxEventsPerKey events per (leaf, prefix)', () => {
    const h = new EcmpHistory({ maxEventsPerKey: 2, maxTransitionsPerSession: 1 });
    const rounds = feed(h, [demo, down, demo, down, demo]);
    const keys = new Set(h.events().map((e) => `${e.leaf}|${e.prefix}`));
    expect(keys.size).toBe(rounds[1]!.length);
    for (const k of keys)
      expect(
        h
          .events()
          .filter((e) => `${e.leaf}|${e.prefix}` === k)
          .map((e) => e.at),
      ).toEqual([t(3).toISOString(), t(4).toISOString()]);
    expect(h.sessionTransitions().length).toBe(1);
    expect(h.events({ limit: 1 }).length).toBe(1);
  });

  it('keeps at most maxKeys (leaf, prefix) keys, dropping the least recently changed', () => {
    const h = new EcmpHistory({ maxKeys: 2 });
    const rounds = feed(h, [demo, down]);
    expect(rounds[1]!.length).toBeGreaterThan(2);
    const kept = h.events().map((e) => `${e.leaf}|${e.prefix}`);
    expect(kept).toEqual(rounds[1]!.slice(-2).map((e) => `${e.leaf}|${e.prefix}`));
  });
});

describe('EcmpHistory baseline', () => {
  it('a snapshot with no routes and no sessions (the APIC not read yet) is not a baseline', () => {
    const h = new EcmpHistory();
    const { bundle, graph } = labBundle(demo);
    expect(h.record({ ...graph, routes: [], edges: graph.edges.filter((e) => e.kind !== 'bgp') }, bundle, t(0))).toEqual([]);
    expect(h.record(graph, bundle, t(1))).toEqual([]);
    expect(h.sessionTransitions()).toEqual([]);
  });
});
