import { describe, expect, it } from 'vitest';
import { checkPayload, deletionPayload, moPath, serialisePayload } from './config-write';
import { eventType, parseFrame } from './subscription-events';

describe('config payloads', () => {
  it('serialises attributes before children at every level', () => {
    const payload = {
      fvTenant: {
        children: [{ fvCtx: { children: [], attributes: { name: 'v' } } }],
        attributes: { name: 't', status: 'created,modified' },
      },
    };
    expect(serialisePayload(payload as never)).toBe(
      '{"fvTenant":{"attributes":{"name":"t","status":"created,modified"},"children":[{"fvCtx":{"attributes":{"name":"v"}}}]}}',
    );
  });

  it('rejects malformed payloads naming the path', () => {
    expect(() => checkPayload({ fvTenant: { attributes: { name: 1 } } })).toThrow(/fvTenant\.attributes\.name/);
    expect(() => checkPayload({ a: { attributes: {} }, b: { attributes: {} } })).toThrow(/exactly one class key/);
    expect(() => checkPayload({ fvTenant: { attributes: {}, children: [{ 'bad-class': { attributes: {} } }] } })).toThrow(/children\.0/);
  });

  it('builds paths and deletion payloads', () => {
    expect(moPath('uni/tn-a/out-[x/y]')).toBe('/api/mo/uni/tn-a/out-[x/y].json');
    expect(() => moPath('')).toThrow(/non-empty/);
    expect(deletionPayload('fvTenant', 'uni/tn-a')).toEqual({ fvTenant: { attributes: { dn: 'uni/tn-a', status: 'deleted' } } });
  });
});

describe('websocket frames', () => {
  it('parses array and string subscription ids and several MOs per frame, in order', () => {
    const frame = parseFrame(
      '{"subscriptionId":["1","2"],"imdata":[{"fvTenant":{"attributes":{"dn":"uni/tn-a","status":"created"}}},{"fvTenant":{"attributes":{"dn":"uni/tn-b","status":"deleted"}}}]}',
    );
    expect(frame?.subscriptionIds).toEqual(['1', '2']);
    expect(frame?.events.map((e) => [e.type, e.dn, e.className])).toEqual([
      ['created', 'uni/tn-a', 'fvTenant'],
      ['deleted', 'uni/tn-b', 'fvTenant'],
    ]);
    expect(parseFrame('{"subscriptionId":"9","imdata":[]}')?.subscriptionIds).toEqual(['9']);
    expect(parseFrame('not json')).toBeUndefined();
    expect(parseFrame('{"imdata":[]}')).toBeUndefined();
  });

  it('maps status lists to one event type', () => {
    expect(eventType('created,modified')).toBe('created');
    expect(eventType('modified')).toBe('modified');
    expect(eventType('deleted')).toBe('deleted');
    expect(eventType(undefined)).toBe('modified');
  });
});
