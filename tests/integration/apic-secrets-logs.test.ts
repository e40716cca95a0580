import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import {
  ApicClient,
  ApicError,
  ApicUnavailableError,
  classQuery,
  type ApicClientOptionsInput,
  type SubscriptionHandlers,
} from '../../lib/aci';
import { LOGOUT_TIMEOUT_MS } from '../../lib/aci/requester';
import { addLabUser, createUserCert, startLabApic, type LabApic, type LabApicRequestRecord, type UserCert } from '../../lib/lab/apic';
import { apicFetch } from '../../lib/lab/apic/test-support';
import { waitFor } from '../support/wait';

/**
 * The APIC client's promise that no credential reaches a log, checked end to end: one trace-level logger is shared
 * by the clients and the lab APIC, a session walks every path where a secret could slip into a line (logins,
 * expiry, auth and server failures, websocket loss, signed requests, a wrong password), and the lab reports
 * every token, signature and challenge that actually crossed the wire, so the check looks for the real values.
 */

// Distinctive values: a hit in a log line cannot be a coincidence. No JSON-special characters, so they appear
// verbatim in a JSON log line if they appear at all.
const PASSWORD = 'Lab-Passw0rd-7f3a91c2';
const WRONG_PASSWORD = 'Wrong-Guess-c24e08d1';

interface LogLine {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

const rawLines: string[] = [];
// Plain pino on purpose, not createLogger(): its key-based censoring would hide a leak by the client or the lab,
// whose own redaction is what this file checks. 'trace' so no line is filtered before it is captured.
const logger = pino({ level: 'trace' }, { write: (line: string) => void rawLines.push(line) });
const logLines = (): LogLine[] => rawLines.map((l) => JSON.parse(l) as LogLine);
const withMsg = (msg: string): LogLine[] => logLines().filter((l) => l.msg === msg);

/** Everything the lab received, as it received it: the source of the secrets to look for. */
const wire: LabApicRequestRecord[] = [];
/** Private keys handed to clients, and challenges the lab issued to the fetch session below. */
const keys: UserCert[] = [];
const challenges: string[] = [];

let lab: LabApic;
const clients: ApicClient[] = [];

beforeAll(async () => {
  // Plain HTTP so the checks below can use fetch without trusting the lab CA; the client code paths are the same.
  lab = await startLabApic({ http: true, password: PASSWORD, logger, observe: (r) => wire.push(r) });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await lab.stop();
});

function client(auth: ApicClientOptionsInput['auth'], extra: Partial<ApicClientOptionsInput> = {}): ApicClient {
  const c = new ApicClient({
    controllers: [lab.url],
    auth,
    requestTimeoutMs: 5_000,
    reconnectMinBackoffMs: 20,
    reconnectMaxBackoffMs: 200,
    logger,
    ...extra,
  });
  clients.push(c);
  return c;
}

const admin = (password = PASSWORD): ApicClientOptionsInput['auth'] => ({ type: 'password', user: 'admin', password });

/** Tenant DNs a subscription has seen, by resync or push. */
function watcher(): { handlers: SubscriptionHandlers; dns: Set<string> } {
  const dns = new Set<string>();
  const add = (mo: object): void => {
    const attrs = (Object.values(mo)[0] as { attributes: { dn?: string } }).attributes;
    if (attrs.dn) dns.add(attrs.dn);
  };
  return { dns, handlers: { onResync: (mos) => mos.forEach(add), onEvent: (ev) => void dns.add(ev.dn) } };
}

const tenant = (name: string): void => void lab.tree.upsert(`uni/tn-${name}`, 'fvTenant', { name });

/** The value of one cookie in a Cookie/Set-Cookie header (names compared case-insensitively, as APIC does). */
function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim().toLowerCase() === name.toLowerCase()) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const defined = (xs: Array<string | undefined>): string[] => [...new Set(xs.filter((x): x is string => !!x))];

/** Session tokens the lab issued at aaaLogin, in order (the Set-Cookie of each successful answer). */
const issuedTokens = (): string[] => defined(wire.map((r) => cookie(r.setCookie, 'APIC-cookie')));

/** Every secret the lab saw or issued, labelled, for the leak check. */
function secrets(): Array<[string, string]> {
  const out: Array<[string, string]> = [
    ['password', PASSWORD],
    ['wrong password', WRONG_PASSWORD],
  ];
  for (const t of issuedTokens()) out.push(['issued session token', t]);
  for (const t of defined(wire.map((r) => cookie(r.cookie, 'APIC-cookie')))) out.push(['session token sent', t]);
  for (const t of defined(wire.map((r) => cookie(r.cookie, 'APIC-WebSocket-Session')))) out.push(['websocket session token', t]);
  for (const t of defined(wire.map((r) => (r.url.startsWith('/socket') ? r.url.slice('/socket'.length) : undefined)))) {
    out.push(['websocket URL token', t]);
  }
  for (const s of defined(wire.map((r) => cookie(r.cookie, 'APIC-Request-Signature')))) out.push(['request signature', s]);
  for (const c of defined([...challenges, ...wire.map((r) => r.challenge)])) out.push(['APIC-challenge', c]);
  for (const k of keys) {
    for (const line of k.privateKeyPem.split('\n')) if (line && !line.startsWith('-----')) out.push(['private key PEM line', line]);
  }
  return out;
}

/**
 * Substrings to search for: the whole secret when short, else overlapping 24-character windows every 8
 * characters, so a truncated leak (an error excerpt, a `sessionId` prefix) of 31+ characters is caught too. Each
 * in the forms a log line could carry it: verbatim, JSON-escaped, URL-encoded.
 */
function probes(secret: string): string[] {
  const forms = new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]);
  const out = new Set<string>();
  for (const f of forms) {
    if (f.length <= 24) out.add(f);
    else {
      for (let i = 0; i + 24 <= f.length; i += 8) out.add(f.slice(i, i + 24));
      out.add(f.slice(-24));
    }
  }
  return [...out];
}

/** "<label> in: <text excerpt>" for every secret found in `texts`. */
function leaks(texts: string[], labelled: Array<[string, string]> = secrets()): string[] {
  const found: string[] = [];
  for (const [label, secret] of labelled) {
    const ps = probes(secret);
    for (const text of texts) if (ps.some((p) => text.includes(p))) found.push(`${label} in: ${text.slice(0, 300)}`);
  }
  return found;
}

/** Everything an error shows when printed or serialised. */
const rendered = (err: unknown): string[] => (err instanceof Error ? [String(err), err.stack ?? '', JSON.stringify(err)] : [String(err)]);

async function tokenWorks(token: string): Promise<boolean> {
  return (await apicFetch(lab, 'GET', '/api/class/fabricNode.json', { cookie: `APIC-cookie=${token}` })).status === 200;
}

describe('APIC client logs and errors carry no secret', () => {
  it('password session: expiry, 401/403/5xx failures and a websocket drop are all survived', async () => {
    const c = client(admin());
    await c.login();
    const w = watcher();
    await c.subscribe(classQuery('fvTenant'), w.handlers);
    tenant('one');
    await waitFor(() => w.dns.has('uni/tn-one'), { what: 'push of tn-one' });

    // Forced expiry: the next request is refused, the client logs in again and resubscribes on the new session.
    let restored = withMsg('APIC subscriptions restored').length;
    lab.faults.expireAllTokens();
    expect(await c.query(classQuery('fvTenant'))).toHaveLength(1);
    expect(c.counts.login).toBeGreaterThanOrEqual(2);
    await waitFor(() => withMsg('APIC subscriptions restored').length > restored, { what: 'resubscribe after expiry' });

    // 401: a token error, cured by one more login and a retry. Nothing else is in flight to take the fault.
    restored = withMsg('APIC subscriptions restored').length;
    const rejectedBefore = withMsg('APIC session rejected; logging in again').length;
    const loginsBefore = c.counts.login;
    lab.faults.failNext(1, 401);
    expect(await c.query(classQuery('fvTenant'))).toHaveLength(1);
    expect(c.counts.login).toBe(loginsBefore + 1);
    expect(withMsg('APIC session rejected; logging in again')).toHaveLength(rejectedBefore + 1);
    await waitFor(() => withMsg('APIC subscriptions restored').length > restored, { what: 'resubscribe after the 401 re-login' });

    // 403 without token wording, and 5xx: both reach the caller; their errors are checked for secrets too.
    lab.faults.failNext(1, 403);
    const forbidden = await c.query(classQuery('fvTenant')).catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(ApicError);
    expect(forbidden).toMatchObject({ httpStatus: 403 });
    lab.faults.failNext(1, 500);
    const down = await c.query(classQuery('fvTenant')).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(ApicUnavailableError);
    expect(leaks([...rendered(forbidden), ...rendered(down)])).toEqual([]);

    // Socket loss: reconnect and resubscribe, then pushes flow again.
    restored = withMsg('APIC subscriptions restored').length;
    lab.faults.dropWebsockets();
    await waitFor(() => withMsg('APIC subscriptions restored').length > restored, { what: 'resubscribe after the socket drop' });
    tenant('two');
    await waitFor(() => w.dns.has('uni/tn-two'), { what: 'push of tn-two' });

    // Initial login, the one after expiry, the one after the 401: at least three distinct tokens to look for.
    expect(issuedTokens().length).toBeGreaterThanOrEqual(3);
    await c.close();
    expect(c.counts.logout).toBe(1);
  });

  it('a wrong password fails with an error that does not echo it', async () => {
    const failedBefore = withMsg('lab apic login failed').length;
    const c = client(admin(WRONG_PASSWORD));
    const err = await c.login().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApicError);
    expect(err).toMatchObject({ httpStatus: 401 });
    // The same failure through a query, which logs in on demand.
    const viaQuery = await c.query(classQuery('fvTenant')).catch((e: unknown) => e);
    expect(viaQuery).toMatchObject({ httpStatus: 401 });
    expect(
      leaks(
        [...rendered(err), ...rendered(viaQuery)],
        [
          ['wrong password', WRONG_PASSWORD],
          ['password', PASSWORD],
        ],
      ),
    ).toEqual([]);
    // The lab logged both refusals, so its logger is captured too.
    expect(withMsg('lab apic login failed')).toHaveLength(failedBefore + 2);
    await c.close();
    expect(c.counts.logout).toBe(0); // nothing to log out of
  });

  it('certificate session: signed queries, a write, a signed websocket, its loss, and a refused key', async () => {
    const cert = createUserCert('akbcert');
    keys.push(cert);
    addLabUser(lab.tree, { name: 'akbcert', cert, admin: true });
    const c = client({ type: 'certificate', user: 'akbcert', certName: 'akbcert.crt', privateKey: cert.privateKeyPem });
    expect((await c.query(classQuery('fvTenant'))).length).toBeGreaterThan(0);
    await c.post('uni/tn-signed', { fvTenant: { attributes: { name: 'signed' } } });
    const w = watcher();
    await c.subscribe(classQuery('fvTenant'), w.handlers);
    expect(w.dns.has('uni/tn-signed')).toBe(true);

    const restored = withMsg('APIC subscriptions restored').length;
    lab.faults.dropWebsockets();
    await waitFor(() => withMsg('APIC subscriptions restored').length > restored, { what: 'signed resubscribe' });
    tenant('three');
    await waitFor(() => w.dns.has('uni/tn-three'), { what: 'push of tn-three' });
    expect(c.counts).toMatchObject({ login: 0 });
    expect(c.counts.webtoken).toBeGreaterThanOrEqual(2);

    // Same certificate DN, another key: the APIC refuses the signature, and the error must not quote it.
    const stranger = createUserCert('akbcert');
    keys.push(stranger);
    const s = client({ type: 'certificate', user: 'akbcert', certName: 'akbcert.crt', privateKey: stranger.privateKeyPem });
    const refused = await s.query(classQuery('fvTenant')).catch((e: unknown) => e);
    expect(refused).toMatchObject({ httpStatus: 403 });
    expect(leaks(rendered(refused))).toEqual([]);
    await c.close();
    await s.close();
  });

  it('a challenge session (gui-token-request) through the lab', async () => {
    const login = await apicFetch(lab, 'POST', '/api/aaaLogin.json?gui-token-request=yes', {
      body: { aaaUser: { attributes: { name: 'admin', pwd: PASSWORD } } },
    });
    const attrs = login.body.imdata?.[0]?.['aaaLogin']?.attributes;
    expect(attrs?.['urlToken']).toMatch(/^[0-9a-f]{48}$/);
    challenges.push(attrs!['urlToken']!);
    const token = attrs!['token']!;
    const path = '/api/class/fvTenant.json';
    expect((await apicFetch(lab, 'GET', path, { cookie: `APIC-cookie=${token}` })).status).toBe(403);
    const ok = await apicFetch(lab, 'GET', path, { cookie: `APIC-cookie=${token}`, headers: { 'APIC-challenge': challenges[0]! } });
    expect(ok.status).toBe(200);
  });

  it('close() logs out at the APIC: aaaLogout is sent with the session token, which then stops working', async () => {
    const c = client(admin());
    await c.login();
    await c.subscribe(classQuery('fvTenant'), watcher().handlers);
    const token = issuedTokens().at(-1)!;
    expect(await tokenWorks(token)).toBe(true);
    const mark = wire.length;

    await c.close();
    const logouts = wire.slice(mark).filter((r) => r.method === 'POST' && r.url === '/api/aaaLogout.json');
    expect(logouts).toHaveLength(1);
    expect(logouts[0]).toMatchObject({ status: 200 });
    expect(cookie(logouts[0]!.cookie, 'APIC-cookie')).toBe(token);
    expect(c.counts.logout).toBe(1);
    expect(await tokenWorks(token)).toBe(false);
    // The request line exists at debug level: the secret check below covers the logout exchange too.
    expect(logLines().some((l) => l.msg === 'APIC request' && l['kind'] === 'logout')).toBe(true);
  });

  it('close() does not wait on an APIC that does not answer the logout, and does not throw', async () => {
    // A request timeout far longer than the logout bound: only the bound can end close() in time.
    const c = client(admin(), { requestTimeoutMs: 30_000 });
    await c.login();
    const token = issuedTokens().at(-1)!;
    const failedBefore = withMsg('APIC logout failed').length;
    // Longer than the bound plus the slack allowed below, so waiting for the answer cannot pass for the bound.
    lab.faults.delayMs = LOGOUT_TIMEOUT_MS + 3_000;
    const started = Date.now();
    try {
      await expect(c.close()).resolves.toBeUndefined();
    } finally {
      lab.faults.delayMs = 0;
    }
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(LOGOUT_TIMEOUT_MS - 50);
    expect(took).toBeLessThan(LOGOUT_TIMEOUT_MS + 1_500);
    expect(withMsg('APIC logout failed')).toHaveLength(failedBefore + 1);
    // The lab still acts on the logout it received once its delay is over; wait for it so nothing is left running.
    await waitFor(async () => !(await tokenWorks(token)), { what: 'the late logout to take effect', timeoutMs: 8_000 });
  });
});

// Last in the file, so it sees every line logged above.
it('no secret appears in any captured log line, and the lines that would carry one were captured', () => {
  const msgs = new Set(logLines().map((l) => l.msg));
  // Logging must not have gone quiet: each path exercised above left its line, client and lab alike.
  for (const m of [
    'lab apic listening',
    'lab apic login failed',
    'APIC login',
    'APIC request',
    'APIC session rejected; logging in again',
    'APIC websocket open',
    'APIC subscriptions interrupted; reconnecting',
    'APIC subscriptions restored',
    'APIC logout failed',
  ]) {
    expect(msgs, m).toContain(m);
  }
  const labelled = secrets();
  const count = (label: string): number => labelled.filter(([l]) => l === label).length;
  // The check is only as good as the secrets it knows: each kind must actually have been collected.
  expect(count('issued session token')).toBeGreaterThanOrEqual(5);
  expect(count('websocket URL token')).toBeGreaterThanOrEqual(4);
  expect(count('websocket session token')).toBeGreaterThanOrEqual(2);
  expect(count('request signature')).toBeGreaterThanOrEqual(5);
  expect(count('APIC-challenge')).toBe(1);
  expect(count('private key PEM line')).toBeGreaterThanOrEqual(2 * 20);

  expect(leaks(rawLines, labelled)).toEqual([]);
  // Credential shapes, whatever their value: anything after these names must be the redaction marker.
  const all = rawLines.join('\n');
  expect(all).not.toMatch(/PRIVATE KEY/);
  expect(all).not.toMatch(/\/socket(?!\[redacted\])[A-Za-z0-9+/]/);
  expect(all).not.toMatch(/(APIC-cookie|APIC-Request-Signature|APIC-WebSocket-Session|APIC-challenge)=(?!\[redacted\])/i);
});
