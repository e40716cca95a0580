import { createSign } from 'node:crypto';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { addLabUser, ApicTree, createUserCert, startLabApic, type LabApic } from '../../lib/lab/apic';
import { apicFetch, labLogin } from '../../lib/lab/apic/test-support';
import { waitFor } from '../support/wait';

interface EventFrame {
  subscriptionId: string[];
  imdata: Array<Record<string, { attributes: Record<string, string> }>>;
}

/** A websocket to `/socket<token>` that collects event frames. */
async function openSocket(apic: LabApic, token: string): Promise<{ ws: WebSocket; frames: EventFrame[]; closed: () => boolean }> {
  const ws = new WebSocket(`${apic.url.replace(/^http/, 'ws')}/socket${token}`);
  const frames: EventFrame[] = [];
  let isClosed = false;
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as EventFrame));
  ws.on('close', () => (isClosed = true));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, closed: () => isClosed };
}

const events = (frames: EventFrame[], id: string): Array<Record<string, string>> =>
  frames
    .filter((f) => f.subscriptionId.includes(id))
    .flatMap((f) => f.imdata.map((i) => ({ cls: Object.keys(i)[0]!, ...Object.values(i)[0]!.attributes })));

let apic: LabApic;
const tree = new ApicTree();

beforeAll(async () => {
  apic = await startLabApic({ http: true, tree, subscriptionLifetimeSec: 1 });
});
afterAll(() => apic.stop());

describe('websocket subscriptions', () => {
  it('delivers created / modified / deleted for class and MO-subtree subscriptions, with filters', async () => {
    const { token, cookie } = await labLogin(apic);
    const sock = await openSocket(apic, token);
    tree.upsert('uni/tn-k8s', 'fvTenant', { name: 'k8s', descr: 'before' });

    const classSub = await apicFetch(apic, 'GET', '/api/class/fvTenant.json?subscription=yes&refresh-timeout=60', { cookie });
    expect(classSub.body.totalCount).toBe('1');
    const classId = classSub.body['subscriptionId'];
    expect(typeof classId).toBe('string');
    expect(String(classId)).toMatch(/^\d{17}$/);
    const moSub = await apicFetch(
      apic,
      'GET',
      '/api/mo/uni/tn-k8s.json?subscription=yes&refresh-timeout=60&query-target=subtree&target-subtree-class=fvCtx',
      { cookie },
    );
    const moId = String(moSub.body['subscriptionId']);
    const filtered = await apicFetch(
      apic,
      'GET',
      '/api/class/fvTenant.json?subscription=yes&refresh-timeout=60&query-target-filter=eq(fvTenant.name,"other")',
      { cookie },
    );
    const filteredId = String(filtered.body['subscriptionId']);

    // Via REST config and in-process: both reach subscribers.
    await apicFetch(apic, 'POST', '/api/mo/uni/tn-k8s.json', {
      cookie,
      body: { fvTenant: { attributes: { descr: 'after' }, children: [{ fvCtx: { attributes: { name: 'v1' } } }] } },
    });
    tree.upsert('uni/tn-k8s/ctx-v1', 'fvCtx', { pcEnfPref: 'unenforced' });
    tree.delete('uni/tn-k8s');

    await waitFor(() => (events(sock.frames, classId as string).length >= 2 && events(sock.frames, moId).length >= 3 ? true : undefined), {
      what: 'events',
      timeoutMs: 3000,
    });
    expect(events(sock.frames, classId as string)).toEqual([
      expect.objectContaining({ cls: 'fvTenant', dn: 'uni/tn-k8s', status: 'modified', descr: 'after' }),
      expect.objectContaining({ cls: 'fvTenant', dn: 'uni/tn-k8s', status: 'deleted' }),
    ]);
    expect(events(sock.frames, classId as string)[0]).not.toHaveProperty('name'); // modified events carry changed properties only
    expect(events(sock.frames, moId).map((e) => [e['cls'], e['status']])).toEqual([
      ['fvCtx', 'created'],
      ['fvCtx', 'modified'],
      ['fvCtx', 'deleted'],
    ]);
    expect(events(sock.frames, moId)[0]).toMatchObject({ dn: 'uni/tn-k8s/ctx-v1', name: 'v1', rn: '', childAction: '' });
    expect(events(sock.frames, filteredId)).toEqual([]);
    for (const f of sock.frames) expect(f).not.toHaveProperty('totalCount');
    sock.ws.close();
  });

  it('subscriptionRefresh keeps a subscription alive; without it, it expires', async () => {
    const { token, cookie } = await labLogin(apic);
    const sock = await openSocket(apic, token);
    const kept = String((await apicFetch(apic, 'GET', '/api/class/fvBD.json?subscription=yes', { cookie })).body['subscriptionId']);
    const lapsed = String(
      (await apicFetch(apic, 'GET', '/api/class/fvBD.json?subscription=yes&query-target-filter=ne(fvBD.name,"zz")', { cookie })).body[
        'subscriptionId'
      ],
    );
    // Default lifetime is 1 s here: refresh `kept` every 300 ms for ~1.5 s, let `lapsed` run out.
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      const r = await apicFetch(apic, 'GET', `/api/subscriptionRefresh.json?id=${kept}`, { cookie });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ imdata: [] });
      await new Promise((res) => setTimeout(res, 300));
    }
    const stale = await apicFetch(apic, 'GET', `/api/subscriptionRefresh.json?id=${lapsed}`, { cookie });
    expect(stale.status).toBe(400);
    tree.upsert('uni/tn-x/BD-b', 'fvBD', { name: 'b' });
    await waitFor(() => (events(sock.frames, kept).length > 0 ? true : undefined), {
      what: 'event on refreshed subscription',
      timeoutMs: 3000,
    });
    expect(sock.frames.some((f) => f.subscriptionId.includes(lapsed))).toBe(false);
    tree.delete('uni/tn-x');
    sock.ws.close();
  });

  it('an expired token closes its websocket and ends its subscriptions; dropWebsockets cuts sockets', async () => {
    const { token, cookie } = await labLogin(apic);
    const sock = await openSocket(apic, token);
    const id = String((await apicFetch(apic, 'GET', '/api/class/fvTenant.json?subscription=yes', { cookie })).body['subscriptionId']);
    apic.faults.expireAllTokens();
    await waitFor(() => (sock.closed() ? true : undefined), { what: 'socket close on token expiry', timeoutMs: 3000 });
    expect((await apicFetch(apic, 'GET', `/api/subscriptionRefresh.json?id=${id}`, { cookie })).status).toBe(403);

    const second = await labLogin(apic);
    const sock2 = await openSocket(apic, second.token);
    const id2 = String(
      (await apicFetch(apic, 'GET', '/api/class/fvTenant.json?subscription=yes', { cookie: second.cookie })).body['subscriptionId'],
    );
    expect((await apicFetch(apic, 'GET', `/api/subscriptionRefresh.json?id=${id2}`, { cookie: second.cookie })).status).toBe(200);
    apic.faults.dropWebsockets();
    await waitFor(() => (sock2.closed() ? true : undefined), { what: 'socket drop', timeoutMs: 3000 });
    // Subscriptions live on the token's websocket: with it gone, refreshing fails (the session itself is still valid).
    const afterDrop = await waitFor(
      async () => {
        const r = await apicFetch(apic, 'GET', `/api/subscriptionRefresh.json?id=${id2}`, { cookie: second.cookie });
        return r.status === 400 ? r : undefined;
      },
      { what: 'subscription to end with its socket', timeoutMs: 3000 },
    );
    expect(afterDrop.body.imdata![0]!['error']!.attributes['text']).toContain(id2);
    expect((await apicFetch(apic, 'GET', '/api/class/fvTenant.json', { cookie: second.cookie })).status).toBe(200);
    // An unknown token cannot open a socket.
    await expect(openSocket(apic, 'not-a-token')).rejects.toThrow(/403/);
  });
});

describe('faults and failover', () => {
  it('failNext, delay, restart on the same port, and a second controller over the same tree', async () => {
    const { cookie } = await labLogin(apic);
    apic.faults.failNext(2);
    expect((await apicFetch(apic, 'GET', '/api/class/fvTenant.json', { cookie })).status).toBe(503);
    expect((await apicFetch(apic, 'GET', '/api/class/fvTenant.json', { cookie })).status).toBe(503);
    expect((await apicFetch(apic, 'GET', '/api/class/fvTenant.json', { cookie })).status).toBe(200);

    apic.faults.delayMs = 150;
    const t0 = Date.now();
    await apicFetch(apic, 'GET', '/api/class/fvTenant.json', { cookie });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    apic.faults.delayMs = 0;

    const port = apic.port;
    await apic.stop();
    await expect(fetch(`${apic.url}/api/class/fvTenant.json`)).rejects.toThrow();
    await apic.restart();
    expect(apic.port).toBe(port);
    expect((await apicFetch(apic, 'GET', '/api/class/fvTenant.json', { cookie })).status).toBe(403); // sessions did not survive

    const standby = await startLabApic({ http: true, tree });
    try {
      tree.upsert('uni/tn-shared', 'fvTenant', { name: 'shared' });
      const s = await labLogin(standby);
      const res = await apicFetch(standby, 'GET', '/api/mo/uni/tn-shared.json', { cookie: s.cookie });
      expect(res.body.totalCount).toBe('1');
    } finally {
      await standby.stop();
      tree.delete('uni/tn-shared');
    }
  });
});

describe('TLS websocket with certificate auth (aci-containers flow)', () => {
  it('webtokenSession gives a token; wss://…/socket<token> verifies against caPem and receives events', async () => {
    const tls = await startLabApic({ tree });
    const cert = createUserCert('acc');
    addLabUser(tree, { name: 'acc', cert });
    const signed = (method: string, path: string, extra = ''): string => {
      const signer = createSign('RSA-SHA256');
      signer.update(method + path);
      return `APIC-Certificate-Algorithm=v1.0; APIC-Certificate-DN=${cert.certDn}; APIC-Certificate-Fingerprint=fingerprint; APIC-Request-Signature=${signer.sign(cert.privateKeyPem, 'base64')}${extra}`;
    };
    const httpsGet = (path: string, cookie: string) =>
      new Promise<{
        status: number;
        body: Record<string, unknown> & { imdata: Array<Record<string, { attributes: Record<string, string> }>> };
      }>((resolve, reject) => {
        const req = request(`${tls.url}${path}`, { ca: tls.caPem, headers: { Cookie: cookie } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      const web = await httpsGet('/api/webtokenSession.json', signed('GET', '/api/webtokenSession.json'));
      expect(web.status).toBe(200);
      const token = web.body.imdata[0]!['webtokenSession']!.attributes['token']!;
      const ws = new WebSocket(`${tls.url.replace(/^https/, 'wss')}/socket${token}`, { ca: tls.caPem });
      const frames: EventFrame[] = [];
      ws.on('message', (d) => frames.push(JSON.parse(String(d)) as EventFrame));
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      const path = '/api/class/fvAp.json?subscription=yes';
      const sub = await httpsGet(path, signed('GET', path, `; APIC-WebSocket-Session=${token}`));
      const id = String(sub.body['subscriptionId']);
      tree.upsert('uni/tn-tls/ap-a', 'fvAp', { name: 'a' });
      await waitFor(() => (events(frames, id).length > 0 ? true : undefined), { what: 'wss event', timeoutMs: 3000 });
      expect(events(frames, id)[0]).toMatchObject({ cls: 'fvAp', dn: 'uni/tn-tls/ap-a', status: 'created' });
      ws.close();
    } finally {
      await tls.stop();
      tree.delete('uni/tn-tls');
      tree.delete('uni/userext/user-acc');
    }
  });
});
