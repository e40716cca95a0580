import { afterEach, describe, expect, it } from 'vitest';
import { classQuery, type ApicEvent } from '../../lib/aci';
import { ApicTree } from '../../lib/lab/apic';
import { KubeStore, type StoreEvent } from '../../lib/lab/k8s';
import {
  createWorld,
  deriveApic,
  deriveKubernetes,
  failNode,
  generateScenario,
  loadShippedScenario,
  setSessionDown,
} from '../../lib/lab/model';
import { ApicSync, KubeSync } from '../../lib/lab/sync';
import { apicClientOf, cleanup, startTestLab } from './lab-runtime-support';
import { waitFor } from '../support/wait';

afterEach(cleanup);

describe('world sync', () => {
  it('writes only what changed: a re-sync of the same world is silent, one change is one small batch', () => {
    const store = new KubeStore();
    const tree = new ApicTree();
    const ks = new KubeSync(store);
    const as = new ApicSync(tree);
    let world = createWorld(loadShippedScenario('demo'));
    const first = ks.apply(deriveKubernetes(world));
    expect(first.created).toBeGreaterThan(100);
    expect(as.apply(deriveApic(world)).upserted).toBe(tree.size);

    const k8sEvents: StoreEvent[] = [];
    store.subscribe((e) => k8sEvents.push(e));
    let batches = 0;
    tree.onChange(() => batches++);
    expect(ks.apply(deriveKubernetes(world))).toEqual({ created: 0, updated: 0, deleted: 0 });
    expect(as.apply(deriveApic(world))).toEqual({ upserted: 0, deleted: 0 });
    expect(k8sEvents).toEqual([]);
    expect(batches).toBe(0);

    world = setSessionDown(world, 101, 'master-1', true);
    expect(ks.apply(deriveKubernetes(world))).toEqual({ created: 0, updated: 0, deleted: 0 });
    const changed = as.apply(deriveApic(world));
    expect(batches).toBe(1);
    expect(changed.upserted + changed.deleted).toBeGreaterThan(0);
    expect(changed.upserted + changed.deleted).toBeLessThan(60);
  });

  it('leaves objects created by users alone: a Node and an APIC MO survive the next sync', async () => {
    const lab = await startTestLab();
    lab.k8s.store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'byo-node' } });
    lab.apic[0]!.tree.upsert('uni/tn-user', 'fvTenant', { name: 'user' });
    await lab.event({ kind: 'fail-node', node: 'worker-3' });
    lab.setWorld(failNode(lab.world(), 'worker-4'));
    expect(lab.k8s.store.tryGet('nodes', 'byo-node')).toBeDefined();
    expect(lab.apic[0]!.tree.get('uni/tn-user')).toBeDefined();
  });

  it('an APIC subscription sees exactly the sync batch, and no event for an unchanged re-sync', async () => {
    const lab = await startTestLab();
    const client = apicClientOf(lab);
    const events: ApicEvent[] = [];
    await client.subscribe(classQuery('bgpPeerEntry'), {
      onEvent: (e) => events.push(e),
      onResync: () => undefined,
      onError: () => undefined,
    });
    lab.setWorld(lab.world());
    const r = lab.setWorld(setSessionDown(lab.world(), 102, 'worker-1', true));
    expect(r.apic.upserted).toBeGreaterThan(0);
    await waitFor(() => events.some((e) => e.dn.includes('/node-102/') && e.type === 'modified'), { what: 'the session change' });
    expect(new Set(events.map((e) => e.dn)).size).toBe(1);
  });

  it('is bearable for a generated 200-node scenario', () => {
    const world = createWorld(generateScenario({ leaves: 8, nodes: 200, pods: 2000, services: 40, seed: 7 }));
    const ks = new KubeSync(new KubeStore());
    const as = new ApicSync(new ApicTree());
    ks.apply(deriveKubernetes(world));
    as.apply(deriveApic(world));
    const next = failNode(world, world.nodes[5]!.name);
    const started = Date.now();
    const k = ks.apply(deriveKubernetes(next));
    const a = as.apply(deriveApic(next));
    const ms = Date.now() - started;
    expect(k.deleted).toBeGreaterThan(0);
    expect(a.deleted).toBeGreaterThan(0);
    // Generous for a loaded 2-core machine; typically ~200 ms.
    expect(ms).toBeLessThan(5_000);
  }, 30_000);
});
