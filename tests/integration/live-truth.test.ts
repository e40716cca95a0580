/**
 * An independent oracle for the live graph: the lab's ground truth (what the world says is cabled, peered and
 * routed: `lab.truth()`) against the graph a websocket client of the live service holds, for every shipped
 * scenario, before and after the world changes. live-invariant.test.ts holds the live graph to the batch graph
 * (the correlator against itself); this holds it to the world.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../lib/lab';
import { createWorld, groundTruth, loadShippedScenario, builtScenarioNames } from '../../lib/lab/model';
import type { TopologyGraph } from '../../lib/topology/graph';
import { serveRuntime, type ServedRuntime } from './live-served-support';
import { truthMismatches } from './roundtrip-support';
import { waitFor } from '../support/wait';

let lab: Lab | undefined;
let served: ServedRuntime | undefined;

afterEach(async () => {
  await served?.stop();
  await lab?.stop();
  served = lab = undefined;
});

/** Waits until the live graph agrees with the truth; on timeout the error lists the disagreements. */
async function agreesWithTruth(what: string): Promise<TopologyGraph> {
  const mismatches = () => {
    const graph = served!.client.getState().graph;
    return graph ? truthMismatches(graph, lab!.truth()) : ['no graph yet'];
  };
  await waitFor(mismatches, { until: (m) => m.length === 0, what, timeoutMs: 30_000 });
  return served!.client.getState().graph!;
}

describe('the live graph agrees with the lab ground truth', () => {
  for (const name of builtScenarioNames()) {
    // A scenario whose sessions never come up (a misconfigured one) has no session to drop: its title says so.
    const peered = groundTruth(createWorld(loadShippedScenario(name))).sessions.some((s) => s.state === 'established');
    it(`${name}: after the initial sync, and after a node fails${peered ? ' and a BGP session drops' : ''}`, async () => {
      lab = await startLab({ scenario: name, demo: false });
      served = await serveRuntime(lab, { coalesceMs: 50 });
      const before = await agreesWithTruth(`${name}: the first live graph to match the truth`);
      const truth = lab.truth();
      expect(truth.nodes.length).toBeGreaterThan(0);

      const node = truth.nodes.find((n) => n.ready)!;
      await lab.event({ kind: 'fail-node', node: node.name });
      const session = lab.truth().sessions.find((s) => s.state === 'established' && s.leaf !== null && s.node !== node.name);
      expect(session !== undefined).toBe(peered);
      if (session) await lab.event({ kind: 'session-down', leaf: session.leaf!, node: session.node });
      const after = lab.truth();
      expect(after.nodes.find((n) => n.name === node.name)?.ready).toBe(false);
      // The comparison is not vacuous: the graph from before the events disagrees with the new truth.
      expect(truthMismatches(before, after).length).toBeGreaterThan(0);
      await agreesWithTruth(`${name}: the live graph to follow the failed node${session ? ' and the dropped session' : ''}`);
    }, 90_000);
  }
});
