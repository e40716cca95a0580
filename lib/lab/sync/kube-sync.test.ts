import { describe, expect, it } from 'vitest';
import { KubeStore } from '../k8s';
import { KubeSync } from './kube-sync';

const node = (labels: Record<string, string>, ready: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n1', labels },
  status: { conditions: [{ type: 'Ready', status: ready }] },
});

describe('KubeSync', () => {
  it('keeps labels and annotations users set on objects it owns, and changes only the keys its derivation changed', () => {
    const store = new KubeStore({ installedCrds: [] });
    const sync = new KubeSync(store);
    sync.apply({ nodes: [node({ rack_id: '1', 'kubernetes.io/hostname': 'n1' }, 'True')] });
    store.apply({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { 'akb.io/rack': '1' } } }, { fieldManager: 'kubectl' });
    store.patch('nodes', 'n1', { metadata: { labels: { rack_id: 'user-says-9' } } }, 'application/merge-patch+json');
    // The derivation changes readiness and drops the hostname label: the user's label and edit survive.
    sync.apply({ nodes: [node({ rack_id: '1' }, 'False')] });
    const n = store.get('nodes', 'n1');
    expect(n.metadata.labels).toEqual({ 'akb.io/rack': '1', rack_id: 'user-says-9' });
    expect((n.status as { conditions: Array<{ status: string }> }).conditions[0]!.status).toBe('False');
    // A key the derivation does change is set again.
    sync.apply({ nodes: [node({ rack_id: '2' }, 'False')] });
    expect(store.get('nodes', 'n1').metadata.labels).toEqual({ 'akb.io/rack': '1', rack_id: '2' });
  });
});
