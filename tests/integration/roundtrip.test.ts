/**
 * The round trip that proves correlation right: for every shipped lab scenario, serve the world over real
 * sockets, capture it through the real APIC and Kubernetes clients, correlate, and compare with the world's
 * ground truth (each node's path, leaf ports and hypervisor; each BGP session and its state; each leaf's
 * routes and next hops).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  createWorld,
  failNode,
  loadShippedScenario,
  moveCable,
  setRackPeering,
  setSessionDown,
  builtScenarioNames,
  type LabWorld,
} from '../../lib/lab/model';
import { captureBundle } from '../../lib/live/server/capture';
import { correlate, parseBundleJson } from '../../lib/topology';
import { serveLab, truthMismatches, type ServedLab } from './roundtrip-support';

const labs: ServedLab[] = [];
afterEach(async () => {
  for (const lab of labs.splice(0)) await lab.stop();
});

/** Serves the scenario (or a mutated world of it), captures it through the real clients, and correlates. */
async function roundTrip(scenario: string, mutate?: (w: LabWorld) => LabWorld) {
  const served = await serveLab(scenario, mutate);
  labs.push(served);
  const { apic, kubeConfig } = served.connect();
  try {
    const { bundle, requests } = await captureBundle({ apic, kubeConfig, fabric: served.lab.fabric });
    // What `akb graph` reads back from the file is what was captured.
    const reread = parseBundleJson(JSON.stringify(bundle));
    return { bundle, requests, graph: correlate(reread), truth: served.lab.truth(), world: served.lab.world() };
  } finally {
    await apic.close();
  }
}

describe('capture → graph matches the lab ground truth', () => {
  for (const name of builtScenarioNames()) {
    it(`${name}`, async () => {
      const { graph, truth, bundle, world } = await roundTrip(name);
      expect(truthMismatches(graph, truth)).toEqual([]);
      // The cluster AS is read from the CNI's own configuration (a cluster peering with nothing has none), and every
      // route is recognised as the cluster's.
      const peered = world.scenario.cluster.cni.peers.length > 0;
      expect(graph.cluster.asn).toBe(peered ? world.scenario.cluster.cni.as : null);
      expect(graph.routes.filter((r) => !r.kubernetes)).toEqual([]);
      // Host routes of service IPs name their service.
      for (const svc of truth.services) {
        for (const ip of [...svc.externalIPs, ...(svc.loadBalancerIP ? [svc.loadBalancerIP] : [])]) {
          for (const r of graph.routes.filter((x) => x.prefix === `${ip}/32`))
            expect(r.services).toContain(`service:${svc.namespace}/${svc.name}`);
        }
      }
      // The comparison covered real content, not empty lists.
      expect(truth.nodes.length).toBeGreaterThan(0);
      expect(truth.sessions.length > 0).toBe(peered);
      expect(truth.routes.length > 0).toBe(peered);
      expect(graph.fabric).toEqual(bundle.fabric);
      expect(graph.problems.filter((p) => p.severity === 'error')).toEqual([]);
      // A capture is attached to bug reports: the BGP passwords of the scenario appear nowhere in it.
      const text = JSON.stringify(bundle);
      for (const secret of [world.scenario.l3out.password, ...world.scenario.cluster.cni.peers.map((p) => p.password)]) {
        if (secret) expect(text).not.toContain(secret);
      }
    });
  }

  it('a broken world (failed node, session shut, password mismatch, moved cable) round-trips too, and the check notices the change', async () => {
    const base = createWorld(loadShippedScenario('demo'));
    const host = base.scenario.hosts.find((h) => h.kind === 'esxi' && h.links.some((l) => l.kind === 'single'))!;
    const index = host.links.findIndex((l) => l.kind === 'single');
    const link = host.links[index]!;
    const moved = { ...link, ports: link.ports.map((p) => p.replace(/\d+$/, (n) => String(Number(n) + 20))) };
    const worker = base.nodes.find((n) => n.name.startsWith('worker') && n.rack === 1)!;
    const anchor = base.scenario.l3out.anchors.find((a) => a.rack === 1)!;
    const other = base.nodes.find((n) => n.name.startsWith('worker') && n.rack === 1 && n.name !== worker.name)!;
    const breakIt = (w: LabWorld): LabWorld => {
      let broken = failNode(w, worker.name);
      broken = setSessionDown(broken, anchor.leaf, other.name, true);
      broken = setRackPeering(broken, 2, { password: 'wrong-on-purpose' });
      return moveCable(broken, host.name, index, moved);
    };

    const { graph, truth } = await roundTrip('demo', breakIt);
    expect(new Set(truth.sessions.map((s) => s.state))).toEqual(new Set(['established', 'idle', 'active']));
    expect(truth.nodes.find((n) => n.name === worker.name)?.ready).toBe(false);
    expect(truthMismatches(graph, truth)).toEqual([]);

    // The unbroken world's graph disagrees with the broken truth: the comparison is not vacuous.
    const before = await roundTrip('demo');
    const mismatches = truthMismatches(before.graph, truth);
    expect(mismatches.some((m) => m.startsWith('session '))).toBe(true);
    expect(mismatches.some((m) => m.includes('leaf ports'))).toBe(true);
    expect(mismatches.some((m) => m.startsWith('route '))).toBe(true);
  });
});
