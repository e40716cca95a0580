import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from './models/object';
import { ClusterSnapshot, compareObjects, objectKey } from './snapshot';

const obj = (name: string, rv: string, namespace?: string, extra: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name, resourceVersion: rv, ...(namespace ? { namespace } : {}) },
  ...extra,
});

describe('ClusterSnapshot', () => {
  it('reports add, update (only on a new resourceVersion) and delete with the last state', () => {
    const s = new ClusterSnapshot();
    expect(s.upsert('pods', obj('a', '1', 'ns'))).toMatchObject({ type: 'add', resource: 'pods' });
    expect(s.upsert('pods', obj('a', '1', 'ns'))).toBeNull();
    expect(s.upsert('pods', obj('a', '2', 'ns'))).toMatchObject({ type: 'update' });
    expect(s.remove('pods', obj('a', '1', 'ns'))).toMatchObject({ type: 'delete', object: { metadata: { resourceVersion: '2' } } });
    expect(s.remove('pods', obj('a', '1', 'ns'))).toBeNull();
  });

  it('compares content when objects carry no resourceVersion', () => {
    const s = new ClusterSnapshot();
    s.upsert('x', { metadata: { name: 'a' }, spec: { v: 1 } });
    expect(s.upsert('x', { metadata: { name: 'a' }, spec: { v: 1 } })).toBeNull();
    expect(s.upsert('x', { metadata: { name: 'a' }, spec: { v: 2 } })).toMatchObject({ type: 'update' });
  });

  it('retainOnly deletes vanished objects, sorted', () => {
    const s = new ClusterSnapshot();
    for (const n of ['c', 'a', 'b']) s.upsert('nodes', obj(n, '1'));
    const gone = s.retainOnly('nodes', new Set(['b']));
    expect(gone.map((c) => `${c.type}:${c.object.metadata.name}`)).toEqual(['delete:a', 'delete:c']);
    expect(s.toRecord(['nodes', 'pods'])).toEqual({ nodes: [obj('b', '1')], pods: [] });
  });

  it('lists in namespace-then-name order whatever the insertion order', () => {
    const arb = fc.uniqueArray(fc.tuple(fc.constantFrom('', 'a', 'kube-system', 'z'), fc.stringMatching(/^[a-z0-9]{1,6}$/)), {
      selector: ([ns, n]) => `${ns}/${n}`,
    });
    fc.assert(
      fc.property(arb, (pairs) => {
        const s = new ClusterSnapshot();
        for (const [ns, n] of pairs) s.upsert('pods', obj(n, '1', ns || undefined));
        const listed = s.list('pods');
        expect(listed).toHaveLength(pairs.length);
        for (let i = 1; i < listed.length; i++) expect(compareObjects(listed[i - 1]!, listed[i]!)).toBeLessThan(0);
        expect(new Set(listed.map(objectKey)).size).toBe(pairs.length);
      }),
    );
  });
});
