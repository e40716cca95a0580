import { createSign } from 'node:crypto';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLabUser, createUserCert, startLabApic, type LabApic, type UserCert } from '../../lib/lab/apic';
import { apicFetch, labLogin } from '../../lib/lab/apic/test-support';
import { waitFor } from '../support/wait';

let apic: LabApic;
let cert: UserCert;

beforeAll(async () => {
  apic = await startLabApic({ http: true, tokenLifetimeSec: 1 });
  cert = createUserCert('vkaci');
  addLabUser(apic.tree, { name: 'vkaci', cert });
  apic.tree.upsert('uni/tn-k8s', 'fvTenant', { name: 'k8s' });
});
afterAll(() => apic.stop());

/** Signs like ansible-aci / aci-go-client: RSA-SHA256 over method + path-with-query + body, base64. */
function signedCookie(c: UserCert, method: string, pathWithQuery: string, body = ''): string {
  const signer = createSign('RSA-SHA256');
  signer.update(method + pathWithQuery + body);
  const signature = signer.sign(c.privateKeyPem, 'base64');
  return `APIC-Certificate-Algorithm=v1.0; APIC-Certificate-DN=${c.certDn}; APIC-Certificate-Fingerprint=fingerprint; APIC-Request-Signature=${signature}`;
}

describe('password login', () => {
  it('login returns the aaaLogin record and sets APIC-cookie', async () => {
    const res = await apicFetch(apic, 'POST', '/api/aaaLogin.json', {
      body: { aaaUser: { attributes: { name: 'admin', pwd: apic.credentials.password } } },
    });
    expect(res.status).toBe(200);
    expect(res.body.totalCount).toBe('1');
    const a = res.body.imdata![0]!['aaaLogin']!.attributes;
    expect(a['refreshTimeoutSeconds']).toBe('1');
    expect(a['userName']).toBe('admin');
    expect(Number(a['creationTime'])).toBeGreaterThan(1_600_000_000);
    expect(res.headers.get('set-cookie')).toBe(`APIC-cookie=${a['token']}; path=/; HttpOnly; HttpOnly`);
  });

  it('bad credentials: 401 with the APIC error text; the password never echoes back', async () => {
    const res = await apicFetch(apic, 'POST', '/api/aaaLogin.json', {
      body: { aaaUser: { attributes: { name: 'admin', pwd: 'WRONG-pass-123' } } },
    });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      totalCount: '1',
      imdata: [{ error: { attributes: { code: '401', text: 'Username or password is incorrect - FAILED local authentication' } } }],
    });
    const malformed = await apicFetch(apic, 'POST', '/api/aaaLogin.json', { body: { aaaUser: { attributes: { name: 'admin' } } } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.imdata![0]!['error']!.attributes['text']).toContain('aaaUser.attributes.pwd');
  });

  it('missing and expired tokens get 403; refresh keeps a session alive; the cookie name is case-insensitive', async () => {
    const none = await apicFetch(apic, 'GET', '/api/class/fvTenant.json');
    expect(none.status).toBe(403);
    expect(none.body.imdata![0]!['error']!.attributes['code']).toBe('403');

    const { token } = await labLogin(apic);
    const cookie = `APIC-Cookie=${token}`;
    // Refresh at ~half the 1 s lifetime, three times: well past the lifetime of an unrefreshed token.
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const refreshed = await apicFetch(apic, 'GET', '/api/aaaRefresh.json', { cookie });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.imdata![0]!['aaaLogin']!.attributes['token']).toBe(token);
    }
    expect((await apicFetch(apic, 'GET', '/api/class/fvTenant.json', { cookie })).status).toBe(200);
    const expired = await waitFor(
      async () => {
        const r = await apicFetch(apic, 'GET', '/api/class/fvTenant.json', { cookie });
        return r.status === 403 ? r : undefined;
      },
      { what: 'token expiry', timeoutMs: 3000 },
    );
    expect(expired.body).toEqual({
      imdata: [{ error: { attributes: { code: '403', text: 'Token was invalid (Error: Token timeout)' } } }],
      totalCount: '1',
    });
  });

  it('logout ends the session; expireAllTokens fault expires live ones', async () => {
    const a = await labLogin(apic);
    expect(
      (await apicFetch(apic, 'POST', '/api/aaaLogout.json', { cookie: a.cookie, body: { aaaUser: { attributes: { name: 'admin' } } } }))
        .body,
    ).toEqual({ totalCount: '0', imdata: [] });
    expect((await apicFetch(apic, 'GET', '/api/class/fvTenant.json', { cookie: a.cookie })).status).toBe(403);
    const b = await labLogin(apic);
    apic.faults.expireAllTokens();
    expect((await apicFetch(apic, 'GET', '/api/class/fvTenant.json', { cookie: b.cookie })).status).toBe(403);
  });

  it('gui-token-request=yes requires the APIC-challenge header', async () => {
    const res = await apicFetch(apic, 'POST', '/api/aaaLogin.json?gui-token-request=yes', {
      body: { aaaUser: { attributes: { name: 'admin', pwd: apic.credentials.password } } },
    });
    const a = res.body.imdata![0]!['aaaLogin']!.attributes;
    const cookie = `APIC-cookie=${a['token']}`;
    expect((await apicFetch(apic, 'GET', '/api/class/fvTenant.json', { cookie })).status).toBe(403);
    expect(
      (await apicFetch(apic, 'GET', '/api/class/fvTenant.json', { cookie, headers: { 'APIC-challenge': a['urlToken']! } })).status,
    ).toBe(200);
  });
});

describe('certificate (signature) auth', () => {
  it('a correctly signed GET (with query) is accepted', async () => {
    const path = '/api/class/fvTenant.json?query-target-filter=eq(fvTenant.name,"k8s")';
    const res = await apicFetch(apic, 'GET', path, { cookie: signedCookie(cert, 'GET', path) });
    expect(res.status).toBe(200);
    expect(res.body.totalCount).toBe('1');
  });

  it('a signature over the percent-decoded URL is accepted too (acitoolkit/pyaci style)', async () => {
    const raw = `/api/class/fvTenant.json?query-target-filter=${encodeURIComponent('eq(fvTenant.name,"k8s")')}`;
    const res = await apicFetch(apic, 'GET', raw, { cookie: signedCookie(cert, 'GET', decodeURIComponent(raw)) });
    expect(res.status).toBe(200);
  });

  it('tampered path, body or signature, or an unknown certificate, is rejected with 403', async () => {
    const path = '/api/class/fvTenant.json';
    const signedForOther = signedCookie(cert, 'GET', '/api/class/fvCtx.json');
    expect((await apicFetch(apic, 'GET', path, { cookie: signedForOther })).status).toBe(403);
    const body = JSON.stringify({ fvTenant: { attributes: { name: 'x' } } });
    const postCookie = signedCookie(cert, 'POST', '/api/mo/uni/tn-x.json', body);
    const tampered = await apicFetch(apic, 'POST', '/api/mo/uni/tn-x.json', { cookie: postCookie, body: body.replace('"x"', '"x" ') });
    expect(tampered.status).toBe(403);
    expect(tampered.body.imdata![0]!['error']!.attributes['text']).toContain('Certificate authentication failed');
    const stranger = createUserCert('vkaci'); // same DN, different key
    expect((await apicFetch(apic, 'GET', path, { cookie: signedCookie(stranger, 'GET', path) })).status).toBe(403);
    const noCert = { ...stranger, certDn: 'uni/userext/user-nobody/usercert-nobody.crt' };
    expect((await apicFetch(apic, 'GET', path, { cookie: signedCookie(noCert, 'GET', path) })).status).toBe(403);
  });

  it('a signed user without the admin role cannot write configuration', async () => {
    const body = JSON.stringify({ fvTenant: { attributes: { name: 'ro' } } });
    const res = await apicFetch(apic, 'POST', '/api/mo/uni/tn-ro.json', {
      cookie: signedCookie(cert, 'POST', '/api/mo/uni/tn-ro.json', body),
      body,
    });
    expect(res.status).toBe(400);
    expect(res.body.imdata![0]!['error']!.attributes['text']).toContain('write privilege');
    expect(apic.tree.get('uni/tn-ro')).toBeUndefined();
  });
});

describe('TLS', () => {
  it('serves HTTPS with a certificate that verifies against caPem', async () => {
    const tlsApic = await startLabApic({ tree: apic.tree });
    try {
      expect(tlsApic.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const { status, cookie } = await new Promise<{ status: number; cookie: string | undefined }>((resolve, reject) => {
        const req = request(`${tlsApic.url}/api/aaaLogin.json`, { method: 'POST', ca: tlsApic.caPem }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, cookie: res.headers['set-cookie']?.[0] });
        });
        req.on('error', reject);
        req.end(JSON.stringify({ aaaUser: { attributes: { name: 'admin', pwd: tlsApic.credentials.password } } }));
      });
      expect(status).toBe(200);
      expect(cookie).toMatch(/; Secure$/);
    } finally {
      await tlsApic.stop();
    }
  });
});
