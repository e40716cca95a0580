import { KubeConfig, KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { startLabK8s, type LabK8sServer } from '../../lib/lab/k8s';
import { kubeFetch, openWatch } from '../../lib/lab/k8s/test-support';
import { waitFor } from '../support/wait';

/** List, watch, table, discovery, CRD and patch behaviour of the lab API server, over real sockets. */

let server: LabK8sServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const pod = (name: string, namespace: string, labels: Record<string, string>, nodeName = 'n1', phase = 'Running') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels },
  spec: { nodeName, containers: [{ name: 'c', image: 'i' }] },
  status: { phase },
});
const names = (body: Record<string, unknown>) => (body['items'] as { metadata: { name: string } }[]).map((i) => i.metadata.name);

describe('lab k8s server: list', () => {
  it('pages with limit/continue at one resourceVersion, across namespaces', async () => {
    server = await startLabK8s();
    server.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b' } });
    for (const [ns, n] of [
      ['default', 'p1'],
      ['b', 'p2'],
      ['default', 'p3'],
    ] as const)
      server.store.create(pod(n, ns, {}));
    const first = await kubeFetch(server, 'GET', '/api/v1/pods?limit=2');
    const meta = first.body['metadata'] as { resourceVersion: string; continue: string; remainingItemCount: number };
    expect(first.body['kind']).toBe('PodList');
    expect(names(first.body)).toEqual(['p2', 'p1']); // etcd key order: namespace, then name
    expect(meta.remainingItemCount).toBe(1);
    server.store.create(pod('p0', 'default', {}));
    const second = await kubeFetch(server, 'GET', `/api/v1/pods?limit=2&continue=${meta.continue}`);
    expect(names(second.body)).toEqual(['p3']);
    expect(second.body['metadata'] as { resourceVersion: string; continue?: string }).toEqual({ resourceVersion: meta.resourceVersion });
  });

  it('filters by label selector (=, !=, in, notin, exists, !key) and field selector', async () => {
    server = await startLabK8s();
    server.store.create(pod('a', 'default', { app: 'web', tier: 'fe' }, 'n1', 'Running'));
    server.store.create(pod('b', 'default', { app: 'db' }, 'n2', 'Pending'));
    server.store.create(pod('c', 'default', { app: 'cache', tier: 'be' }, 'n1', 'Running'));
    const q = async (query: string) => names((await kubeFetch(server!, 'GET', `/api/v1/namespaces/default/pods?${query}`)).body);
    expect(await q('labelSelector=app%3Dweb')).toEqual(['a']);
    expect(await q('labelSelector=app%3D%3Dweb')).toEqual(['a']);
    expect(await q('labelSelector=app!%3Dweb')).toEqual(['b', 'c']);
    expect(await q(`labelSelector=${encodeURIComponent('app in (web, db)')}`)).toEqual(['a', 'b']);
    expect(await q(`labelSelector=${encodeURIComponent('app notin (web),tier')}`)).toEqual(['c']);
    expect(await q('labelSelector=!tier')).toEqual(['b']);
    expect(await q('fieldSelector=spec.nodeName%3Dn1,status.phase%3DRunning')).toEqual(['a', 'c']);
    expect(await q('fieldSelector=metadata.name!%3Da')).toEqual(['b', 'c']);
    const bad = await kubeFetch(server, 'GET', '/api/v1/namespaces/default/pods?fieldSelector=spec.bogus%3D1');
    expect(bad.status).toBe(400);
    expect(bad.body['message']).toContain('field label not supported: spec.bogus');
  });

  it('answers as=Table with columns and PartialObjectMetadata rows', async () => {
    server = await startLabK8s();
    server.store.create(pod('t', 'default', {}));
    const res = await kubeFetch(server, 'GET', '/api/v1/namespaces/default/pods', { accept: TABLE_ACCEPT });
    expect(res.body).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    const cols = (res.body['columnDefinitions'] as { name: string; priority: number }[]).filter((c) => c.priority === 0).map((c) => c.name);
    expect(cols).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    const row = (res.body['rows'] as { cells: unknown[]; object: Record<string, unknown> }[])[0]!;
    expect(row.cells.slice(0, 4)).toEqual(['t', '0/1', 'Running', 0]);
    expect(row.object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 't' } });
  });
});

describe('lab k8s server: watch', () => {
  it('streams ADDED/MODIFIED/DELETED as newline-delimited JSON from a resourceVersion', async () => {
    server = await startLabK8s();
    const rv = server.store.resourceVersion;
    server.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w', namespace: 'default' } });
    const w = await openWatch(server, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`);
    expect(w.status).toBe(200);
    server.store.patch('configmaps', 'w', { data: { x: '1' } }, 'application/strategic-merge-patch+json', { namespace: 'default' });
    server.store.delete('configmaps', 'w', 'default');
    await waitFor(() => (w.events.length === 3 ? true : undefined), { what: 'three events', timeoutMs: 5000 });
    expect(w.events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(w.events[1]!.object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', data: { x: '1' } });
    const versions = w.events.map((e) => Number((e.object['metadata'] as { resourceVersion: string }).resourceVersion));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    w.abort();
  });

  it('with a label selector, objects entering or leaving it arrive as ADDED/DELETED', async () => {
    server = await startLabK8s();
    server.store.create(pod('s', 'default', { role: 'x' }));
    const w = await openWatch(server, `/api/v1/pods?watch=1&resourceVersion=${server.store.resourceVersion}&labelSelector=role%3Dy`);
    server.store.create(pod('other', 'default', { role: 'x' }));
    server.store.patch('pods', 's', { metadata: { labels: { role: 'y' } } }, 'application/merge-patch+json', { namespace: 'default' });
    server.store.patch('pods', 's', { metadata: { labels: { role: 'z' } } }, 'application/merge-patch+json', { namespace: 'default' });
    await waitFor(() => (w.events.length === 2 ? true : undefined), { what: 'two events', timeoutMs: 5000 });
    expect(w.events.map((e) => `${e.type} ${(e.object['metadata'] as { name: string }).name}`)).toEqual(['ADDED s', 'DELETED s']);
    w.abort();
  });

  it('a too-old resourceVersion gets HTTP 200, one ERROR 410 Expired event, then the stream ends', async () => {
    server = await startLabK8s({ watchWindow: 3 });
    const rv = server.store.resourceVersion;
    for (let i = 0; i < 5; i++)
      server.store.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}`, namespace: 'default' } });
    const w = await openWatch(server, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`);
    await w.ended;
    expect(w.status).toBe(200);
    expect(w.events).toHaveLength(1);
    expect(w.events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 } });
    expect(w.events[0]!.object['message']).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('sends BOOKMARKs when allowed and ends the stream after timeoutSeconds', async () => {
    server = await startLabK8s({ bookmarkIntervalMs: 50 });
    const started = Date.now();
    const w = await openWatch(
      server,
      `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${server.store.resourceVersion}&allowWatchBookmarks=true&timeoutSeconds=1`,
    );
    await w.ended;
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(w.events.length).toBeGreaterThan(0);
    expect(w.events[0]).toEqual({
      type: 'BOOKMARK',
      object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: server.store.resourceVersion } },
    });
  });

  it('resourceVersion 0 starts with the current objects; Table watches carry one-row tables', async () => {
    server = await startLabK8s();
    server.store.create(pod('existing', 'default', {}));
    const w = await openWatch(server, '/api/v1/namespaces/default/pods?watch=true&resourceVersion=0', TABLE_ACCEPT);
    server.store.create(pod('new', 'default', {}));
    await waitFor(() => (w.events.length === 2 ? true : undefined), { what: 'two table events', timeoutMs: 5000 });
    const tables = w.events.map((e) => e.object as { kind: string; columnDefinitions: unknown[]; rows: { cells: unknown[] }[] });
    expect(tables.map((t) => [t.kind, t.rows[0]!.cells[0]])).toEqual([
      ['Table', 'existing'],
      ['Table', 'new'],
    ]);
    expect(tables[0]!.columnDefinitions.length).toBeGreaterThan(0);
    expect(tables[1]!.columnDefinitions).toEqual([]);
    w.abort();
  });

  it('stop() ends open watch streams', async () => {
    server = await startLabK8s();
    const w = await openWatch(server, '/api/v1/pods?watch=true');
    await server.stop();
    server = undefined;
    await w.ended;
    expect(w.events).toEqual([]);
  });
});

describe('lab k8s server: writes, CRDs, discovery', () => {
  it('create sets uid, creationTimestamp, resourceVersion, generation and supports generateName', async () => {
    server = await startLabK8s();
    const res = await kubeFetch(server, 'POST', '/api/v1/namespaces/default/configmaps', {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } },
    });
    expect(res.status).toBe(201);
    const meta = res.body['metadata'] as Record<string, unknown>;
    expect(meta['name']).toMatch(/^gen-[a-z0-9]{5}$/);
    expect(meta['uid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta['creationTimestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(meta).toMatchObject({ namespace: 'default', generation: 1, resourceVersion: server.store.resourceVersion });
  });

  it('json patch, merge patch and the status subresource', async () => {
    server = await startLabK8s();
    server.store.create(pod('p', 'default', { a: '1' }, 'n1', 'Pending'));
    const path = '/api/v1/namespaces/default/pods/p';
    const jp = await kubeFetch(server, 'PATCH', path, {
      contentType: 'application/json-patch+json',
      body: [
        { op: 'add', path: '/metadata/labels/b', value: '2' },
        { op: 'remove', path: '/metadata/labels/a' },
      ],
    });
    expect((jp.body['metadata'] as { labels: unknown }).labels).toEqual({ b: '2' });
    // The main endpoint keeps status; /status changes only status.
    await kubeFetch(server, 'PATCH', path, {
      contentType: 'application/merge-patch+json',
      body: { status: { phase: 'Failed' }, spec: { nodeName: 'n2' } },
    });
    expect(server.store.get('pods', 'p', 'default')).toMatchObject({ spec: { nodeName: 'n2' }, status: { phase: 'Pending' } });
    await kubeFetch(server, 'PATCH', `${path}/status`, {
      contentType: 'application/merge-patch+json',
      body: { status: { phase: 'Running' }, spec: { nodeName: 'n3' } },
    });
    expect(server.store.get('pods', 'p', 'default')).toMatchObject({ spec: { nodeName: 'n2' }, status: { phase: 'Running' } });
  });

  it('a CRD created through the API appears in discovery and serves its resource; deleting it removes both', async () => {
    server = await startLabK8s({ installedCrds: [] });
    const groups = async () => ((await kubeFetch(server!, 'GET', '/apis')).body['groups'] as { name: string }[]).map((g) => g.name);
    expect(await groups()).not.toContain('cilium.io');
    const crd = (await import('../../lib/lab/k8s')).crdManifest('ciliumbgpclusterconfigs');
    expect((await kubeFetch(server, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: crd })).status).toBe(201);
    expect(await groups()).toContain('cilium.io');
    const resources = (await kubeFetch(server, 'GET', '/apis/cilium.io/v2alpha1')).body['resources'] as {
      name: string;
      namespaced: boolean;
    }[];
    expect(resources).toContainEqual(expect.objectContaining({ name: 'ciliumbgpclusterconfigs', namespaced: false }));
    const created = await kubeFetch(server, 'POST', '/apis/cilium.io/v2alpha1/ciliumbgpclusterconfigs', {
      body: { apiVersion: 'cilium.io/v2alpha1', kind: 'CiliumBGPClusterConfig', metadata: { name: 'bgp' }, spec: { bgpInstances: [] } },
    });
    expect(created.status).toBe(201);
    expect((await kubeFetch(server, 'GET', '/apis/cilium.io/v2/ciliumbgpclusterconfigs/bgp')).body['apiVersion']).toBe('cilium.io/v2');
    const bad = await kubeFetch(server, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      body: { ...crd, metadata: { name: 'wrong.name' } },
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ details: { causes: [{ field: 'metadata.name' }] } });
    expect(
      (await kubeFetch(server, 'DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/ciliumbgpclusterconfigs.cilium.io'))
        .status,
    ).toBe(200);
    expect(await groups()).not.toContain('cilium.io');
    expect((await kubeFetch(server, 'GET', '/apis/cilium.io/v2/ciliumbgpclusterconfigs')).status).toBe(404);
  });

  it('deleting a namespace deletes what is in it', async () => {
    server = await startLabK8s();
    server.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gone' } });
    server.store.create(pod('x', 'gone', {}));
    server.store.delete('namespaces', 'gone');
    expect(server.store.list('pods', { namespace: 'gone' }).items).toEqual([]);
    expect((await kubeFetch(server, 'POST', '/api/v1/namespaces/gone/pods', { body: pod('y', 'gone', {}) })).body).toMatchObject({
      code: 404,
      message: 'namespaces "gone" not found',
    });
  });

  it('client-node KubernetesObjectApi creates, reads and server-side-applies a Calico BGPPeer', async () => {
    server = await startLabK8s();
    const kc = new KubeConfig();
    kc.loadFromString(server.kubeconfigYaml());
    const api = KubernetesObjectApi.makeApiClient(kc);
    const peer = {
      apiVersion: 'crd.projectcalico.org/v1',
      kind: 'BGPPeer',
      metadata: { name: '2-100-101-201' },
      spec: { peerIP: '2.100.101.201', asNumber: 2, nodeSelector: 'rack_id == "1"' },
    };
    await api.create(peer);
    const read = (await api.read({ apiVersion: peer.apiVersion, kind: peer.kind, metadata: { name: peer.metadata.name } })) as {
      spec?: unknown;
    };
    expect(read.spec).toEqual(peer.spec);
    const applied = await api.patch(
      { ...peer, spec: { ...peer.spec, asNumber: 65002 } },
      undefined,
      undefined,
      'akb',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect((applied as { spec: { asNumber: number } }).spec.asNumber).toBe(65002);
    expect(server.store.get('bgppeers.crd.projectcalico.org', '2-100-101-201').metadata.managedFields).toMatchObject([
      { manager: 'akb', operation: 'Apply' },
    ]);
  });
});
