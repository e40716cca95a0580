import { isDeepStrictEqual } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { crdManifest, startLabK8s, type KubeStore, type LabK8sServer } from '../../lib/lab/k8s';
import { CLUSTER_RESOURCES, ClusterSource, listClusterResources, type ClusterChange } from '../../lib/k8s';
import { asnObjectsOf, detectClusterAsn } from '../../lib/topology/correlate/asn';
import type { KubeObject } from '../../lib/k8s/models/object';
import { reduceKubeObject } from '../../lib/topology/reduce';
import { compareStrings } from '../../lib/shared/compare';
import { waitFor } from '../support/wait';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function lab(opts: Parameters<typeof startLabK8s>[0] = {}): Promise<LabK8sServer> {
  const server = await startLabK8s(opts);
  cleanups.push(() => server.stop());
  return server;
}

function kubeConfigFor(server: LabK8sServer): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfigYaml());
  return kc;
}

function source(server: LabK8sServer, extra: Partial<ConstructorParameters<typeof ClusterSource>[0]> = {}): ClusterSource {
  const s = new ClusterSource({ kubeConfig: kubeConfigFor(server), rediscoverIntervalMs: 100, retryMinMs: 20, retryMaxMs: 200, ...extra });
  cleanups.push(() => s.stop());
  return s;
}

/**
 * What the server holds for every installed resource, in the snapshot's shape: reduced at ingest to what akb reads
 * (apiVersion/kind aside: lists omit them).
 */
function serverState(store: KubeStore, installed: Record<string, string | null>): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const r of CLUSTER_RESOURCES) {
    if (installed[r.key] === null || installed[r.key] === undefined) {
      out[r.key] = [];
      continue;
    }
    const items = store.list(r.group ? `${r.plural}.${r.group}` : r.plural).items;
    out[r.key] = items.map((o) => strip(reduceKubeObject(r.key, o))).sort(byKey);
  }
  return out;
}
function strip(o: KubeObject): unknown {
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}
const keyOf = (o: unknown) => {
  const m = (o as KubeObject).metadata;
  return `${m.namespace ?? ''}/${m.name}`;
};
const byKey = (a: unknown, b: unknown) => compareStrings(keyOf(a), keyOf(b));
/** The cluster ASN the one detector reads from a source's snapshot, as `{ asn, source }` (plus a finding if any). */
function clusterAsn(snapshot: Record<string, readonly unknown[]>) {
  const { asn, source, finding } = detectClusterAsn(asnObjectsOf(snapshot));
  return finding === undefined ? { asn, source } : { asn, source, finding };
}
function snapshotState(s: ClusterSource): Record<string, unknown[]> {
  return Object.fromEntries(Object.entries(s.snapshot()).map(([k, v]) => [k, v.map(strip)]));
}
async function waitEqual(s: ClusterSource, store: KubeStore, what: string, timeoutMs = 10_000): Promise<void> {
  await waitFor(
    () => (s.status().state === 'synced' && isDeepStrictEqual(snapshotState(s), serverState(store, s.installed())) ? true : undefined),
    { what: what, timeoutMs: timeoutMs },
  );
}

const pod = (name: string, ns = 'default', labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels },
  spec: { nodeName: 'worker-1', containers: [{ name: 'c', image: 'busybox' }] },
});

describe('ClusterSource against the lab Kubernetes API server', () => {
  it('lists everything, then follows a burst of 1,000 changes to exactly the server state', async () => {
    const server = await lab();
    const { store } = server;
    store.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-1', annotations: { 'kube-router.io/node.asn': '65020' } } });
    const s = source(server);
    const changes: ClusterChange[] = [];
    s.onChange((c) => changes.push(c));
    await s.start();
    await waitEqual(s, store, 'initial sync');
    expect(s.installed()).toMatchObject({ nodes: 'v1', bgppeers: 'v1', ciliumbgpclusterconfigs: 'v2', virtualmachineinstances: 'v1' });
    expect(s.snapshot().nodes?.map((n) => n.metadata.name)).toEqual(['worker-1']);

    // 1,000 operations across resources: 500 creates, 300 updates, 200 deletes.
    for (let i = 0; i < 400; i++) store.create(pod(`p-${i}`, i % 2 ? 'default' : 'kube-system'));
    for (let i = 0; i < 100; i++) {
      store.create({
        apiVersion: 'crd.projectcalico.org/v1',
        kind: 'BGPPeer',
        metadata: { name: `peer-${i}` },
        spec: { peerIP: `10.0.0.${i}`, asNumber: 65001 },
      });
    }
    for (let i = 0; i < 300; i++) {
      const p = store.get('pods', `p-${i}`, i % 2 ? 'default' : 'kube-system');
      store.update({ ...p, metadata: { ...p.metadata, labels: { rev: String(i) } } });
    }
    for (let i = 0; i < 150; i++) store.delete('pods', `p-${i * 2}`, 'kube-system');
    for (let i = 0; i < 50; i++) store.delete('bgppeers.crd.projectcalico.org', `peer-${i}`);

    await waitEqual(s, store, 'snapshot equal to the server after the burst');
    expect(s.snapshot().pods).toHaveLength(250);
    expect(s.snapshot().bgppeers).toHaveLength(50);
    expect(changes.filter((c) => c.type === 'delete' && c.resource === 'pods')).toHaveLength(150);
    expect(clusterAsn(s.snapshot())).toEqual({ asn: 65020, source: 'kube-router' });

    // A watch that ends normally (server-side timeout) is resumed from its resourceVersion: no relist, no outage.
    const states: string[] = [];
    s.onStatus((st) => states.push(st.state));
    changes.length = 0;
    expect(server.closeWatches()).toBeGreaterThan(0);
    store.create(pod('after-watch-drop'));
    await waitFor(() => (s.snapshot().pods?.some((p) => p.metadata.name === 'after-watch-drop') ? true : undefined), {
      what: 'event after watch drop',
      timeoutMs: 5000,
    });
    await waitEqual(s, store, 'equal after watch drop');
    expect(states).toEqual([]);
    expect(changes.map((c) => `${c.type} ${c.object.metadata.name}`)).toEqual(['add after-watch-drop']);
  });

  it('treats a missing CRD as not installed, then starts watching it when the CRD is created', async () => {
    const server = await lab({ installedCrds: [] });
    const s = source(server);
    await s.start();
    await waitFor(() => (s.status().state === 'synced' ? true : undefined), { what: 'synced without CRDs', timeoutMs: 5000 });
    expect(s.installed()).toMatchObject({ ciliumbgpclusterconfigs: null, bgpconfigurations: null, pods: 'v1' });
    expect(s.snapshot().ciliumbgpclusterconfigs).toEqual([]);

    // An older Cilium: only v2alpha1 served → the fallback version is used.
    const crd = crdManifest('ciliumbgpclusterconfigs');
    const spec = crd.spec as { versions: { name: string; storage: boolean }[] };
    spec.versions = spec.versions.filter((v) => v.name === 'v2alpha1').map((v) => ({ ...v, storage: true }));
    server.store.create(crd);
    server.store.create({
      apiVersion: 'cilium.io/v2alpha1',
      kind: 'CiliumBGPClusterConfig',
      metadata: { name: 'cilium-bgp' },
      spec: { bgpInstances: [{ name: 'instance-65003', localASN: 65003, peers: [] }] },
    });
    await waitFor(() => (s.snapshot().ciliumbgpclusterconfigs?.length === 1 ? true : undefined), {
      what: 'CRD objects to appear',
      timeoutMs: 5000,
    });
    expect(s.installed().ciliumbgpclusterconfigs).toBe('v2alpha1');
    expect(clusterAsn(s.snapshot())).toEqual({ asn: 65003, source: 'cilium' });
    await waitEqual(s, server.store, 'equal after the CRD appeared');

    // Uninstalling the CRD removes the resource and its objects (as deletes).
    const deletes: ClusterChange[] = [];
    s.onChange((c) => c.type === 'delete' && deletes.push(c));
    server.store.delete('customresourcedefinitions', 'ciliumbgpclusterconfigs.cilium.io');
    await waitFor(
      () => (s.installed().ciliumbgpclusterconfigs === null && s.snapshot().ciliumbgpclusterconfigs?.length === 0 ? true : undefined),
      { what: 'CRD removal', timeoutMs: 5000 },
    );
    expect(deletes.map((c) => `${c.resource} ${c.object.metadata.name}`)).toEqual(['ciliumbgpclusterconfigs cilium-bgp']);
  });

  it('goes down with stale data when the API server stops, and resyncs (deletes included) when it returns', async () => {
    const first = await lab();
    const { store, port, token } = first;
    store.create({
      apiVersion: 'crd.projectcalico.org/v1',
      kind: 'BGPConfiguration',
      metadata: { name: 'default' },
      spec: { asNumber: 64512 },
    });
    for (let i = 0; i < 5; i++) store.create(pod(`keep-${i}`));
    store.create(pod('doomed'));
    const s = source(first);
    const changes: ClusterChange[] = [];
    s.onChange((c) => changes.push(c));
    await s.start();
    await waitEqual(s, store, 'initial sync');

    await first.stop();
    const down = await waitFor(() => (s.status().state === 'down' || s.status().state === 'degraded' ? s.status() : undefined), {
      what: 'status down',
      timeoutMs: 10_000,
    });
    expect(down.stale).toBe(true);
    expect(down.reason).toBeTruthy();
    expect(down.reason).not.toContain(token);
    expect(s.snapshot().pods).toHaveLength(6);

    // Changes while the API server is unreachable.
    store.delete('pods', 'doomed', 'default');
    store.create(pod('born-while-down'));
    const bgp = store.get('bgpconfigurations.crd.projectcalico.org', 'default');
    store.update({ ...bgp, spec: { asNumber: '1.10' } });
    changes.length = 0;

    const second = await startLabK8s({ port, store, token });
    cleanups.push(() => second.stop());
    await waitEqual(s, store, 'resynced after restart');
    expect(s.status().stale).toBe(false);
    const seen = changes.map((c) => `${c.type} ${c.resource} ${c.object.metadata.name}`);
    expect(seen).toEqual(expect.arrayContaining(['delete pods doomed', 'add pods born-while-down', 'update bgpconfigurations default']));
    expect(clusterAsn(s.snapshot())).toEqual({ asn: 65546, source: 'calico' });
  });

  it('starts against an unreachable API server as down, naming the cause, and syncs once it appears', async () => {
    const probe = await startLabK8s();
    const { port, store, token } = probe;
    await probe.stop();
    const kc = kubeConfigFor(probe);
    const s = new ClusterSource({ kubeConfig: kc, rediscoverIntervalMs: 100, retryMinMs: 20, retryMaxMs: 100 });
    cleanups.push(() => s.stop());
    await s.start();
    expect(s.status()).toMatchObject({ state: 'down', stale: true, reason: expect.stringMatching(/^discovery: .*ECONNREFUSED/) });
    store.create(pod('waiting'));
    const server = await startLabK8s({ port, store, token });
    cleanups.push(() => server.stop());
    await waitEqual(s, store, 'sync after the server appeared');
    expect(s.snapshot().pods?.map((p) => p.metadata.name)).toEqual(['waiting']);
  });

  it('works over TLS with the kubeconfig CA and bearer token', async () => {
    const server = await lab({ tls: true, installedCrds: ['bgpconfigurations'] });
    server.store.create({
      apiVersion: 'crd.projectcalico.org/v1',
      kind: 'BGPConfiguration',
      metadata: { name: 'default' },
      spec: { asNumber: 65030 },
    });
    const s = source(server);
    await s.start();
    await waitEqual(s, server.store, 'TLS sync');
    expect(server.url.startsWith('https://127.0.0.1:')).toBe(true);
    expect(clusterAsn(s.snapshot())).toEqual({ asn: 65030, source: 'calico' });
  });

  it('listClusterResources lists every installed resource once and counts its requests', async () => {
    const server = await lab({ installedCrds: ['bgpconfigurations', 'bgppeers', 'ippools'] });
    server.store.create(pod('one'));
    const result = await listClusterResources(kubeConfigFor(server));
    expect(result.installed).toMatchObject({ bgppeers: 'v1', ciliumbgpclusterconfigs: null, nodefabricnetworkattachments: null });
    expect(Object.keys(result.k8s).sort()).toEqual([
      'bgpconfigurations',
      'bgppeers',
      'daemonsets',
      'endpointslices',
      'ippools',
      'nodes',
      'pods',
      'services',
    ]);
    expect(result.k8s.pods?.map((p) => p.metadata.name)).toEqual(['one']);
    // Discovery: calico v1, cilium v2 + v2alpha1 (both absent), aci.fabricattachment v1, kubevirt v1 = 5; lists: 8.
    expect(result.requests).toBe(13);
  });
});
