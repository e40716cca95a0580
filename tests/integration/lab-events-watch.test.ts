import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classQuery, type ApicEvent, type ApicClient } from '../../lib/aci';
import type { MoAttributes } from '../../lib/aci/mo';
import { Watch } from '@kubernetes/client-node';
import { ClusterSource, type ClusterChange } from '../../lib/k8s';
import type { KubeObject } from '../../lib/k8s/models/object';
import { LabEventError, type Lab, type LabEventInput } from '../../lib/lab';
import { attrs, apicClientOf, cleanup, onCleanup, kubeConfigOf, startTestLab } from './lab-runtime-support';
import { waitFor } from '../support/wait';

/**
 * Every event kind, played on one demo lab and observed the way akb observes a cluster: a client-node informer
 * (ClusterSource) and ApicClient subscriptions. After each event both mirrors must equal what the servers hold,
 * the servers must agree with the world's ground truth, and the event's expected change must have arrived.
 */
const CLASSES = ['fabricNode', 'fvCEp', 'fvRsCEpToPathEp', 'bgpPeerEntry', 'uribv4Nexthop'] as const;

let lab: Lab;
let source: ClusterSource;
let apic: ApicClient;
const mirror = new Map<string, Map<string, MoAttributes>>();
const apicEvents: ApicEvent[] = [];
const k8sChanges: ClusterChange[] = [];

beforeAll(async () => {
  lab = await startTestLab();
  source = new ClusterSource({ kubeConfig: kubeConfigOf(lab), rediscoverIntervalMs: 60_000, retryMinMs: 20, retryMaxMs: 200 });
  source.onChange((c) => k8sChanges.push(c));
  await source.start();
  await waitFor(() => source.status().state === 'synced', { what: 'the cluster source to sync' });
  // Calico keeps BGP passwords in a Secret, which akb's cluster source does not read: watch it directly.
  const secrets = await new Watch(kubeConfigOf(lab)).watch(
    '/api/v1/namespaces/kube-system/secrets',
    {},
    (type: string, object: KubeObject) => {
      k8sChanges.push({ resource: 'secrets', type: type === 'ADDED' ? 'add' : type === 'DELETED' ? 'delete' : 'update', object });
    },
    () => undefined,
  );
  onCleanup(async () => secrets.abort());
  apic = apicClientOf(lab);
  for (const cls of CLASSES) {
    const state = new Map<string, MoAttributes>();
    mirror.set(cls, state);
    await apic.subscribe(classQuery(cls), {
      onResync(objects) {
        state.clear();
        for (const mo of objects) state.set(attrs(mo).dn!, attrs(mo));
      },
      onEvent(ev) {
        apicEvents.push(ev);
        if (ev.type === 'deleted') state.delete(ev.dn);
        else state.set(ev.dn, { ...state.get(ev.dn), ...attrs(ev.mo) });
      },
      onError() {},
    });
  }
}, 30_000);

afterAll(async () => {
  await source.stop();
  await cleanup();
});

/** The Ready condition's status of a Node as akb holds it (conditions keep type and status). */
const readyStatus = (node: KubeObject): string | undefined =>
  (node.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.find((c) => c.type === 'Ready')?.status;

const leafOf = (dn: string): number => Number(/\/node-(\d+)\//.exec(dn)?.[1]);

/** Why the mirrors or the servers disagree with the world, or undefined when all is consistent. */
function inconsistency(): string | undefined {
  const store = lab.k8s.store;
  for (const key of ['nodes', 'pods', 'services', 'endpointslices', 'bgppeers']) {
    const snapshot = source.snapshot();
    const seen = snapshot[key]!.map((o) => `${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion}`).sort();
    const held = store
      .list(key)
      .items.map((o) => `${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion}`)
      .sort();
    if (JSON.stringify(seen) !== JSON.stringify(held)) return `watch of ${key} differs from the server`;
  }
  const tree = lab.apic[0]!.tree;
  for (const cls of CLASSES) {
    const seen = [...mirror.get(cls)!.entries()].map(([dn, a]) => `${dn} ${a.operSt ?? ''}${a.tDn ?? ''}`).sort();
    const held = tree
      .byClass(cls)
      .map((mo) => `${mo.dn} ${mo.attrs.operSt ?? ''}${mo.attrs.tDn ?? ''}`)
      .sort();
    if (JSON.stringify(seen) !== JSON.stringify(held)) return `subscription to ${cls} differs from the APIC`;
  }
  const world = lab.world();
  const truth = lab.truth();
  const pods = store
    .list('pods')
    .items.map((p) => p.metadata.name)
    .sort();
  if (JSON.stringify(pods) !== JSON.stringify(world.pods.map((p) => p.name).sort())) return 'pods differ from the world';
  const notReady = store
    .list('nodes')
    .items.filter((n) => !JSON.stringify(n.status).includes('"KubeletReady"'))
    .map((n) => n.metadata.name)
    .sort();
  if (
    JSON.stringify(notReady) !==
    JSON.stringify(
      world.nodes
        .filter((n) => !n.ready)
        .map((n) => n.name)
        .sort(),
    )
  )
    return 'node readiness differs from the world';
  const paths = tree
    .byClass('fvRsCEpToPathEp')
    .map((mo) => mo.attrs.tDn)
    .sort();
  if (
    JSON.stringify(paths) !==
    JSON.stringify(
      truth.nodes
        .filter((n) => n.ready && n.pathDn)
        .map((n) => n.pathDn)
        .sort(),
    )
  )
    return 'endpoint paths differ from the truth';
  const up = tree
    .byClass('bgpPeerEntry')
    .filter((mo) => mo.attrs.operSt === 'established')
    .map((mo) => `${leafOf(mo.dn)} ${mo.attrs.addr}`)
    .sort();
  const truthUp = truth.sessions
    .filter((s) => s.state === 'established' && s.leaf !== null)
    .map((s) => `${s.leaf} ${s.nodeIp}`)
    .sort();
  if (JSON.stringify(up) !== JSON.stringify(truthUp)) return 'established sessions differ from the truth';
  const hops = tree.byClass('uribv4Nexthop').length;
  const truthHops = truth.routes.reduce((n, r) => n + r.nextHops.length, 0);
  if (hops !== truthHops) return `next hops differ from the truth (${hops} vs ${truthHops})`;
  return undefined;
}

/** Plays an event and waits until both mirrors are consistent and the expected change has arrived on each side. */
async function play(
  ev: LabEventInput,
  expectK8s: (c: ClusterChange) => boolean,
  expectApic: ((e: ApicEvent) => boolean) | 'none',
): Promise<void> {
  const k0 = k8sChanges.length;
  const a0 = apicEvents.length;
  await lab.event(ev);
  let why = '';
  await waitFor(
    () => {
      why = !k8sChanges.slice(k0).some(expectK8s)
        ? 'no expected watch event'
        : expectApic !== 'none' && !apicEvents.slice(a0).some(expectApic)
          ? 'no expected APIC event'
          : (inconsistency() ?? '');
      return why === '';
    },
    { what: `${ev.kind} to reach both clients (${why})` },
  ).catch((e: Error) => {
    throw new Error(`${e.message}: ${why}`);
  });
  if (expectApic === 'none') expect(apicEvents.slice(a0)).toEqual([]);
}

/** Sessions have no Kubernetes object of their own: for session-only events the watch must stay quiet. */
async function playApicOnly(ev: LabEventInput, expectApic: (e: ApicEvent) => boolean): Promise<void> {
  const k0 = k8sChanges.length;
  const a0 = apicEvents.length;
  await lab.event(ev);
  await waitFor(() => apicEvents.slice(a0).some(expectApic) && inconsistency() === undefined, {
    what: `${ev.kind} to reach the APIC subscription`,
  });
  expect(k8sChanges.slice(k0)).toEqual([]);
}

const nodeIp = (name: string): string => lab.world().nodes.find((n) => n.name === name)!.ip;
const isPod = (app: string, type?: string) => (c: ClusterChange) =>
  c.resource === 'pods' && c.object.metadata.labels?.app === app && (!type || c.type === type);

describe('lab events reach a Kubernetes watch and an APIC subscription consistently', () => {
  it('starts consistent', async () => {
    await waitFor(() => inconsistency() === undefined, { what: 'initial consistency' });
    expect(mirror.get('bgpPeerEntry')!.size).toBeGreaterThan(0);
  });

  it('scale-deployment: a Local service scaled to zero loses its pods and its next hops', async () => {
    await play(
      { kind: 'scale-deployment', namespace: 'shop', name: 'frontend', replicas: 0 },
      isPod('frontend', 'delete'),
      (e) => e.className === 'uribv4Nexthop' && e.type === 'deleted',
    );
    expect(lab.k8s.store.list('pods', { labelSelector: 'app=frontend' }).items).toHaveLength(0);
    await play(
      { kind: 'scale-deployment', namespace: 'shop', name: 'frontend', replicas: 24 },
      isPod('frontend', 'add'),
      (e) => e.className === 'uribv4Nexthop' && e.type === 'created',
    );
  });

  it('kill-pod: the pod is replaced under a new name', async () => {
    const victim = lab.world().pods.find((p) => p.workload === 'shop/db')!;
    await play(
      { kind: 'kill-pod', namespace: 'shop', name: victim.name },
      (c) => c.resource === 'pods' && c.type === 'delete' && c.object.metadata.name === victim.name,
      'none',
    );
    expect(lab.world().pods.filter((p) => p.workload === 'shop/db')).toHaveLength(3);
  });

  it('drain-node and uncordon-node', async () => {
    // akb keeps only what it reads of a Node (not spec.unschedulable): the change is the server's object at that version.
    const isNode = (name: string, unschedulable: boolean) => (c: ClusterChange) => {
      const held = lab.k8s.store.list('nodes').items.find((n) => n.metadata.name === name);
      return (
        c.resource === 'nodes' &&
        c.object.metadata.name === name &&
        c.object.metadata.resourceVersion === held?.metadata.resourceVersion &&
        ((held?.spec as { unschedulable?: boolean } | undefined)?.unschedulable === true) === unschedulable
      );
    };
    await play({ kind: 'drain-node', node: 'worker-4' }, isNode('worker-4', true), (e) => e.className === 'uribv4Nexthop');
    expect(lab.world().pods.filter((p) => p.node === 'worker-4' && !p.hostNetwork && p.workload.startsWith('shop/'))).toEqual([]);
    await play({ kind: 'uncordon-node', node: 'worker-4' }, isNode('worker-4', false), 'none');
  });

  it('fail-node and recover-node: the endpoint ages out and the sessions drop, then come back', async () => {
    const ip = nodeIp('worker-2');
    await play(
      { kind: 'fail-node', node: 'worker-2' },
      (c) => c.resource === 'nodes' && c.object.metadata.name === 'worker-2' && readyStatus(c.object) === 'Unknown',
      (e) => e.className === 'bgpPeerEntry' && e.dn.includes(`ent-[${ip}]`),
    );
    expect([...mirror.get('fvCEp')!.values()].some((a) => a.mac === lab.world().nodes.find((n) => n.name === 'worker-2')!.mac)).toBe(false);
    await play(
      { kind: 'recover-node', node: 'worker-2' },
      (c) => c.resource === 'nodes' && c.object.metadata.name === 'worker-2' && readyStatus(c.object) === 'True',
      (e) => e.className === 'fvCEp' && e.type === 'created',
    );
  });

  it('session-down and session-up', async () => {
    const ip = nodeIp('master-1');
    const entry = (state: string) => (e: ApicEvent) =>
      e.className === 'bgpPeerEntry' && e.dn.includes(`/node-101/`) && e.dn.includes(`ent-[${ip}]`) && attrs(e.mo).operSt === state;
    // The state waited for, on both sides: the subscriber's copy of the peer entry and the world's truth.
    const mirrored = () =>
      [...mirror.get('bgpPeerEntry')!.entries()].find(([dn]) => dn.includes('/node-101/') && dn.includes(`ent-[${ip}]`))?.[1].operSt;
    const truthState = () => lab.truth().sessions.find((s) => s.leaf === 101 && s.node === 'master-1')?.state;
    await playApicOnly({ kind: 'session-down', leaf: 101, node: 'master-1' }, entry('idle'));
    expect([mirrored(), truthState()]).toEqual(['idle', 'idle']);
    await playApicOnly({ kind: 'session-up', leaf: 101, node: 'master-1' }, entry('established'));
    expect([mirrored(), truthState()]).toEqual(['established', 'established']);
  });

  it('misconfigure-session and fix-session: the node side of rack 2 expects another AS, its sessions go down, then recover', async () => {
    const rack2 = lab
      .world()
      .nodes.filter((n) => n.rack === 2)
      .map((n) => n.ip);
    const down = (e: ApicEvent) =>
      e.className === 'bgpPeerEntry' &&
      rack2.some((ip) => e.dn.includes(`ent-[${ip}]`)) &&
      attrs(e.mo).operSt !== undefined &&
      attrs(e.mo).operSt !== 'established';
    await play({ kind: 'misconfigure-session', rack: 2, what: 'as' }, (c) => c.resource === 'bgppeers', down);
    expect(lab.truth().sessions.filter((s) => s.node && rack2.includes(s.nodeIp) && s.state === 'established')).toEqual([]);
    await play(
      { kind: 'fix-session', rack: 2 },
      (c) => c.resource === 'bgppeers',
      (e) => e.className === 'bgpPeerEntry' && attrs(e.mo).operSt === 'established',
    );
    await play(
      { kind: 'misconfigure-session', rack: 1, what: 'password' },
      (c) => c.resource === 'secrets' && c.type === 'update',
      (e) => e.className === 'bgpPeerEntry' && attrs(e.mo).operSt === 'active',
    );
    await play(
      { kind: 'fix-session', rack: 1 },
      (c) => c.resource === 'secrets' && c.type === 'update',
      (e) => e.className === 'bgpPeerEntry' && attrs(e.mo).operSt === 'established',
    );
  });

  it('move-cable: the endpoint is learned on the new path', async () => {
    await playApicOnly(
      { kind: 'move-cable', host: 'worker-6', leaves: [104], ports: ['eth1/20'] },
      (e) => e.className === 'fvRsCEpToPathEp' && e.type === 'created' && e.dn.endsWith('[topology/pod-1/paths-104/pathep-[eth1/20]]'),
    );
    expect(lab.truth().nodes.find((n) => n.name === 'worker-6')!.pathDn).toBe('topology/pod-1/paths-104/pathep-[eth1/20]');
  });

  it('add-leaf: a new switch joins the fabric', async () => {
    await playApicOnly(
      { kind: 'add-leaf', id: 105, rack: 3 },
      (e) => e.className === 'fabricNode' && e.type === 'created' && e.dn === 'topology/pod-1/node-105',
    );
    // The subscriber now holds the new switch as a leaf, and the world has it in rack 3.
    expect(mirror.get('fabricNode')!.get('topology/pod-1/node-105')).toMatchObject({ id: '105', role: 'leaf' });
    expect(lab.world().scenario.fabric.leaves.find((l) => l.id === 105)).toMatchObject({ rack: 3 });
  });

  it('set-traffic-policy: a Cluster service turned Local is advertised only from nodes with endpoints', async () => {
    await play(
      { kind: 'set-traffic-policy', namespace: 'shop', name: 'cache', policy: 'Local' },
      (c) =>
        c.resource === 'services' &&
        c.object.metadata.name === 'cache' &&
        (c.object.spec as { externalTrafficPolicy?: string }).externalTrafficPolicy === 'Local',
      (e) => e.className === 'uribv4Nexthop',
    );
    const cache = lab.truth().services.find((s) => s.name === 'cache')!;
    expect(cache.externalTrafficPolicy).toBe('Local');
  });

  it('rejects bad events naming the field or the unknown object, changing nothing', async () => {
    const generation = lab.world().generation;
    const reject = async (ev: unknown): Promise<LabEventError> =>
      lab.event(ev).then(
        () => {
          throw new Error('accepted');
        },
        (e: unknown) => e as LabEventError,
      );
    expect((await reject({ kind: 'scale-deployment', namespace: 'shop', name: 'frontend', replicas: -1 })).issues).toEqual([
      expect.stringMatching(/^replicas: /),
    ]);
    expect((await reject({ kind: 'explode' })).issues).toEqual([expect.stringMatching(/^kind: must be one of scale-deployment, /)]);
    const unknown = await reject({ kind: 'fail-node', node: 'no-such-node' });
    expect([unknown.status, unknown.issues]).toEqual([404, ['no node no-such-node']]);
    const badVpc = await reject({ kind: 'move-cable', host: 'worker-6', leaves: [101, 103], ports: ['eth1/1', 'eth1/1'] });
    expect(badVpc.status).toBe(422);
    expect(badVpc.issues.join()).toMatch(/vpc link needs the two leaves of one fabric.vpcPairs entry/);
    expect(lab.world().generation).toBe(generation);
  });
});
