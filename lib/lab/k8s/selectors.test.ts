import { describe, expect, it } from 'vitest';
import { KubeApiError } from './errors';
import { parseFieldSelector, parseLabelSelector } from './selectors';

const obj = (labels: Record<string, string>) => ({
  metadata: { name: 'n', namespace: 'ns', labels },
  spec: { nodeName: 'node-1' },
  status: { phase: 'Running' },
});

describe('label selectors', () => {
  const cases: [string, Record<string, string>, boolean][] = [
    ['', {}, true],
    ['app=web', { app: 'web' }, true],
    ['app==web', { app: 'db' }, false],
    ['app!=web', {}, true],
    ['app in (web,db)', { app: 'db' }, true],
    ['app in (web,db)', {}, false],
    ['app notin (web, db)', {}, true],
    ['app notin (web, db)', { app: 'web' }, false],
    ['tier', { tier: '' }, true],
    ['!tier', { tier: 'x' }, false],
    ['app=web,!tier', { app: 'web' }, true],
    ['example.com/role=edge', { 'example.com/role': 'edge' }, true],
    ['app=', { app: '' }, true],
  ];
  it.each(cases)('%s on %j → %s', (selector, labels, expected) => {
    expect(parseLabelSelector(selector)(obj(labels))).toBe(expected);
  });

  it('rejects malformed terms with 400', () => {
    for (const bad of ['app in web', '=x', 'a b']) {
      expect(() => parseLabelSelector(bad)).toThrow(KubeApiError);
      try {
        parseLabelSelector(bad);
      } catch (err) {
        expect((err as KubeApiError).code).toBe(400);
      }
    }
  });
});

describe('field selectors', () => {
  it('matches supported fields and rejects others', () => {
    expect(parseFieldSelector('spec.nodeName=node-1,status.phase==Running', 'pods')(obj({}))).toBe(true);
    expect(parseFieldSelector('metadata.namespace!=ns', 'pods')(obj({}))).toBe(false);
    expect(() => parseFieldSelector('spec.nodeName=node-1', 'configmaps')).toThrow(/field label not supported: spec.nodeName/);
  });
});
