import { describe, expect, it } from 'vitest';
import { KubeApiError } from './errors';
import { KubeStore, type StoreEvent } from './store';

const cm = (name: string, data: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default' },
  data,
});

describe('KubeStore (in-process API)', () => {
  it('shares one resourceVersion counter across resources and notifies subscribers', () => {
    const store = new KubeStore({ installedCrds: ['bgppeers'] });
    const events: StoreEvent[] = [];
    const unsubscribe = store.subscribe((e) => events.push(e));
    const a = store.create(cm('a'));
    const peer = store.create({
      apiVersion: 'crd.projectcalico.org/v1',
      kind: 'BGPPeer',
      metadata: { name: 'p' },
      spec: { peerIP: '10.0.0.1', asNumber: 65001 },
    });
    expect(Number(peer.metadata.resourceVersion)).toBe(Number(a.metadata.resourceVersion) + 1);
    expect(peer.metadata.namespace).toBeUndefined();
    unsubscribe();
    store.delete('configmaps', 'a', 'default');
    expect(events.map((e) => `${e.type} ${e.resource.plural}`)).toEqual(['ADDED configmaps', 'ADDED bgppeers']);
  });

  it('an update with identical content is a no-op; a spec change bumps generation', () => {
    const store = new KubeStore({ installedCrds: [] });
    const created = store.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', namespace: 'default' },
      spec: { replicas: 1 },
    });
    const same = store.update({ ...created, metadata: { ...created.metadata } });
    expect(same.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    const relabeled = store.patch('deployments.apps', 'd', { metadata: { labels: { a: 'b' } } }, 'application/merge-patch+json', {
      namespace: 'default',
    }).object;
    expect(relabeled.metadata.generation).toBe(1);
    const scaled = store.patch('deployments.apps', 'd', { spec: { replicas: 3 } }, 'application/merge-patch+json', {
      namespace: 'default',
    }).object;
    expect(scaled.metadata.generation).toBe(2);
  });

  it('keeps a bounded event window and reports older versions as expired', () => {
    const store = new KubeStore({ installedCrds: [], watchWindow: 2 });
    const start = Number(store.resourceVersion);
    store.create(cm('a'));
    store.create(cm('b'));
    expect(store.eventsSince(start)?.map((e) => e.object.metadata.name)).toEqual(['a', 'b']);
    store.create(cm('c'));
    expect(store.eventsSince(start)).toBeUndefined();
    expect(store.eventsSince(start + 1)?.map((e) => e.object.metadata.name)).toEqual(['b', 'c']);
  });

  it('installs catalogue CRDs later and forgets their objects when the CRD is deleted', () => {
    const store = new KubeStore({ installedCrds: [] });
    expect(() => store.list('ippools')).toThrow(KubeApiError);
    store.installCrd('ippools');
    store.create({
      apiVersion: 'crd.projectcalico.org/v1',
      kind: 'IPPool',
      metadata: { name: 'default-ipv4' },
      spec: { cidr: '10.2.0.0/16' },
    });
    expect(store.list('ippools.crd.projectcalico.org').items).toHaveLength(1);
    store.delete('customresourcedefinitions', 'ippools.crd.projectcalico.org');
    expect(() => store.list('ippools')).toThrow(/could not find/);
  });

  it('apply creates, then merges; apply() derives the resource from apiVersion and kind', () => {
    const store = new KubeStore({ installedCrds: [] });
    expect(store.apply(cm('x', { a: '1' }), { fieldManager: 'lab' }).created).toBe(true);
    const second = store.apply(cm('x', { b: '2' }), { fieldManager: 'lab' });
    expect(second.created).toBe(false);
    expect(second.object.data).toEqual({ b: '2' });
  });
});

describe('Secrets', () => {
  it('fold stringData into base64 data on every write, as the apiserver does', () => {
    const store = new KubeStore({ installedCrds: [] });
    store.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'default' },
      stringData: { password: 'pw' },
    } as never);
    expect(store.get('secrets', 's', 'default')).toMatchObject({ data: { password: Buffer.from('pw').toString('base64') } });
    expect(store.get('secrets', 's', 'default')).not.toHaveProperty('stringData');
    store.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'default' }, stringData: { other: 'x' } } as never, {
      fieldManager: 'kubectl',
    });
    expect((store.get('secrets', 's', 'default') as unknown as { data: Record<string, string> }).data).toEqual({
      password: Buffer.from('pw').toString('base64'),
      other: Buffer.from('x').toString('base64'),
    });
  });
});
