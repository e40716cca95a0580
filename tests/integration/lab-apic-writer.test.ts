import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApicClient, ApicError, moQuery } from '../../lib/aci';
import type { WireMo } from '../../lib/aci/mo';
import { startLabApic, type LabApic } from '../../lib/lab/apic';
import { apicFetch, attrsOf, labLogin } from '../../lib/lab/apic/test-support';
import { labControlRequest, labFaultControl, startLabControl, type LabControlServer } from '../../lib/lab/events';
import { silentLogger } from '../../lib/logging';

/**
 * What a configuration writer (an apply engine, Terraform's aci_rest_managed, Ansible's cisco.aci) relies on from the
 * lab APIC, checked over the real wire: with plain HTTP (the wire facts) and with the project's own client.
 */

let apic: LabApic;
let client: ApicClient;
let cookie: string;
let control: LabControlServer;

const T = 'uni/tn-writer';
const NP = `${T}/out-L3/lnodep-np`;

const mo = (cls: string, attributes: Record<string, string>, children: WireMo[] = []): WireMo => ({
  [cls]: children.length ? { attributes, children } : { attributes },
});
const http = (method: string, path: string, body?: unknown) => apicFetch(apic, method, path, { cookie, body });
const one = (imdata: WireMo[] | undefined): Record<string, string> => Object.values(imdata?.[0] ?? {})[0]?.attributes ?? {};

beforeAll(async () => {
  apic = await startLabApic({ http: true });
  cookie = (await labLogin(apic)).cookie;
  client = new ApicClient({
    controllers: [apic.url],
    auth: { type: 'password', user: apic.credentials.user, password: apic.credentials.password },
    tls: { ca: apic.caPem },
  });
  await client.post(
    T,
    mo('fvTenant', { name: 'writer' }, [
      mo('fvCtx', { name: 'vrf' }),
      mo('l3extOut', { name: 'L3' }, [mo('l3extRsEctx', { tnFvCtxName: 'vrf' }), mo('l3extLNodeP', { name: 'np' })]),
    ]),
  );
  control = await startLabControl(
    {
      event: () => Promise.reject(new Error('unused')),
      events: () => Promise.reject(new Error('unused')),
      truth: () => ({ nodes: [], sessions: [], routes: [], services: [] }),
      faults: labFaultControl(apic.faults),
      counters: () => ({ apicConfigWrites: apic.faults.configWrites() }),
    },
    silentLogger,
  );
});

afterAll(async () => {
  await client?.close();
  await control?.stop();
  await apic?.stop();
});

describe('naming values in brackets name the same object', () => {
  it('accepts lifp-[ip1] and lifp-ip1 in URLs, dn and rn, and always answers with the canonical form', async () => {
    const created = await http('POST', `/api/mo/${NP}/lifp-[ip1].json`, { l3extLIfP: { attributes: { name: 'ip1' } } });
    expect(created.status).toBe(200);
    for (const form of ['lifp-ip1', 'lifp-[ip1]']) {
      const res = await http('GET', `/api/mo/${NP}/${form}.json`);
      expect(attrsOf(res.body).map((a) => a['dn'])).toEqual([`${NP}/lifp-ip1`]);
    }
    // The same object through the other form: a modification, not a second object.
    await http('POST', `/api/mo/${NP}/lifp-ip1.json`, { l3extLIfP: { attributes: { descr: 'first' } } });
    await http('POST', `/api/mo/${NP}.json`, {
      l3extLNodeP: { attributes: {}, children: [{ l3extLIfP: { attributes: { rn: 'lifp-[ip1]', tag: 'red' } } }] },
    });
    await http('POST', `/api/mo/${NP}.json`, {
      l3extLNodeP: { attributes: {}, children: [{ l3extLIfP: { attributes: { dn: `${NP}/lifp-[ip1]`, prio: 'level1' } } }] },
    });
    const children = await http('GET', `/api/mo/${NP}.json?query-target=children&target-subtree-class=l3extLIfP`);
    expect(attrsOf(children.body)).toEqual([expect.objectContaining({ dn: `${NP}/lifp-ip1`, descr: 'first', tag: 'red', prio: 'level1' })]);
    // Formats that bracket their value answer bracketed whichever way it was written.
    await http('POST', `/api/mo/${NP}/rsnodeL3OutAtt-[topology/pod-1/node-101].json`, {
      l3extRsNodeL3OutAtt: { attributes: { rtrId: '1.1.1.1' } },
    });
    const rel = await client.get(`${NP}/rsnodeL3OutAtt-[topology/pod-1/node-101]`);
    expect(one(rel ? [rel] : [])['tDn']).toBe('topology/pod-1/node-101');
  });

  it('refuses a value holding "/" outside brackets, naming the class format', async () => {
    const res = await http('POST', `/api/mo/${NP}.json`, {
      l3extLNodeP: {
        attributes: {},
        children: [{ l3extRsNodeL3OutAtt: { attributes: { rn: 'rsnodeL3OutAtt-topology/pod-1/node-102' } } }],
      },
    });
    expect(res.status).toBe(400);
    expect(attrsOf(res.body)[0]!['text']).toMatch(
      /does not name a l3extRsNodeL3OutAtt \(rn format rsnodeL3OutAtt-\[\{tDn\}\].*must be bracketed/,
    );
    expect(await client.get(`${NP}/rsnodeL3OutAtt-[topology/pod-1/node-102]`)).toBeUndefined();
  });

  it('deletes by either form with DELETE /api/mo/<dn>.json, subtree included', async () => {
    await client.post(
      `${NP}/lifp-gone`,
      mo('l3extLIfP', { name: 'gone' }, [
        mo('l3extVirtualLIfP', { nodeDn: 'topology/pod-1/node-101', encap: 'vlan-9', addr: '10.0.0.1/24' }),
      ]),
    );
    expect((await http('DELETE', `/api/mo/${NP}/lifp-[gone].json`)).status).toBe(200);
    expect(await client.get(`${NP}/lifp-gone`)).toBeUndefined();
    const orphans = await http('GET', `/api/class/l3extVirtualLIfP.json?query-target-filter=eq(l3extVirtualLIfP.encap,"vlan-9")`);
    expect(orphans.body.imdata).toEqual([]);
    // The client's delete is the same request.
    await client.post(`${T}/ctx-tmp`, mo('fvCtx', { name: 'tmp' }));
    await client.delete(`${T}/ctx-tmp`);
    expect(await client.get(`${T}/ctx-tmp`)).toBeUndefined();
  });
});

describe('what a diff reads', () => {
  it('rsp-prop-include=config-only keeps the configurable properties, naming-only the naming ones, all everything', async () => {
    await client.post(`${T}/ctx-vrf`, mo('fvCtx', { pcEnfPref: 'unenforced', descr: 'cluster vrf' }));
    const all = one([(await client.get(`${T}/ctx-vrf`))!]);
    expect(all).toMatchObject({ dn: `${T}/ctx-vrf`, name: 'vrf', pcEnfPref: 'unenforced', lcOwn: 'local', childAction: '' });
    expect(all['modTs']).toMatch(/^\d{4}-/);
    const config = one([(await client.get(`${T}/ctx-vrf`, { rspPropInclude: 'config-only' }))!]);
    expect(config).toEqual({
      annotation: '',
      descr: 'cluster vrf',
      dn: `${T}/ctx-vrf`,
      name: 'vrf',
      nameAlias: '',
      pcEnfPref: 'unenforced',
      status: '',
    });
    const naming = one([(await client.get(`${T}/ctx-vrf`, { rspPropInclude: 'naming-only' }))!]);
    expect(naming).toEqual({ dn: `${T}/ctx-vrf`, name: 'vrf', status: '' });
    const bad = await http('GET', `/api/mo/${T}.json?rsp-prop-include=some`);
    expect(bad.status).toBe(400);
    expect(attrsOf(bad.body)[0]!['text']).toMatch(/rsp-prop-include/);
  });

  it('keeps annotation and nameAlias on configurable objects (relations have no alias)', async () => {
    await client.post(T, mo('fvTenant', { annotation: 'orchestrator:akb', nameAlias: 'Writer' }));
    const tenant = one([(await client.get(T, { rspPropInclude: 'config-only' }))!]);
    expect(tenant).toMatchObject({ annotation: 'orchestrator:akb', nameAlias: 'Writer' });
    const rel = one([(await client.get(`${T}/out-L3/rsectx`, { rspPropInclude: 'config-only' }))!]);
    expect(rel).toMatchObject({ annotation: '', tnFvCtxName: 'vrf' });
    expect(rel).not.toHaveProperty('nameAlias');
  });

  it('answers a POST with rsp-subtree=modified with exactly what changed, nested, and nothing when nothing did', async () => {
    const payload = mo('l3extOut', { name: 'L3', enforceRtctrl: 'export' }, [
      mo('l3extInstP', { name: 'epg' }, [mo('l3extSubnet', { ip: '10.1.0.0/16', scope: 'import-security' })]),
    ]);
    const first = await client.post(`${T}/out-L3`, payload, { rspSubtree: 'modified' });
    expect(first).toEqual([
      {
        l3extOut: {
          attributes: expect.objectContaining({ dn: `${T}/out-L3`, status: 'modified', enforceRtctrl: 'export' }),
          children: [
            {
              l3extInstP: {
                attributes: expect.objectContaining({ rn: 'instP-epg', status: 'created', name: 'epg' }),
                children: [{ l3extSubnet: { attributes: expect.objectContaining({ rn: 'extsubnet-[10.1.0.0/16]', status: 'created' }) } }],
              },
            },
          ],
        },
      },
    ]);
    expect(await client.post(`${T}/out-L3`, payload, { rspSubtree: 'modified' })).toEqual([]);
    const changedOne = await client.post(
      `${T}/out-L3`,
      mo('l3extOut', {}, [
        mo('l3extInstP', { name: 'epg' }, [mo('l3extSubnet', { ip: '10.1.0.0/16', scope: 'import-security,shared-rtctrl' })]),
      ]),
      { rspSubtree: 'modified' },
    );
    const subnet = changedOne[0]!['l3extOut']!.children![0]!['l3extInstP']!.children![0]!['l3extSubnet']!.attributes;
    expect(changedOne[0]!['l3extOut']!.attributes).toEqual({ dn: `${T}/out-L3`, status: '' });
    expect(subnet).toEqual({
      rn: 'extsubnet-[10.1.0.0/16]',
      scope: 'import-security,shared-rtctrl',
      modTs: expect.any(String),
      status: 'modified',
    });
    const gone = await client.post(`${T}/out-L3`, mo('l3extOut', {}, [mo('l3extInstP', { name: 'epg', status: 'deleted' })]), {
      rspSubtree: 'modified',
    });
    expect(gone[0]!['l3extOut']!.children).toEqual([{ l3extInstP: { attributes: { rn: 'instP-epg', status: 'deleted' } } }]);
  });
});

/** The tenant's whole configuration as a diff reads it. */
async function tenantConfig(): Promise<WireMo[]> {
  return client.query(moQuery(T, { queryTarget: 'subtree', rspPropInclude: 'config-only' }));
}

describe('native snapshot and rollback', () => {
  it('a configExportP snapshot, changes, then a configImportP atomic replace restores the tenant exactly', async () => {
    await client.post(`${T}/ctx-vrf`, mo('fvCtx', { descr: 'before' }));
    const before = await tenantConfig();
    await client.post(
      'uni/fabric/configexp-akb-pre-apply',
      mo('configExportP', { name: 'akb-pre-apply', snapshot: 'yes', adminSt: 'triggered', targetDn: T }),
    );
    const policy = one([(await client.get('uni/fabric/configexp-akb-pre-apply'))!]);
    expect(policy['adminSt']).toBe('untriggered');
    const jobs = await http('GET', '/api/node/mo/uni/backupst/jobs-[uni/fabric/configexp-akb-pre-apply].json?query-target=children');
    expect(attrsOf(jobs.body)).toEqual([expect.objectContaining({ type: 'export', operSt: 'success' })]);
    const snapshots = await client.query(
      moQuery('uni/backupst/snapshots-[uni/fabric/configexp-akb-pre-apply]', {
        queryTarget: 'children',
        targetSubtreeClass: ['configSnapshot'],
      }),
    );
    expect(snapshots).toHaveLength(1);
    const snap = one(snapshots);
    expect(snap['name']).toMatch(/^run-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}$/);
    expect(snap).toMatchObject({ targetDn: T, fileName: `ce2_akb-pre-apply-${snap['name']!.slice(4)}.tar.gz` });

    // Someone changes the tenant: a property, a new object, a deletion, and an added property on an existing one.
    await client.post(`${T}/ctx-vrf`, mo('fvCtx', { descr: 'after', pcEnfPref: 'enforced' }));
    await client.post(`${T}/ctx-new`, mo('fvCtx', { name: 'new' }));
    await client.delete(`${T}/out-L3/rsectx`);
    await client.post(`${T}/out-L3/lnodep-np`, mo('l3extLNodeP', { tag: 'blue' }));
    expect(await tenantConfig()).not.toEqual(before);

    await client.post(
      'uni/fabric/configimp-akb-rollback',
      mo('configImportP', {
        name: 'akb-rollback',
        snapshot: 'yes',
        adminSt: 'triggered',
        importType: 'replace',
        importMode: 'atomic',
        fileName: snap['fileName']!,
      }),
    );
    expect(await tenantConfig()).toEqual(before);
    const importJobs = await http('GET', '/api/mo/uni/backupst/jobs-[uni/fabric/configimp-akb-rollback].json?query-target=children');
    expect(attrsOf(importJobs.body)).toEqual([expect.objectContaining({ type: 'import', operSt: 'success', fileName: snap['fileName'] })]);
  });

  it('an import of an unknown file fails its job and changes nothing', async () => {
    const before = await tenantConfig();
    await client.post(
      'uni/fabric/configimp-akb-bad',
      mo('configImportP', {
        name: 'akb-bad',
        snapshot: 'yes',
        adminSt: 'triggered',
        importType: 'replace',
        fileName: 'ce2_none-2020-01-01T00-00-00.tar.gz',
      }),
    );
    const jobs = await http('GET', '/api/mo/uni/backupst/jobs-[uni/fabric/configimp-akb-bad].json?query-target=children');
    expect(attrsOf(jobs.body)).toEqual([
      expect.objectContaining({ operSt: 'failed', details: expect.stringContaining('no snapshot file') }),
    ]);
    expect(await tenantConfig()).toEqual(before);
  });
});

describe('the configuration-write fault', () => {
  it('fails exactly the Nth write with the APIC error, changing nothing, armed in-process', async () => {
    apic.faults.failConfigWrite({ nth: 2, status: 400, code: '103', text: 'Cannot create object' });
    await client.post(`${T}/ctx-f1`, mo('fvCtx', { name: 'f1' }));
    const err = await client.post(`${T}/ctx-f2`, mo('fvCtx', { name: 'f2' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApicError);
    expect(err).toMatchObject({ code: '103', text: 'Cannot create object', httpStatus: 400 });
    expect(await client.get(`${T}/ctx-f2`)).toBeUndefined();
    await client.post(`${T}/ctx-f3`, mo('fvCtx', { name: 'f3' }));
    expect(await client.get(`${T}/ctx-f3`)).toBeDefined();
    // Reads do not count.
    apic.faults.failConfigWrite();
    await client.get(T);
    expect((await http('DELETE', `/api/mo/${T}/ctx-f3.json`)).status).toBe(400);
    expect(await client.get(`${T}/ctx-f3`)).toBeDefined();
  });

  it('is armed, listed and disarmed through the lab control API, with bad fields named', async () => {
    const armed = await labControlRequest(control, '/faults/apic-config-write', { body: { nth: 1, code: '122', text: 'lab says no' } });
    expect(armed.status).toBe(200);
    expect(await (await labControlRequest(control, '/faults')).json()).toEqual({
      'apic-config-write': { nth: 1, status: 400, code: '122', text: 'lab says no', remaining: 1 },
    });
    const res = await http('POST', `/api/mo/${T}/ctx-f4.json`, { fvCtx: { attributes: { name: 'f4' } } });
    expect(res.status).toBe(400);
    expect(attrsOf(res.body)[0]).toEqual({ code: '122', text: 'lab says no' });
    const bad = await labControlRequest(control, '/faults/apic-config-write', { body: { nth: 0, code: 'x' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: string[] }).issues).toEqual([
      expect.stringMatching(/^nth: /),
      expect.stringMatching(/^code: must be a numeric/),
    ]);
    await labControlRequest(control, '/faults/apic-config-write', { body: {} });
    await labControlRequest(control, '/faults/apic-config-write', { method: 'DELETE' });
    expect((await http('POST', `/api/mo/${T}/ctx-f5.json`, { fvCtx: { attributes: { name: 'f5' } } })).status).toBe(200);
    expect((await labControlRequest(control, '/faults/nope', { body: {} })).status).toBe(404);
  });

  it('counts every configuration write the APIC receives, refused ones included, and no read', async () => {
    const count = async () =>
      ((await (await labControlRequest(control, '/counters')).json()) as { apicConfigWrites: number }).apicConfigWrites;
    const before = await count();
    await client.get(T, { rspSubtree: 'full' });
    expect(await count()).toBe(before);
    expect((await http('POST', `/api/mo/${T}/ctx-c1.json`, { fvCtx: { attributes: { name: 'c1' } } })).status).toBe(200);
    // The same object again changes nothing on the APIC, and is still a POST that reached it.
    expect((await http('POST', `/api/mo/${T}/ctx-c1.json`, { fvCtx: { attributes: { name: 'c1' } } })).status).toBe(200);
    apic.faults.failConfigWrite();
    expect((await http('DELETE', `/api/mo/${T}/ctx-c1.json`)).status).toBe(400);
    expect(await count()).toBe(before + 3);
  });
});

describe('a payload POSTed to its parent', () => {
  it('creates the child below the URL object and answers with the child, as APIC does for /api/mo/uni.json', async () => {
    const res = await http('POST', '/api/mo/uni.json?rsp-subtree=modified', { fvTenant: { attributes: { name: 'parented' } } });
    expect(res.status).toBe(200);
    expect(attrsOf(res.body)).toEqual([expect.objectContaining({ dn: 'uni/tn-parented', name: 'parented', status: 'created' })]);
    const ctx = await http('POST', '/api/mo/uni/tn-parented.json', { fvCtx: { attributes: { name: 'v' } } });
    expect(ctx.status).toBe(200);
    expect(await client.get('uni/tn-parented/ctx-v')).toBeDefined();
  });
});
