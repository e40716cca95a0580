import { describe, expect, it } from 'vitest';
import { startLab } from '../../lib/lab';
import { generateScenario } from '../../lib/lab/model';
import { loadServiceConfig } from '../../lib/live/server/config';
import { startRuntime } from '../../lib/live/server/runtime';
import { silentLogger } from '../../lib/logging';

async function initialSync(nodes: number) {
  const lab = await startLab({ scenario: generateScenario({ leaves: 4, nodes, pods: nodes * 3, services: 10, seed: 11 }) });
  const runtime = await startRuntime(loadServiceConfig({}, {}), silentLogger, {}, { lab });
  try {
    const deadline = Date.now() + 60_000;
    while (!runtime.service.ready()) {
      if (Date.now() > deadline) throw new Error('initial sync did not complete');
      await new Promise((r) => setTimeout(r, 50));
    }
    const graph = runtime.service.graph()!;
    return { counts: runtime.apic!.counts, k8sNodes: graph.nodes.filter((n) => n.kind === 'k8s-node').length };
  } finally {
    await runtime.stop();
    await lab.stop();
  }
}

describe('initial sync cost', () => {
  it('issues the same APIC requests for a 10-node and a 500-node cluster', async () => {
    const small = await initialSync(10);
    const large = await initialSync(500);
    expect(small.k8sNodes).toBe(10);
    expect(large.k8sNodes).toBe(500);
    expect(large.counts).toEqual(small.counts);
    // One login and one subscription per class: nothing per node.
    expect(small.counts.login).toBe(1);
    expect(small.counts.subscribe).toBeGreaterThan(10);
  }, 120_000);
});
