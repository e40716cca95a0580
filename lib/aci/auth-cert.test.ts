import { createPublicKey, createVerify, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RequestSigner, certificateDn, signatureCookie, signedPayload } from './auth-cert';

const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

function cookieMap(cookie: string): Map<string, string> {
  return new Map(cookie.split('; ').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

describe('certificate signatures', () => {
  it('signs METHOD+path?query+body with RSA-SHA256, standard base64, in the four cookies', () => {
    const signer = new RequestSigner({ type: 'certificate', user: 'akb', certName: 'akb.crt', privateKey });
    const path = '/api/class/fvTenant.json?query-target-filter=eq(fvTenant.name,"t1")';
    const cookies = cookieMap(signer.cookie('GET', path, ''));
    expect(cookies.get('APIC-Certificate-Algorithm')).toBe('v1.0');
    expect(cookies.get('APIC-Certificate-Fingerprint')).toBe('fingerprint');
    expect(cookies.get('APIC-Certificate-DN')).toBe('uni/userext/user-akb/usercert-akb.crt');
    const sig = cookies.get('APIC-Request-Signature')!;
    expect(sig).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    const verify = (payload: string): boolean =>
      createVerify('RSA-SHA256').update(payload).verify(createPublicKey(publicKey), sig, 'base64');
    expect(verify(`GET${path}`)).toBe(true);
    expect(verify(`GET ${path}`)).toBe(false);
    expect(verify(`POST${path}`)).toBe(false);
  });

  it('covers the body, and adds the websocket session cookie when given', () => {
    const signer = new RequestSigner({ type: 'certificate', user: 'akb', certName: 'c', privateKey });
    const body = '{"fvTenant":{"attributes":{"name":"a"}}}';
    const cookies = cookieMap(signer.cookie('POST', '/api/mo/uni/tn-a.json', body, 'TOKEN123'));
    const sig = cookies.get('APIC-Request-Signature')!;
    const v = createVerify('RSA-SHA256').update(signedPayload('post', '/api/mo/uni/tn-a.json', body));
    expect(v.verify(createPublicKey(publicKey), sig, 'base64')).toBe(true);
    expect(cookies.get('APIC-WebSocket-Session')).toBe('TOKEN123');
  });

  it('reads the key from a file path and builds app-user DNs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'akb-aci-'));
    const file = join(dir, 'user.key');
    writeFileSync(file, privateKey);
    const signer = new RequestSigner({ type: 'certificate', user: 'app', certName: 'c', privateKey: file, appUser: true });
    expect(signer.certDn).toBe('uni/userext/appuser-app/usercert-c');
    expect(certificateDn({ user: 'u', certName: 'u.crt' })).toBe('uni/userext/user-u/usercert-u.crt');
    expect(signatureCookie('dn', 'SIG').split('; ')[0]).toBe('APIC-Certificate-Algorithm=v1.0');
  });

  it('fails without quoting key material, and never serialises the key', () => {
    const garbage = '-----BEGIN PRIVATE KEY-----\nNOTAKEYSECRETSTUFF\n-----END PRIVATE KEY-----\n';
    expect(() => new RequestSigner({ type: 'certificate', user: 'u', certName: 'c', privateKey: garbage })).toThrow(/not a valid PEM/);
    try {
      new RequestSigner({ type: 'certificate', user: 'u', certName: 'c', privateKey: garbage });
    } catch (err) {
      expect(String(err)).not.toContain('NOTAKEYSECRETSTUFF');
    }
    expect(() => new RequestSigner({ type: 'certificate', user: 'u', certName: 'c', privateKey: '/nonexistent/key.pem' })).toThrow(
      /ENOENT/,
    );
    const signer = new RequestSigner({ type: 'certificate', user: 'u', certName: 'c', privateKey });
    expect(JSON.stringify(signer)).toBe('{"certDn":"uni/userext/user-u/usercert-c"}');
  });
});
