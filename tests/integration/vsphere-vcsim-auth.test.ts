import { X509Certificate } from 'node:crypto';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labTlsMaterial } from '../../lib/lab';
import { createLogger } from '../../lib/logging';
import { soapFault, soapResponse } from '../../lib/vsphere/envelope';
import { el } from '../../lib/vsphere/xml';
import { VimFault, VimSession } from '../../provisioner/providers/vsphere/session';
import { normaliseThumbprint, VcenterTlsError } from '../../provisioner/providers/vsphere/transport';
import { startVcsim, type Vcsim } from '../support/vcsim';

/** Login and TLS: a wrong password and an untrusted or mismatched certificate each fail clearly, without the password. */

let trusted: Vcsim;
let untrusted: Vcsim;

beforeAll(async () => {
  [trusted, untrusted] = await Promise.all([startVcsim(), startVcsim({ untrustedCertificate: true })]);
}, 120_000);

afterAll(async () => {
  await trusted?.stop();
  await untrusted?.stop();
});

function capturingLogger(): { logger: ReturnType<typeof createLogger>; text: () => string } {
  let text = '';
  const destination = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), text: () => text };
}

describe('vCenter login and TLS against govmomi simulator', () => {
  it('a wrong password fails with InvalidLogin naming the user and vCenter, never the password', async () => {
    const wrong = `${trusted.password}-typo`;
    const log = capturingLogger();
    const err = await VimSession.login({
      url: trusted.url,
      username: trusted.username,
      password: wrong,
      trust: { kind: 'ca', caPem: trusted.caPem },
      logger: log.logger,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VimFault);
    expect((err as VimFault).faultType).toBe('InvalidLogin');
    expect((err as Error).message).toMatch(/refused user "akb@vsphere\.local": wrong user name or password/);
    expect((err as Error).message).not.toContain(wrong);
    expect(log.text()).not.toContain(wrong);
  });

  it('the right password logs in with the CA that signed the certificate', async () => {
    const s = await VimSession.login({
      url: trusted.url,
      username: trusted.username,
      password: trusted.password,
      trust: { kind: 'ca', caPem: trusted.caPem },
    });
    expect(s.content.apiVersion).not.toBe('');
    await s.logout();
  });

  it('an untrusted certificate is refused by default, saying which spec field fixes it', async () => {
    const err = await VimSession.login({
      url: untrusted.url,
      username: 'u',
      password: untrusted.password,
      trust: { kind: 'system' },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VcenterTlsError);
    expect((err as Error).message).toMatch(/not trusted .*cluster\.vsphere\.tls\.caFile.*cluster\.vsphere\.tls\.thumbprint/);
    // The lab CA did not sign it either.
    const err2 = await VimSession.login({
      url: untrusted.url,
      username: 'u',
      password: 'p',
      trust: { kind: 'ca', caPem: trusted.caPem },
    }).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(VcenterTlsError);
  });

  it('a pinned SHA-256 or SHA-1 thumbprint of that certificate is trusted; another thumbprint is refused', async () => {
    const cert = new X509Certificate(untrusted.certPem);
    for (const thumbprint of [cert.fingerprint256, cert.fingerprint.replace(/:/g, '').toLowerCase()]) {
      const pin = normaliseThumbprint(thumbprint)!;
      const s = await VimSession.login({
        url: untrusted.url,
        username: untrusted.username,
        password: untrusted.password,
        trust: { kind: 'thumbprint', thumbprint: pin },
      });
      await s.logout();
    }
    const other = normaliseThumbprint(new X509Certificate(labTlsMaterial().certPem).fingerprint256)!;
    await expect(
      VimSession.login({
        url: untrusted.url,
        username: untrusted.username,
        password: untrusted.password,
        trust: { kind: 'thumbprint', thumbprint: other },
      }),
    ).rejects.toThrow(/certificate thumbprint mismatch: pinned/);
  });
});

describe('a hostile endpoint', () => {
  let server: Server;
  let url: string;
  let received = '';

  beforeAll(async () => {
    const tls = labTlsMaterial();
    server = createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received += body;
        res.setHeader('content-type', 'text/xml');
        res.setHeader('set-cookie', 'vmware_soap_session="cookie-value-0123456789"; Path=/; HttpOnly');
        // RetrieveServiceContent answers normally; Login answers a fault that echoes the whole request.
        if (body.includes('RetrieveServiceContent'))
          res.end(
            soapResponse('RetrieveServiceContent', [
              el('returnval', ...['rootFolder', 'propertyCollector', 'searchIndex', 'sessionManager'].map((n) => el(n, { type: 'X' }, n))),
            ]),
          );
        else res.end(soapFault('InvalidRequest', `cannot parse request: ${body} (session cookie-value-0123456789)`));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/sdk`;
  });

  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('a fault echoing the request reaches the error without the password or the session cookie', async () => {
    const password = 'S3cret-P@ss&<word>';
    const err = await VimSession.login({ url, username: 'u', password, trust: { kind: 'ca', caPem: labTlsMaterial().caPem } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(VimFault);
    expect(received).toContain('S3cret-P@ss&amp;&lt;word&gt;');
    const message = (err as Error).message;
    expect(message).toContain('InvalidRequest');
    expect(message).not.toContain('S3cret');
    expect(message).not.toContain('cookie-value-0123456789');
  });

  it('with a mismatched pin nothing at all is sent to the server', async () => {
    received = '';
    const pin = normaliseThumbprint('00'.repeat(32))!;
    await expect(
      VimSession.login({ url, username: 'u', password: 'p4ssword', trust: { kind: 'thumbprint', thumbprint: pin } }),
    ).rejects.toThrow(VcenterTlsError);
    expect(received).toBe('');
  });
});
