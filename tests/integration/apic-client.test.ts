import { createSign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApicClient,
  ApicError,
  ApicUnavailableError,
  and,
  bw,
  classQuery,
  eq,
  ge,
  gt,
  le,
  lt,
  moQuery,
  ne,
  nodeClassQuery,
  not,
  or,
  wcard,
  type ApicClientOptionsInput,
  type Filter,
} from '../../lib/aci';
import { signatureCookie } from '../../lib/aci/auth-cert';
import { createTransport } from '../../lib/aci/transport';
import type { WireMo } from '../../lib/aci/mo';
import { ApicTree, addLabUser, createUserCert, startLabApic, type LabApic } from '../../lib/lab/apic';
import { createLogger } from '../../lib/logging';
import { waitFor } from '../support/wait';

/** Every log line of every client in this file, checked for secrets at the end. */
const logLines: string[] = [];
const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(line) } });

const labs: LabApic[] = [];
const clients: ApicClient[] = [];

async function lab(opts: Parameters<typeof startLabApic>[0] = {}): Promise<LabApic> {
  const l = await startLabApic(opts);
  labs.push(l);
  return l;
}

function client(l: LabApic | LabApic[], extra: Partial<ApicClientOptionsInput> = {}): ApicClient {
  const ls = Array.isArray(l) ? l : [l];
  const c = new ApicClient({
    controllers: ls.map((x) => x.url),
    auth: { type: 'password', user: ls[0]!.credentials.user, password: ls[0]!.credentials.password },
    tls: { ca: ls[0]!.caPem },
    requestTimeoutMs: 5_000,
    logger,
    ...extra,
  });
  clients.push(c);
  return c;
}

const dnsOf = (mos: WireMo[]): string[] => mos.map((mo) => Object.values(mo)[0]!.attributes.dn!).sort();

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(labs.splice(0).map((l) => l.stop()));
});

const NODES: Array<{ id: string; role: string; name: string }> = [
  ...[101, 102, 103, 104, 105, 106].map((n) => ({ id: String(n), role: 'leaf', name: `leaf-${n}` })),
  { id: '201', role: 'spine', name: 'spine-201' },
  { id: '202', role: 'spine', name: 'spine "quoted" 202' },
  { id: '301', role: 'controller', name: 'apic\\one' },
];

function loadNodes(tree: ApicTree): void {
  tree.load(NODES.map((n) => ({ fabricNode: { attributes: { dn: `topology/pod-1/node-${n.id}`, ...n } } })));
}

describe('ApicClient against the lab APIC', () => {
  it('logs in once, refreshes before expiry, and logs in again after a forced expiry', async () => {
    const l = await lab({ tokenLifetimeSec: 2 });
    loadNodes(l.tree);
    const c = client(l);
    expect(await c.query(classQuery('fabricNode'))).toHaveLength(NODES.length);
    expect(c.counts.login).toBe(1);
    // Refresh runs at half the lifetime; outliving one full lifetime proves the session was kept alive.
    await waitFor(() => c.counts.refresh >= 2, { what: 'two refreshes', timeoutMs: 5_000 });
    expect(await c.query(classQuery('fabricNode'))).toHaveLength(NODES.length);
    expect(c.counts.login).toBe(1);
    l.faults.expireAllTokens();
    expect(await c.query(classQuery('fabricNode'))).toHaveLength(NODES.length);
    expect(c.counts.login).toBe(2);
    expect(c.counts.query).toBe(4); // the rejected attempt and its retry are both sent
    // Requests rejected together share one new login.
    l.faults.expireAllTokens();
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => c.query(classQuery('fabricNode'))));
    expect(results.map((r) => r.length)).toEqual([9, 9, 9, 9, 9]);
    expect(c.counts.login).toBe(3);
  });

  it('rejects wrong credentials with a typed 401 ApicError', async () => {
    const l = await lab();
    const c = client(l, { auth: { type: 'password', user: 'admin', password: 'wrong-password' } });
    const err = await c.query(classQuery('fabricNode')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApicError);
    expect(err).toMatchObject({ httpStatus: 401, code: '401' });
  });

  it('signs every request with a user certificate; a tampered signature is rejected', async () => {
    const l = await lab({ http: true });
    loadNodes(l.tree);
    const cert = createUserCert('akbcert');
    addLabUser(l.tree, { name: 'akbcert', cert, admin: true });
    const c = client(l, { auth: { type: 'certificate', user: 'akbcert', certName: 'akbcert.crt', privateKey: cert.privateKeyPem } });
    const leaves = await c.query(classQuery('fabricNode', { filter: eq('fabricNode.role', 'leaf') }));
    expect(leaves).toHaveLength(6);
    await c.post('uni/tn-signed', { fvTenant: { attributes: { name: 'signed' } } });
    expect(l.tree.get('uni/tn-signed')?.className).toBe('fvTenant');
    expect(c.counts.login).toBe(0);

    // Same cookies, signature over a different path: the APIC must refuse.
    const t = createTransport({}, 5_000);
    const sig = createSign('RSA-SHA256').update('GET/api/class/fvTenant.json').sign(cert.privateKeyPem, 'base64');
    const ok = await t.request(l.url, 'GET', '/api/class/fvTenant.json', { cookie: signatureCookie(cert.certDn, sig) });
    expect(ok.status).toBe(200);
    const tampered = await t.request(l.url, 'GET', '/api/class/fabricNode.json', { cookie: signatureCookie(cert.certDn, sig) });
    expect(tampered.status).toBe(403);
    t.close();

    const other = createUserCert('akbcert');
    const wrongKey = client(l, {
      auth: { type: 'certificate', user: 'akbcert', certName: 'akbcert.crt', privateKey: other.privateKeyPem },
    });
    await expect(wrongKey.query(classQuery('fabricNode'))).rejects.toMatchObject({ httpStatus: 403 });
  });

  it('fails over across three controllers sharing one tree and remembers the healthy one', async () => {
    const tree = new ApicTree();
    loadNodes(tree);
    const [a, b, cc] = [await lab({ tree }), await lab({ tree }), await lab({ tree })];
    const c = client([a, b, cc]);
    expect(await c.query(classQuery('fabricNode'))).toHaveLength(NODES.length);
    expect(c.controller).toBe(a.url);
    await a.stop();
    expect(await c.query(classQuery('fabricNode'))).toHaveLength(NODES.length);
    expect(c.controller).toBe(b.url);
    const before = c.counts.query;
    expect(await c.query(classQuery('fabricNode'))).toHaveLength(NODES.length);
    expect(c.counts.query - before).toBe(1); // straight to b, no attempt on the dead a
    b.faults.failNext(1, 503);
    expect(await c.query(classQuery('fabricNode'))).toHaveLength(NODES.length);
    expect(c.controller).toBe(cc.url);
    await b.stop();
    await cc.stop();
    await expect(c.query(classQuery('fabricNode'))).rejects.toBeInstanceOf(ApicUnavailableError);
  });

  it('verifies TLS by default and warns once when told not to', async () => {
    const l = await lab();
    loadNodes(l.tree);
    const strict = client(l, { tls: {} });
    await expect(strict.query(classQuery('fabricNode'))).rejects.toThrow(/certificate/i);
    const mark = logLines.length;
    const loose = client(l, { tls: { insecure: true } });
    expect(await loose.query(classQuery('fabricNode'))).toHaveLength(NODES.length);
    await loose.query(classQuery('fabricNode'));
    expect(logLines.slice(mark).filter((x) => x.includes('verification is DISABLED'))).toHaveLength(1);
    // The CA bundle may also be given as a file path.
    const caFile = join(mkdtempSync(join(tmpdir(), 'akb-apic-ca-')), 'ca.pem');
    writeFileSync(caFile, l.caPem!);
    expect(await client(l, { tls: { ca: caFile } }).query(classQuery('fabricNode'))).toHaveLength(NODES.length);
  });

  it('reads a 12,000-object class through ordered pages equal to the tree', async () => {
    const l = await lab({ http: true });
    const mos: WireMo[] = [];
    for (let i = 0; i < 12_000; i++) {
      const mac = `00:AA:${[i >> 16, (i >> 8) & 255, i & 255, 7].map((x) => x.toString(16).padStart(2, '0').toUpperCase()).join(':')}`;
      mos.push({ fvCEp: { attributes: { dn: `uni/tn-k8s/ap-a/epg-e${i % 7}/cep-${mac}`, mac, encap: `vlan-${i % 4000}` } } });
    }
    l.tree.load(mos);
    const c = client(l, { pageSize: 5_000 });
    const got = await c.query(classQuery('fvCEp'));
    expect(got).toHaveLength(12_000);
    expect(dnsOf(got)).toEqual(
      l.tree
        .byClass('fvCEp')
        .map((m) => m.dn)
        .sort(),
    );
    expect(new Set(dnsOf(got)).size).toBe(12_000);
    expect(c.counts).toMatchObject({ login: 1, query: 1, page: 2 });
  });

  describe('filter semantics match the tree', () => {
    const cases: Array<[string, Filter, (n: (typeof NODES)[number]) => boolean]> = [
      ['eq', eq('fabricNode.role', 'spine'), (n) => n.role === 'spine'],
      ['ne', ne('fabricNode.role', 'leaf'), (n) => n.role !== 'leaf'],
      ['lt', lt('fabricNode.id', 103), (n) => Number(n.id) < 103],
      ['gt', gt('fabricNode.id', 201), (n) => Number(n.id) > 201],
      ['le', le('fabricNode.id', 103), (n) => Number(n.id) <= 103],
      ['ge', ge('fabricNode.id', 202), (n) => Number(n.id) >= 202],
      ['bw', bw('fabricNode.id', 102, 104), (n) => Number(n.id) >= 102 && Number(n.id) <= 104],
      ['wcard substring', wcard('fabricNode.name', 'eaf-10'), (n) => n.name.includes('eaf-10')],
      ['wcard regex', wcard('fabricNode.dn', 'node-10[1-3]$'), (n) => /^10[1-3]$/.test(n.id)],
      ['not', not(eq('fabricNode.role', 'leaf')), (n) => n.role !== 'leaf'],
      [
        'and/or nesting',
        and(eq('fabricNode.role', 'leaf'), or(eq('fabricNode.id', 101), eq('fabricNode.id', 106))),
        (n) => n.role === 'leaf' && ['101', '106'].includes(n.id),
      ],
      [
        'or of three',
        or(eq('fabricNode.id', 101), eq('fabricNode.id', 201), eq('fabricNode.id', 301)),
        (n) => ['101', '201', '301'].includes(n.id),
      ],
      ['quote in value', eq('fabricNode.name', 'spine "quoted" 202'), (n) => n.name === 'spine "quoted" 202'],
      ['backslash in value', eq('fabricNode.name', 'apic\\one'), (n) => n.name === 'apic\\one'],
      ['injection attempt matches nothing', eq('fabricNode.name', 'x"),eq(fabricNode.role,"leaf'), () => false],
      ['space in value', eq('fabricNode.name', 'no such name'), () => false],
    ];
    it.each(cases)('%s', async (_name, filter, expected) => {
      const l = await lab({ http: true });
      loadNodes(l.tree);
      const c = client(l);
      const got = await c.query(classQuery('fabricNode', { filter }));
      const want = NODES.filter(expected)
        .map((n) => `topology/pod-1/node-${n.id}`)
        .sort();
      expect(dnsOf(got)).toEqual(want);
    });
  });

  it('node-scoped subtree queries, rsp-subtree options and order-by return what the tree holds', async () => {
    const l = await lab({ http: true });
    const peers = (node: number): WireMo[] =>
      ['10.0.0.1', '10.0.0.2'].map((ip, i) => ({
        bgpPeer: {
          attributes: { dn: `topology/pod-1/node-${node}/sys/bgp/inst/dom-k8s:vrf/peer-[${ip}/32]`, addr: `${ip}/32` },
          children: [{ bgpPeerEntry: { attributes: { rn: `ent-[${ip}]`, addr: ip, operSt: i === 0 ? 'established' : 'idle' } } }],
        },
      }));
    l.tree.load([...peers(101), ...peers(102)]);
    const c = client(l);

    const onNode = await c.query(nodeClassQuery('topology/pod-1/node-101', 'bgpPeerEntry'));
    expect(dnsOf(onNode)).toEqual(
      l.tree
        .byClass('bgpPeerEntry')
        .map((m) => m.dn)
        .filter((dn) => dn.startsWith('topology/pod-1/node-101/'))
        .sort(),
    );
    expect(onNode).toHaveLength(2);

    const subtree = await c.query(
      moQuery('topology/pod-1/node-102/sys/bgp/inst', { queryTarget: 'subtree', targetSubtreeClass: ['bgpPeer', 'bgpPeerEntry'] }),
    );
    expect(subtree.map((mo) => Object.keys(mo)[0]).sort()).toEqual(['bgpPeer', 'bgpPeer', 'bgpPeerEntry', 'bgpPeerEntry']);

    const withKids = await c.query(
      classQuery('bgpPeer', {
        rspSubtree: 'children',
        rspSubtreeClass: ['bgpPeerEntry'],
        rspSubtreeFilter: eq('bgpPeerEntry.operSt', 'established'),
        rspSubtreeInclude: ['required'],
      }),
    );
    expect(withKids).toHaveLength(2);
    for (const mo of withKids) {
      const kids = mo['bgpPeer']!.children ?? [];
      expect(kids.map((k) => k['bgpPeerEntry']?.attributes['operSt'])).toEqual(['established']);
    }

    const desc = await c.query(classQuery('bgpPeerEntry', { orderBy: ['bgpPeerEntry.dn|desc'] }));
    const dns = desc.map((mo) => mo['bgpPeerEntry']!.attributes['dn']!);
    expect(dns).toEqual([...dns].sort().reverse());
  });

  it('writes configuration: nested create, whole-payload rejection, subtree delete', async () => {
    const l = await lab({ http: true });
    const c = client(l);
    await c.post('uni/tn-akb', {
      fvTenant: {
        attributes: { name: 'akb', status: 'created,modified' },
        children: [
          { fvCtx: { attributes: { name: 'vrf1' } } },
          { fvBD: { attributes: { name: 'bd1', unicastRoute: 'yes' }, children: [{ fvRsCtx: { attributes: { tnFvCtxName: 'vrf1' } } }] } },
        ],
      },
    });
    expect(l.tree.get('uni/tn-akb/ctx-vrf1')?.className).toBe('fvCtx');
    expect(l.tree.get('uni/tn-akb/BD-bd1/rsctx')?.attrs['tnFvCtxName']).toBe('vrf1');
    const read = await c.get('uni/tn-akb', { rspSubtree: 'full' });
    expect(Object.keys(read ?? {})).toEqual(['fvTenant']);

    const err = await c
      .post('uni/tn-bad', {
        fvTenant: { attributes: { name: 'bad' }, children: [{ fvCtx: { attributes: { name: 'v', bogusAttr: 'x' } } }] },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApicError);
    expect(err).toMatchObject({ httpStatus: 400 });
    expect((err as ApicError).text).toContain('bogusAttr');
    expect(l.tree.get('uni/tn-bad')).toBeUndefined();

    await c.delete('uni/tn-akb');
    expect(l.tree.get('uni/tn-akb')).toBeUndefined();
    expect(l.tree.get('uni/tn-akb/BD-bd1/rsctx')).toBeUndefined();
    expect(await c.get('uni/tn-akb')).toBeUndefined();
    expect(await c.query(moQuery('uni/tn-akb'))).toEqual([]);
    expect(c.counts).toMatchObject({ post: 2, delete: 1 });
  });
});

// Last in the file, so it sees the lines logged by every test above.
it('no credential appears in any captured log line', () => {
  const all = logLines.join('\n');
  expect(logLines.length).toBeGreaterThan(20);
  expect(all).not.toContain('lab-password');
  expect(all).not.toContain('wrong-password');
  expect(all).not.toMatch(/PRIVATE KEY/);
  expect(all).not.toMatch(/APIC-(cookie|Request-Signature|WebSocket-Session)=(?!\[redacted\])/i);
  expect(all).not.toMatch(/[A-Za-z0-9+/]{60,}/); // tokens (128 base64 chars) and signatures (344)
});
