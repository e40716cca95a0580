import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/**
 * X.509 material for the lab: a self-signed CA with a server certificate for 127.0.0.1/localhost (so clients can
 * verify TLS against `caPem` instead of disabling verification), and user certificates for signature auth.
 * RSA keys come from node:crypto (native, fast); node-forge builds and signs the certificates.
 */

export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
}

export interface UserCert {
  /** PEM of the certificate, to store as `aaaUserCert.data`. */
  certPem: string;
  /** PKCS#8 PEM of the private key, for the client that signs requests. */
  privateKeyPem: string;
  /** `uni/userext/user-<user>/usercert-<certName>`, the value of the APIC-Certificate-DN cookie. */
  certDn: string;
}

function rsaKeyPair(): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; privateKeyPem: string } {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const key = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e), privateKeyPem: privateKey };
}

function baseCert(publicKey: forge.pki.rsa.PublicKey, commonName: string, days: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // Positive serial: a leading 0x00..0x7f byte keeps the DER integer non-negative.
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + days * 86_400_000);
  cert.setSubject([{ name: 'commonName', value: commonName }, { name: 'organizationName', value: 'akb lab' }]);
  return cert;
}

let cached: TlsMaterial | undefined;

/** CA + server certificate for loopback. Generated once per process and shared by every lab controller. */
export function labTlsMaterial(): TlsMaterial {
  if (cached) return cached;
  const ca = rsaKeyPair();
  const caCert = baseCert(ca.publicKey, 'akb lab APIC CA', 3650);
  caCert.setIssuer(caCert.subject.attributes);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  caCert.sign(ca.privateKey, forge.md.sha256.create());

  const server = rsaKeyPair();
  const cert = baseCert(server.publicKey, 'localhost', 825);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
  ]);
  cert.sign(ca.privateKey, forge.md.sha256.create());
  cached = { caPem: forge.pki.certificateToPem(caCert), certPem: forge.pki.certificateToPem(cert), keyPem: server.privateKeyPem };
  return cached;
}

/** A self-signed user certificate and key for APIC signature-based auth (as `openssl req -x509` would make). */
export function createUserCert(user: string, certName = `${user}.crt`): UserCert {
  const keys = rsaKeyPair();
  const cert = baseCert(keys.publicKey, user, 365);
  cert.setIssuer(cert.subject.attributes);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return {
    certPem: forge.pki.certificateToPem(cert),
    privateKeyPem: keys.privateKeyPem,
    certDn: `uni/userext/user-${user}/usercert-${certName}`,
  };
}
