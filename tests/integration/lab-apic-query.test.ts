import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabApic, type LabApic } from '../../lib/lab/apic';
import { apicFetch, attrsOf, labLogin } from '../../lib/lab/apic/test-support';

let apic: LabApic;
let cookie: string;
const get = (path: string) => apicFetch(apic, 'GET', path, { cookie });

const CEP = 'uni/tn-k8s/ap-a/epg-e/cep-00:00:00:00:00:01';
const PATH = 'topology/pod-1/paths-101/pathep-[eth1/1]';

beforeAll(async () => {
  apic = await startLabApic({ http: true });
  ({ cookie } = await labLogin(apic));
  apic.tree.load([
    { fvTenant: { attributes: { dn: 'uni/tn-k8s', name: 'k8s' } } },
    { fvTenant: { attributes: { dn: 'uni/tn-common', name: 'common' } } },
    { fvAp: { attributes: { dn: 'uni/tn-k8s/ap-a', name: 'a' }, children: [{ fvAEPg: { attributes: { rn: 'epg-e', name: 'e' } } }] } },
    {
      fvCEp: {
        attributes: { dn: CEP, mac: '00:00:00:00:00:01', encap: 'vlan-13' },
        children: [
          { fvIp: { attributes: { rn: 'ip-[10.0.0.11]', addr: '10.0.0.11', vrfDn: 'uni/tn-k8s/ctx-v' } } },
          { fvRsCEpToPathEp: { attributes: { rn: `rscEpToPathEp-[${PATH}]`, tDn: PATH } } },
        ],
      },
    },
    {
      fvCEp: {
        attributes: { dn: 'uni/tn-k8s/ap-a/epg-e/cep-00:00:00:00:00:02', mac: '00:00:00:00:00:02', encap: 'vlan-13' },
        children: [{ fvIp: { attributes: { rn: 'ip-[10.9.0.12]', addr: '10.9.0.12', vrfDn: 'uni/tn-other/ctx-x' } } }],
      },
    },
    { fabricPathEp: { attributes: { dn: PATH, name: 'eth1/1', lagT: 'not-aggregated' } } },
    { lldpIf: { attributes: { dn: 'topology/pod-1/node-101/sys/lldp/inst/if-[eth1/1]', id: 'eth1/1', portDesc: PATH } } },
    { lldpIf: { attributes: { dn: 'topology/pod-1/node-102/sys/lldp/inst/if-[eth1/1]', id: 'eth1/1', portDesc: 'x' } } },
  ]);
  // 12,000 routes on one leaf, for paging.
  apic.tree.load(
    Array.from({ length: 12_000 }, (_, i) => ({
      uribv4Route: {
        attributes: {
          dn: `topology/pod-1/node-103/sys/uribv4/dom-k8s:v/db-rt/rt-[10.${i >> 8}.${i & 255}.0/24]`,
          prefix: `10.${i >> 8}.${i & 255}.0/24`,
        },
      },
    })),
  );
});
afterAll(() => apic.stop());

describe('lab APIC queries', () => {
  it('class query: envelope with string totalCount and string attributes', async () => {
    const res = await get('/api/class/fvTenant.json');
    expect(res.status).toBe(200);
    expect(res.body.totalCount).toBe('2');
    expect(res.body.imdata).toEqual([
      { fvTenant: { attributes: { dn: 'uni/tn-common', name: 'common', status: '' } } },
      { fvTenant: { attributes: { dn: 'uni/tn-k8s', name: 'k8s', status: '' } } },
    ]);
    const node = await get('/api/node/class/fvTenant.json');
    expect(node.body).toEqual(res.body);
  });

  it('node-scoped class query only returns objects below the node', async () => {
    const res = await get('/api/node/class/topology/pod-1/node-101/lldpIf.json');
    expect(attrsOf(res.body).map((a) => a['dn'])).toEqual(['topology/pod-1/node-101/sys/lldp/inst/if-[eth1/1]']);
  });

  it('mo query with bracketed DN; missing DN gives 200 and empty imdata', async () => {
    const res = await get(`/api/mo/${PATH}.json`);
    expect(attrsOf(res.body)).toEqual([{ dn: PATH, lagT: 'not-aggregated', name: 'eth1/1', status: '' }]);
    const missing = await get('/api/node/mo/uni/tn-nope.json');
    expect(missing.status).toBe(200);
    expect(missing.body).toEqual({ totalCount: '0', imdata: [] });
  });

  it('query-target children/subtree with target-subtree-class (comma list and repeated)', async () => {
    const children = await get(`/api/mo/${CEP}.json?query-target=children`);
    expect(attrsOf(children.body).map((a) => a['dn'])).toEqual([`${CEP}/ip-[10.0.0.11]`, `${CEP}/rscEpToPathEp-[${PATH}]`]);
    const sub = await get('/api/mo/uni/tn-k8s.json?query-target=subtree&target-subtree-class=fvIp&target-subtree-class=fvTenant');
    expect(attrsOf(sub.body).map((a) => a['dn'])).toEqual([
      'uni/tn-k8s',
      `${CEP}/ip-[10.0.0.11]`,
      'uni/tn-k8s/ap-a/epg-e/cep-00:00:00:00:00:02/ip-[10.9.0.12]',
    ]);
    const byList = await get('/api/mo/uni/tn-k8s.json?query-target=subtree&target-subtree-class=fvIp,fvTenant');
    expect(byList.body).toEqual(sub.body);
    // Class query with subtree: descendants of every fvCEp
    const classSub = await get('/api/class/fvCEp.json?query-target=subtree&target-subtree-class=fvRsCEpToPathEp');
    expect(attrsOf(classSub.body).map((a) => a['tDn'])).toEqual([PATH]);
  });

  it('query-target-filter (VKACI A2/A3/A5-style)', async () => {
    const res = await get('/api/class/fvCEp.json?query-target-filter=eq(fvCEp.mac,"00:00:00:00:00:02")');
    expect(attrsOf(res.body).map((a) => a['mac'])).toEqual(['00:00:00:00:00:02']);
    const encoded = await get(`/api/class/lldpIf.json?query-target-filter=${encodeURIComponent(`eq(lldpIf.portDesc,"${PATH}")`)}`);
    expect(attrsOf(encoded.body).map((a) => a['dn'])).toEqual(['topology/pod-1/node-101/sys/lldp/inst/if-[eth1/1]']);
    const wcard = await get(
      '/api/class/uribv4Route.json?query-target-filter=and(wcard(uribv4Route.dn,"dom-k8s:v/db-rt"),eq(uribv4Route.prefix,"10.1.2.0/24"))',
    );
    expect(wcard.body.totalCount).toBe('1');
  });

  it('rsp-subtree children/full with rsp-subtree-class; children carry rn, not dn', async () => {
    const res = await get(`/api/mo/${CEP}.json?rsp-subtree=children&rsp-subtree-class=fvRsCEpToPathEp`);
    const body = res.body.imdata![0]!['fvCEp']!;
    expect(body.children).toEqual([{ fvRsCEpToPathEp: { attributes: { rn: `rscEpToPathEp-[${PATH}]`, status: '', tDn: PATH } } }]);
    const full = await get('/api/mo/uni/tn-k8s.json?rsp-subtree=full&rsp-subtree-class=fvIp');
    // The containers on the way (ap, epg, cep) are kept so the nesting stays intact; other children are not.
    const path: string[] = [];
    let node = full.body.imdata![0]!['fvTenant'] as
      { children?: Array<Record<string, { attributes: Record<string, string>; children?: unknown[] }>> } | undefined;
    while (node?.children) {
      const [cls, child] = Object.entries(node.children[0]!)[0]!;
      path.push(`${cls}:${child.attributes['rn']}`);
      expect(node.children.every((c) => Object.keys(c)[0] !== 'fvRsCEpToPathEp')).toBe(true);
      node = child as typeof node;
    }
    expect(path).toEqual(['fvAp:ap-a', 'fvAEPg:epg-e', 'fvCEp:cep-00:00:00:00:00:01', 'fvIp:ip-[10.0.0.11]']);
    const none = await get(`/api/mo/${CEP}.json?rsp-subtree=no`);
    expect(none.body.imdata![0]!['fvCEp']!.children).toBeUndefined();
  });

  it('rsp-subtree-filter + rsp-subtree-include=required returns only parents with a match (VKACI A1)', async () => {
    const res = await get(
      '/api/class/fvCEp.json?rsp-subtree=full&rsp-subtree-filter=eq(fvIp.vrfDn,"uni/tn-k8s/ctx-v")&rsp-subtree-include=required',
    );
    expect(res.body.imdata).toHaveLength(1);
    expect(res.body.totalCount).toBe('1');
    const cep = res.body.imdata![0]!['fvCEp']!;
    expect(cep.attributes['mac']).toBe('00:00:00:00:00:01');
    expect(cep.children).toEqual([
      { fvIp: { attributes: { addr: '10.0.0.11', rn: 'ip-[10.0.0.11]', status: '', vrfDn: 'uni/tn-k8s/ctx-v' } } },
    ]);
  });

  it('rsp-subtree-include=count and relations', async () => {
    const count = await get('/api/class/uribv4Route.json?rsp-subtree-include=count');
    expect(count.body.imdata).toEqual([{ moCount: { attributes: { childAction: '', count: '12000', dn: 'cnt', status: '' } } }]);
    const rel = await get(`/api/mo/${CEP}/rscEpToPathEp-[${PATH}].json?rsp-subtree-include=relations`);
    expect(rel.body.imdata!.map((i) => Object.keys(i)[0])).toEqual(['fvRsCEpToPathEp', 'fabricPathEp']);
  });

  it('order-by asc/desc', async () => {
    const desc = await get('/api/class/fvCEp.json?order-by=fvCEp.mac|desc');
    expect(attrsOf(desc.body).map((a) => a['mac'])).toEqual(['00:00:00:00:00:02', '00:00:00:00:00:01']);
    const asc = await get('/api/class/fvCEp.json?order-by=fvCEp.mac|asc');
    expect(attrsOf(asc.body).map((a) => a['mac'])).toEqual(['00:00:00:00:00:01', '00:00:00:00:00:02']);
  });

  it('pages a 12,000-object class: totalCount is the total, pages partition the set', async () => {
    const seen = new Set<string>();
    for (let page = 0; page < 3; page++) {
      const res = await get(`/api/class/uribv4Route.json?page-size=5000&page=${page}`);
      expect(res.body.totalCount).toBe('12000');
      expect(res.body.imdata).toHaveLength(page < 2 ? 5000 : 2000);
      for (const a of attrsOf(res.body)) seen.add(a['dn']!);
    }
    expect(seen.size).toBe(12_000);
    const beyond = await get('/api/class/uribv4Route.json?page-size=5000&page=3');
    expect(beyond.body).toEqual({ totalCount: '12000', imdata: [] });
  });

  it('malformed filters and options give the APIC error envelope', async () => {
    const res = await get('/api/class/fvCEp.json?query-target-filter=eq(fvCEp.mac,"x"');
    expect(res.status).toBe(400);
    expect(res.body.totalCount).toBe('1');
    const err = res.body.imdata![0]!['error']!.attributes;
    expect(Object.keys(err).sort()).toEqual(['code', 'text']);
    expect(err['text']).toContain('Incorrect filter format');
    const opt = await get('/api/class/fvCEp.json?query-target=everything');
    expect(opt.status).toBe(400);
    expect(opt.body.imdata![0]!['error']!.attributes['text']).toContain("'query-target'");
    const cls = await get('/api/class/fvFoobar.json');
    expect(cls.status).toBe(400);
    expect(cls.body.imdata![0]!['error']!.attributes).toEqual({ code: '122', text: 'unknown managed object class fvFoobar' });
  });

  it('ignores unknown parameters such as the GUI cache-buster _dc', async () => {
    const res = await get('/api/class/fvTenant.json?_dc=1683801093405');
    expect(res.body.totalCount).toBe('2');
  });
});
