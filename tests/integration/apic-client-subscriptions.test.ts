import { afterEach, describe, expect, it } from 'vitest';
import {
  ApicClient,
  ApicError,
  classQuery,
  eq,
  type ApicClientOptionsInput,
  type ApicEvent,
  type SubscriptionHandlers,
} from '../../lib/aci';
import type { MoAttributes } from '../../lib/aci/mo';
import { ApicTree, addLabUser, createUserCert, startLabApic, type LabApic } from '../../lib/lab/apic';
import { createLogger } from '../../lib/logging';
import { waitFor } from '../support/wait';

const logLines: string[] = [];
const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(line) } });
const labs: LabApic[] = [];
const clients: ApicClient[] = [];

async function lab(opts: Parameters<typeof startLabApic>[0] = {}): Promise<LabApic> {
  const l = await startLabApic(opts);
  labs.push(l);
  return l;
}

function client(ls: LabApic[], extra: Partial<ApicClientOptionsInput> = {}): ApicClient {
  const c = new ApicClient({
    controllers: ls.map((x) => x.url),
    auth: { type: 'password', user: ls[0]!.credentials.user, password: ls[0]!.credentials.password },
    tls: { ca: ls[0]!.caPem },
    requestTimeoutMs: 5_000,
    reconnectMinBackoffMs: 20,
    reconnectMaxBackoffMs: 200,
    logger,
    ...extra,
  });
  clients.push(c);
  return c;
}

/** A consumer that mirrors the subscribed objects the way the live service must: resync replaces, events patch. */
function mirror() {
  const state = new Map<string, MoAttributes>();
  const events: ApicEvent[] = [];
  let resyncs = 0;
  let errors = 0;
  const handlers: SubscriptionHandlers = {
    onResync(objects) {
      resyncs++;
      state.clear();
      for (const mo of objects) {
        const attrs = Object.values(mo)[0]!.attributes;
        state.set(attrs.dn!, attrs);
      }
    },
    onEvent(ev) {
      events.push(ev);
      const attrs = Object.values(ev.mo)[0]!.attributes;
      if (ev.type === 'deleted') state.delete(ev.dn);
      else state.set(ev.dn, { ...state.get(ev.dn), ...attrs });
    },
    onError() {
      errors++;
    },
  };
  return {
    handlers,
    state,
    events,
    get resyncs() {
      return resyncs;
    },
    get errors() {
      return errors;
    },
  };
}

const tenantDns = (tree: ApicTree): string[] =>
  tree
    .byClass('fvTenant')
    .map((m) => m.dn)
    .sort();
const tenant = (tree: ApicTree, name: string, descr = ''): void => void tree.upsert(`uni/tn-${name}`, 'fvTenant', { name, descr });

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(labs.splice(0).map((l) => l.stop()));
});

describe('ApicClient subscriptions against the lab APIC', () => {
  it('delivers the initial result, then created/modified/deleted in order, across subscription refreshes', async () => {
    const l = await lab({ subscriptionLifetimeSec: 1 });
    tenant(l.tree, 'common');
    const c = client([l], { subscriptionTimeoutSec: 1 });
    const m = mirror();
    const sub = await c.subscribe(classQuery('fvTenant'), m.handlers);
    expect(sub.id).toMatch(/^\d+$/);
    expect([...m.state.keys()]).toEqual(['uni/tn-common']);

    tenant(l.tree, 'a');
    l.tree.upsert('uni/tn-a', 'fvTenant', { descr: 'changed' });
    l.tree.delete('uni/tn-a');
    await waitFor(() => m.events.length === 3, { what: 'three events' });
    expect(m.events.map((e) => [e.type, e.dn])).toEqual([
      ['created', 'uni/tn-a'],
      ['modified', 'uni/tn-a'],
      ['deleted', 'uni/tn-a'],
    ]);

    // Outlive the 1 s subscription lifetime several times: refreshes must keep it alive without a resync.
    await waitFor(() => c.counts.subscriptionRefresh >= 6, { what: 'six subscription refreshes (2 s)', timeoutMs: 6_000 });
    tenant(l.tree, 'b');
    await waitFor(() => m.state.has('uni/tn-b'), { what: 'event after refreshes' });
    expect(m.resyncs).toBe(1);
    expect(m.errors).toBe(0);
    expect([...m.state.keys()].sort()).toEqual(tenantDns(l.tree));
  });

  it('after a forced socket drop, resubscribes, tells the consumer to resync and ends consistent with the tree', async () => {
    const l = await lab();
    tenant(l.tree, 'common');
    const c = client([l]);
    const m = mirror();
    await c.subscribe(classQuery('fvTenant'), m.handlers);
    const other = mirror();
    await c.subscribe(classQuery('fvTenant', { filter: eq('fvTenant.name', 'x') }), other.handlers);

    l.faults.dropWebsockets();
    // Changes while the socket is gone are never pushed: only the resync can bring them.
    tenant(l.tree, 'x');
    l.tree.delete('uni/tn-common');
    await waitFor(() => m.resyncs === 2 && other.resyncs === 2, { what: 'resync of both subscriptions' });
    expect(m.errors).toBe(1);
    expect([...m.state.keys()].sort()).toEqual(tenantDns(l.tree));
    expect([...other.state.keys()]).toEqual(['uni/tn-x']);

    tenant(l.tree, 'y');
    await waitFor(() => m.state.has('uni/tn-y'), { what: 'event after reconnect' });
    expect([...m.state.keys()].sort()).toEqual(tenantDns(l.tree));
    expect(other.state.has('uni/tn-y')).toBe(false);
    expect(c.counts.subscribe).toBe(4);
  });

  it('re-logs in and resubscribes when the session expires under the socket', async () => {
    const l = await lab();
    const c = client([l]);
    const m = mirror();
    await c.subscribe(classQuery('fvTenant'), m.handlers);
    l.faults.expireAllTokens();
    tenant(l.tree, 'during');
    await waitFor(() => m.resyncs === 2, { what: 'resync after re-login' });
    expect(c.counts.login).toBe(2);
    tenant(l.tree, 'after');
    await waitFor(() => m.state.has('uni/tn-after'), { what: 'event on the new session' });
    expect([...m.state.keys()].sort()).toEqual(tenantDns(l.tree));
  });

  it('moves subscriptions to another controller when the first one stops', async () => {
    const tree = new ApicTree();
    const [a, b] = [await lab({ tree }), await lab({ tree })];
    const c = client([a, b]);
    const m = mirror();
    await c.subscribe(classQuery('fvTenant'), m.handlers);
    await a.stop();
    tenant(tree, 'moved');
    await waitFor(() => m.resyncs === 2, { what: 'resync on the second controller' });
    expect(c.controller).toBe(b.url);
    tenant(tree, 'after');
    await waitFor(() => m.state.has('uni/tn-after'), { what: 'event from the second controller' });
    expect([...m.state.keys()].sort()).toEqual(tenantDns(tree));
  });

  it('subscribes with certificate auth through a webtokenSession', async () => {
    const l = await lab({ http: true });
    const cert = createUserCert('akbcert');
    addLabUser(l.tree, { name: 'akbcert', cert });
    const c = client([l], { auth: { type: 'certificate', user: 'akbcert', certName: 'akbcert.crt', privateKey: cert.privateKeyPem } });
    const m = mirror();
    await c.subscribe(classQuery('fvTenant'), m.handlers);
    tenant(l.tree, 'signed');
    await waitFor(() => m.state.has('uni/tn-signed'), { what: 'event' });
    expect(c.counts).toMatchObject({ login: 0, webtoken: 1, subscribe: 1 });
  });

  it('rejects a subscription the APIC refuses, with a typed error', async () => {
    const l = await lab();
    const c = client([l]);
    const err = await c.subscribe(classQuery('fvFoobar'), mirror().handlers).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApicError);
    expect(err).toMatchObject({ httpStatus: 400, code: '122' });
  });
});

// Last in the file, so it sees the lines logged by every test above (websocket URLs embed the token).
it('no credential appears in any captured log line', () => {
  const all = logLines.join('\n');
  expect(all).toMatch(/APIC websocket open/);
  expect(all).not.toContain('lab-password');
  expect(all).not.toMatch(/PRIVATE KEY/);
  expect(all).not.toMatch(/\/socket(?!\[redacted\])[A-Za-z0-9+/]/);
  expect(all).not.toMatch(/APIC-(cookie|Request-Signature|WebSocket-Session)=(?!\[redacted\])/i);
  expect(all).not.toMatch(/[A-Za-z0-9+/]{60,}/);
});
