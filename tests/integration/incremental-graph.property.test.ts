/**
 * The incremental graph equals the batch correlator, always. Random sequences of lab events of every kind are
 * played against lab worlds of every shipped scenario; the changes the lab's own servers record (its Kubernetes
 * store and APIC tree, the streams the live sources watch) are fed to the incremental graph, and after every step
 * its graph equals `correlate` of the same inputs, and the patches it produced, applied in order to the first graph,
 * equal it too.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../lib/lab';
import { LAB_EVENT_KINDS, LabEventError, type LabEventInput } from '../../lib/lab/events';
import { builtScenarioNames } from '../../lib/lab/model';
import { CLUSTER_RESOURCES } from '../../lib/k8s/resources';
import { objectKey } from '../../lib/k8s/snapshot';
import { ApicObjects } from '../../lib/live/server/apic-objects';
import { liveApicQueries } from '../../lib/live/server/apic-source';
import { correlate } from '../../lib/topology/correlate';
import { IncrementalGraph } from '../../lib/topology/incremental';
import { patchOf } from '../../lib/topology/incremental/patch';
import { applyPatch } from '../../lib/topology/patch';
import { BUNDLE_FORMAT, type Bundle } from '../../lib/topology/bundle-types';
import type { KubeObject } from '../../lib/k8s/models/object';
import type { TopologyGraph } from '../../lib/topology/graph';
import type { LabWorld } from '../../lib/lab/model';

const K8S_KEYS = new Set(CLUSTER_RESOURCES.map((r) => r.key));
/** The classes the live APIC source subscribes to (children included). */
const APIC_CLASSES = new Set(liveApicQueries({ tenant: 'any', vrf: 'any' }).map((q) => q.className));
const AT = '2026-12-01T00:00:00.000Z';

/** The live side of one lab: what its servers hold, as the sources see it, and the incremental graph fed from it. */
class Feed {
  readonly apic = new ApicObjects();
  readonly k8s = new Map<string, Map<string, KubeObject>>();
  readonly graph: IncrementalGraph;
  private readonly stops: (() => void)[] = [];

  constructor(readonly lab: Lab) {
    this.graph = new IncrementalGraph(lab.fabric);
    const tree = lab.apic[0]!.tree;
    for (const cls of APIC_CLASSES) for (const mo of tree.byClass(cls)) this.putApic(cls, mo.dn, mo.attrs);
    for (const key of K8S_KEYS) {
      let def;
      try {
        def = lab.k8s.store.resource(key);
      } catch {
        continue;
      }
      for (const o of lab.k8s.store.list(def).items) this.putK8s(key, o, false);
    }
    this.stops.push(
      tree.onChange((changes) => {
        for (const c of changes)
          if (APIC_CLASSES.has(c.mo.className)) this.putApic(c.mo.className, c.mo.dn, c.kind === 'deleted' ? null : c.mo.attrs);
      }),
    );
    this.stops.push(
      lab.k8s.store.subscribe((e) => K8S_KEYS.has(e.resource.plural) && this.putK8s(e.resource.plural, e.object, e.type === 'DELETED')),
    );
  }

  private putApic(cls: string, dn: string, attrs: Readonly<Record<string, string>> | null): void {
    for (const c of this.apic.put(cls, dn, attrs ? { ...attrs, dn } : null)) this.graph.apply({ source: 'apic', ...c });
  }

  private putK8s(resource: string, object: KubeObject, deleted: boolean): void {
    let m = this.k8s.get(resource);
    if (!m) this.k8s.set(resource, (m = new Map()));
    const key = objectKey(object);
    if (deleted) m.delete(key);
    else m.set(key, structuredClone(object));
    this.graph.apply({ source: 'k8s', resource, key, object: deleted ? null : structuredClone(object) });
  }

  bundle(): Bundle {
    const k8s: Record<string, KubeObject[]> = {};
    for (const [key, m] of this.k8s) k8s[key] = [...m.values()];
    return { format: BUNDLE_FORMAT, capturedAt: AT, fabric: this.lab.fabric, apic: this.apic.bundleSection(), k8s };
  }

  stop(): void {
    for (const s of this.stops) s();
  }
}

const text = (g: TopologyGraph) => {
  const { revision: _r, generatedAt: _g, ...rest } = g;
  return JSON.stringify(rest);
};

/** The first differing items, for a readable failure. */
function differences(a: TopologyGraph, b: TopologyGraph): string[] {
  const out: string[] = [];
  const cmp = (what: string, x: unknown[], y: unknown[], key: (v: never) => string) => {
    const l = new Map(x.map((v) => [key(v as never), JSON.stringify(v)]));
    const r = new Map(y.map((v) => [key(v as never), JSON.stringify(v)]));
    for (const [k, v] of r) if (l.get(k) !== v) out.push(`${what} ${k}: incremental ${l.get(k) ?? 'missing'} / batch ${v}`);
    for (const k of l.keys()) if (!r.has(k)) out.push(`${what} ${k}: only incremental`);
  };
  cmp('node', a.nodes, b.nodes, (n: { id: string }) => n.id);
  cmp('edge', a.edges, b.edges, (e: { id: string }) => e.id);
  cmp('route', a.routes, b.routes, (r: { leaf: string; prefix: string }) => `${r.leaf} ${r.prefix}`);
  cmp('problem', a.problems, b.problems, (p: { code: string; subject: string }) => `${p.code} ${p.subject}`);
  if (JSON.stringify(a.cluster) !== JSON.stringify(b.cluster))
    out.push(`cluster ${JSON.stringify(a.cluster)} / ${JSON.stringify(b.cluster)}`);
  return out.slice(0, 8);
}

interface Step {
  kind: (typeof LAB_EVENT_KINDS)[number];
  a: number;
  b: number;
  c: number;
  flag: boolean;
  /** Settle after this event (otherwise the next events pile up first, as a storm's would). */
  settle: boolean;
}

const pick = <T>(xs: readonly T[], i: number): T | undefined => xs[i % Math.max(1, xs.length)];

/** A lab event of `step.kind` aimed at something the world has (names, leaves, racks chosen by the numbers). */
function concretise(w: LabWorld, s: Step): LabEventInput | null {
  const sc = w.scenario;
  const node = pick(w.nodes, s.a)?.name;
  const leaves = sc.fabric.leaves.map((l) => l.id);
  const racks = [...new Set(sc.cluster.cni.peers.map((p) => p.rack))];
  switch (s.kind) {
    case 'scale-deployment': {
      const d = pick(
        sc.cluster.workloads.filter((x) => x.kind === 'Deployment'),
        s.a,
      );
      return d ? { kind: s.kind, namespace: d.namespace, name: d.name, replicas: s.b % 6 } : null;
    }
    case 'kill-pod': {
      const p = pick(w.pods, s.a);
      return p ? { kind: s.kind, namespace: p.namespace, name: p.name } : null;
    }
    case 'drain-node':
    case 'uncordon-node':
    case 'fail-node':
    case 'recover-node':
      return node ? { kind: s.kind, node } : null;
    case 'session-down':
    case 'session-up':
      return node ? { kind: s.kind, node, leaf: pick(leaves, s.b)! } : null;
    case 'misconfigure-session':
      return racks.length ? { kind: s.kind, rack: pick(racks, s.b)!, what: s.flag ? 'as' : 'password' } : null;
    case 'fix-session':
      return racks.length ? { kind: s.kind, rack: pick(racks, s.b)! } : null;
    case 'move-cable': {
      const host = pick(sc.hosts, s.a);
      const leaf = pick(leaves, s.b)!;
      const pair = sc.fabric.vpcPairs.find((p) => p.includes(leaf));
      const port = `eth1/${30 + (s.c % 15)}`;
      if (!host) return null;
      return s.flag && pair
        ? { kind: s.kind, host: host.name, link: 0, leaves: [pair[0], pair[1]], ports: [port, port], linkKind: 'vpc' }
        : { kind: s.kind, host: host.name, link: 0, leaves: [leaf], ports: [port] };
    }
    case 'add-leaf': {
      const id = 300 + (s.a % 50);
      return leaves.includes(id) ? null : { kind: s.kind, id, name: `leaf-${id}`, ...(s.flag ? { rack: pick(racks, s.b) ?? 1 } : {}) };
    }
    case 'set-traffic-policy': {
      const svc = pick(
        sc.cluster.services.filter((x) => x.type === 'NodePort' || x.type === 'LoadBalancer'),
        s.a,
      );
      return svc ? { kind: s.kind, namespace: svc.namespace, name: svc.name, policy: s.flag ? 'Local' : 'Cluster' } : null;
    }
    case 'set-node-network':
      // Off the L3Out's VLAN and back: the node's sessions drop and return.
      return node ? { kind: s.kind, node, vlan: s.flag ? sc.l3out.vlan + 1 : sc.l3out.vlan } : null;
  }
}

const step: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom(...LAB_EVENT_KINDS),
  a: fc.nat(),
  b: fc.nat(),
  c: fc.nat(),
  flag: fc.boolean(),
  settle: fc.boolean(),
});

const labs: Lab[] = [];
afterAll(async () => {
  for (const lab of labs) await lab.stop();
});

/** Lets the lab's controllers (which react on the next macrotask) finish what an event started. */
const macrotasks = async (n = 3) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('incremental graph', () => {
  it('equals correlate of the same inputs after every step of random lab event sequences, in every scenario', async () => {
    let kinds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...builtScenarioNames()),
        fc.array(step, { minLength: 1, maxLength: 12 }),
        async (scenario, steps) => {
          const lab = await startLab({ scenario, k8s: { tls: false }, apic: { http: true } });
          labs.push(lab);
          const feed = new Feed(lab);
          try {
            feed.graph.settle();
            let published = feed.graph.graph(0, AT);
            feed.graph.takeChanges();
            const check = (when: string) => {
              const live = feed.graph.graph(0, AT);
              const batch = correlate(feed.bundle());
              if (text(live) !== text(batch)) throw new Error(`${scenario}, ${when}:\n${differences(live, batch).join('\n')}`);
              const patch = patchOf(feed.graph.takeChanges(), published.revision, published.revision + 1, AT);
              const patched = applyPatch(published, patch);
              if (text(patched) !== text(live))
                throw new Error(`${scenario}, ${when}: patches do not compose:\n${differences(patched, live).join('\n')}`);
              published = patched;
            };
            check('initial load');
            for (const [i, s] of steps.entries()) {
              const ev = concretise(lab.world(), s);
              if (ev) {
                try {
                  await lab.event(ev);
                  kinds.add(ev.kind);
                } catch (err) {
                  if (!(err instanceof LabEventError)) throw err;
                }
              }
              await macrotasks();
              if (s.settle || i === steps.length - 1) {
                feed.graph.settle();
                check(`after step ${i} (${JSON.stringify(ev)})`);
              }
            }
          } finally {
            feed.stop();
            labs.splice(labs.indexOf(lab), 1);
            await lab.stop();
          }
        },
      ),
      { numRuns: Number(process.env.AKB_PROPERTY_RUNS ?? 30) },
    );
    // Every kind of event was applied at least once somewhere in the runs.
    expect([...kinds].sort()).toEqual([...LAB_EVENT_KINDS].sort());
    kinds = new Set();
  }, 240_000);
});
