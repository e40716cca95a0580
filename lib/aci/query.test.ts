import { describe, expect, it } from 'vitest';
import { eq, wcard } from './filter';
import { classQuery, defaultOrderBy, encodeQueryValue, moQuery, nodeClassQuery, queryPath } from './query';

describe('query paths', () => {
  it('builds class, node-scoped class and MO paths with DNs raw', () => {
    expect(queryPath(classQuery('fabricNode'))).toBe('/api/class/fabricNode.json');
    expect(queryPath(nodeClassQuery('topology/pod-1/node-201', 'bgpDom'))).toBe('/api/node/class/topology/pod-1/node-201/bgpDom.json');
    expect(queryPath(moQuery('uni/tn-test/out-X/lnodep-Y/lifp-Z/vlifp-[topology/pod-1/node-101]-[vlan-13]'))).toBe(
      '/api/mo/uni/tn-test/out-X/lnodep-Y/lifp-Z/vlifp-[topology/pod-1/node-101]-[vlan-13].json',
    );
  });

  it('renders every option in a fixed order, keeping filter syntax raw', () => {
    const q = classQuery('fvCEp', {
      queryTarget: 'subtree',
      targetSubtreeClass: ['fvCEp', 'fvIp'],
      filter: eq('fvCEp.mac', 'AA:BB'),
      rspSubtree: 'full',
      rspSubtreeClass: ['fvRsCEpToPathEp'],
      rspSubtreeFilter: eq('fvIp.vrfDn', 'uni/tn-x/ctx-y'),
      rspSubtreeInclude: ['required'],
      rspPropInclude: 'config-only',
      orderBy: ['fvCEp.mac|desc'],
    });
    expect(
      queryPath(q, [
        ['page', '2'],
        ['page-size', '500'],
      ]),
    ).toBe(
      '/api/class/fvCEp.json?query-target=subtree&target-subtree-class=fvCEp,fvIp&query-target-filter=eq(fvCEp.mac,"AA:BB")' +
        '&rsp-subtree=full&rsp-subtree-class=fvRsCEpToPathEp&rsp-subtree-filter=eq(fvIp.vrfDn,"uni/tn-x/ctx-y")' +
        '&rsp-subtree-include=required&rsp-prop-include=config-only&order-by=fvCEp.mac|desc&page=2&page-size=500',
    );
  });

  it('percent-encodes only characters that cannot travel raw', () => {
    expect(encodeQueryValue('wcard(a.b,"x y&z=1#+%")')).toBe('wcard(a.b,"x%20y%26z%3D1%23%2B%25")');
    expect(encodeQueryValue('é')).toBe('%C3%A9');
    expect(queryPath(classQuery('fvTenant', { filter: wcard('fvTenant.descr', 'a b') }))).toBe(
      '/api/class/fvTenant.json?query-target-filter=wcard(fvTenant.descr,"a%20b")',
    );
  });

  it('orders class queries by dn for stable paging unless told otherwise', () => {
    expect(defaultOrderBy(classQuery('fvCEp'))).toEqual(['fvCEp.dn']);
    expect(defaultOrderBy(classQuery('fvCEp', { orderBy: ['fvCEp.mac'] }))).toEqual(['fvCEp.mac']);
    expect(defaultOrderBy(moQuery('uni'))).toBeUndefined();
    expect(defaultOrderBy(classQuery('bgpDom', { queryTarget: 'subtree' }))).toBeUndefined();
  });

  it('rejects bad class names, nodes and DNs with the offending value', () => {
    expect(() => classQuery('fv-Tenant')).toThrow(/fv-Tenant/);
    expect(() => nodeClassQuery('pod-1/node-1', 'bgpDom')).toThrow(/topology\/pod-1\/node-101/);
    expect(() => moQuery('/uni')).toThrow(/leading/);
    expect(() => moQuery('uni/tn-a?x')).toThrow(/uni\/tn-a\?x/);
    expect(() => queryPath(classQuery('fvCEp', { rspSubtreeClass: ['fvIp,fvCEp'] }))).toThrow(/rsp-subtree-class/);
  });
});
