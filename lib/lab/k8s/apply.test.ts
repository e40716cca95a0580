import { describe, expect, it } from 'vitest';
import { fromFieldsV1, leafPaths, serverSideApply, toFieldsV1 } from './apply';
import { KubeApiError } from './errors';

const base = { group: '', kind: 'configmaps', name: 'c' };
let clock = 0;
/** Each apply one minute after the previous, as the apiserver's managedFields order depends on entry times. */
const apply = (live: Parameters<typeof serverSideApply>[0]['live'], data: Record<string, string>, manager: string, force = false) =>
  serverSideApply({
    live,
    config: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data },
    manager,
    force,
    apiVersion: 'v1',
    now: new Date(Date.UTC(2026, 0, 1, 0, clock++)).toISOString(),
    qualifiedName: base,
  });

describe('server-side apply', () => {
  it('encodes leaf paths as FieldsV1 and back', () => {
    const paths = leafPaths({ apiVersion: 'v1', metadata: { name: 'x', labels: { a: '1' } }, spec: { list: [1], empty: {} } });
    expect(paths).toEqual([
      ['metadata', 'labels', 'a'],
      ['spec', 'list'],
      ['spec', 'empty'],
    ]);
    expect(toFieldsV1(paths)).toEqual({ 'f:metadata': { 'f:labels': { 'f:a': {} } }, 'f:spec': { 'f:list': {}, 'f:empty': {} } });
    expect(fromFieldsV1(toFieldsV1(paths))).toEqual(paths);
  });

  it('removes fields the manager stops applying, keeps fields other managers own', () => {
    const one = apply(undefined, { a: '1', b: '2' }, 'm1');
    const two = apply(one, { c: '3' }, 'm2');
    const three = apply(two, { a: '1' }, 'm1');
    expect(three.data).toEqual({ a: '1', c: '3' });
    expect((three.metadata.managedFields as { manager: string }[]).map((m) => m.manager)).toEqual(['m2', 'm1']);
  });

  it('conflicts when another manager owns a field being changed; force transfers it', () => {
    const one = apply(undefined, { a: '1' }, 'm1');
    expect(() => apply(one, { a: '2' }, 'm2')).toThrow(KubeApiError);
    const forced = apply(one, { a: '2' }, 'm2', true);
    expect(forced.data).toEqual({ a: '2' });
    expect((forced.metadata.managedFields as { manager: string }[]).map((m) => m.manager)).toEqual(['m2']);
  });

  it('re-applying the same fields keeps the entry and its time: the object does not change', () => {
    const one = apply(undefined, { a: '1' }, 'm1');
    const two = apply(one, { b: '2' }, 'm2');
    expect(apply(two, { a: '1' }, 'm1')).toEqual(two);
    expect(apply(two, { a: '2' }, 'm1').metadata.managedFields).not.toEqual(two.metadata.managedFields);
  });
});
