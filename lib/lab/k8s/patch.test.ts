import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonPatch, mergePatch } from './patch';

describe('merge patch (RFC 7386)', () => {
  it('merges maps, deletes on null and replaces lists', () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: null, d: 3 }, l: [3] })).toEqual({ a: { b: 1, d: 3 }, l: [3] });
  });
  it('patching with the target itself is the identity (for null-free documents)', () => {
    const json = fc.jsonValue().filter((v) => !JSON.stringify(v).includes('null'));
    fc.assert(
      fc.property(fc.dictionary(fc.string(), json), (doc) => {
        expect(mergePatch(doc, doc)).toEqual(doc);
      }),
    );
  });
});

describe('json patch (RFC 6902)', () => {
  const doc = { metadata: { labels: { a: '1' } }, spec: { list: ['x', 'y'] } };
  it('applies add, replace, remove, move, copy and test in order', () => {
    const out = jsonPatch(doc, [
      { op: 'add', path: '/metadata/labels/b', value: '2' },
      { op: 'replace', path: '/metadata/labels/a', value: '3' },
      { op: 'add', path: '/spec/list/-', value: 'z' },
      { op: 'remove', path: '/spec/list/0' },
      { op: 'copy', from: '/metadata/labels/b', path: '/metadata/labels/c' },
      { op: 'move', from: '/metadata/labels/c', path: '/metadata/labels/d~1e' },
      { op: 'test', path: '/spec/list', value: ['y', 'z'] },
    ]);
    expect(out).toEqual({ metadata: { labels: { a: '3', b: '2', 'd/e': '2' } }, spec: { list: ['y', 'z'] } });
    expect(doc.spec.list).toEqual(['x', 'y']); // input untouched
  });
  it('fails with a status error on missing paths and failed tests', () => {
    expect(() => jsonPatch(doc, [{ op: 'replace', path: '/nope', value: 1 }])).toThrow(/does not exist|missing/);
    expect(() => jsonPatch(doc, [{ op: 'test', path: '/metadata/labels/a', value: '9' }])).toThrow(/test of \/metadata\/labels\/a failed/);
    expect(() => jsonPatch(doc, { op: 'add' })).toThrow(/array/);
  });
});
