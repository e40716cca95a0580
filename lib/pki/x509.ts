import { createHash, createPublicKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

/**
 * X.509 for the whole project: certificate authorities and the certificates they issue, correct for real TLS
 * clients (CA basic constraints and key usages, SANs, key identifiers). RSA keys come from node:crypto (native,
 * fast); node-forge builds and signs the certificates, since node:crypto cannot. Used by the provisioner for a
 * new cluster's PKI, by the lab for its servers and by the lab's node mimic as kubeadm would on a node.
 */

export interface KeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

export type CertificateUsage = 'server' | 'client' | 'server-client';

export interface CertificateRequest {
  commonName: string;
  /** Subject O= entries (Kubernetes reads them as the client's groups). */
  organizations?: string[];
  days: number;
  /** Subject alternative names: DNS names and IP addresses (either family), in any mix. */
  altNames?: string[];
  usage: CertificateUsage;
  /** Certify an existing key instead of generating one (the returned keyPem is then that key). */
  key?: KeyPair;
}

/** An RSA key pair (2048 bits: kubeadm's default). PKCS#8 private key, SPKI public key. */
export function rsaKeyPair(bits = 2048): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

function subject(commonName: string, organizations: string[] = []): forge.pki.CertificateField[] {
  return [...organizations.map((value) => ({ name: 'organizationName', value })), { name: 'commonName', value: commonName }];
}

function newCertificate(publicKeyPem: string, days: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  // A leading 0x01 keeps the DER serial positive; 128 random bits as RFC 5280 recommends.
  cert.serialNumber = `01${randomBytes(16).toString('hex')}`;
  // Backdated a little so a node whose clock is slightly behind still accepts it.
  cert.validity.notBefore = new Date(Date.now() - 5 * 60_000);
  cert.validity.notAfter = new Date(Date.now() + days * 86_400_000);
  return cert;
}

function privateKey(pem: string): forge.pki.rsa.PrivateKey {
  return forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
}

/** A self-signed root CA: CA:TRUE (critical), keyCertSign + cRLSign + digitalSignature (critical), key identifiers. */
export function createCertificateAuthority(commonName: string, days: number, organizations?: string[]): CertificateAuthority {
  const key = rsaKeyPair();
  const cert = newCertificate(key.publicKeyPem, days);
  cert.setSubject(subject(commonName, organizations));
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(privateKey(key.privateKeyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.privateKeyPem };
}

/** A self-signed leaf (not a CA), as `openssl req -x509` makes for a user certificate (APIC signature-based auth). */
export function selfSignedCertificate(commonName: string, days: number, organizations?: string[]): IssuedCertificate {
  const key = rsaKeyPair();
  const cert = newCertificate(key.publicKeyPem, days);
  cert.setSubject(subject(commonName, organizations));
  cert.setIssuer(cert.subject.attributes);
  cert.sign(privateKey(key.privateKeyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.privateKeyPem };
}

function altName(name: string): { type: number; value?: string; ip?: string } {
  return isIP(name) ? { type: 7, ip: name } : { type: 2, value: name };
}

/** Issues a leaf certificate signed by `ca`, with the usages a TLS server and/or client needs. */
export function issueCertificate(ca: CertificateAuthority, req: CertificateRequest): IssuedCertificate {
  const key = req.key ?? rsaKeyPair();
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const cert = newCertificate(key.publicKeyPem, req.days);
  cert.setSubject(subject(req.commonName, req.organizations));
  cert.setIssuer(caCert.subject.attributes);
  const server = req.usage !== 'client';
  const client = req.usage !== 'server';
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: server, clientAuth: client },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ];
  if (req.altNames && req.altNames.length > 0) extensions.push({ name: 'subjectAltName', altNames: req.altNames.map(altName) });
  cert.setExtensions(extensions);
  cert.sign(privateKey(ca.keyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: key.privateKeyPem };
}

/** SHA-256 of the certificate's DER SubjectPublicKeyInfo, hex: kubeadm's `--discovery-token-ca-cert-hash` (without "sha256:"). */
export function publicKeySha256(certPem: string): string {
  const der = createPublicKey(certPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/** The facts a verifier needs about a certificate, read with node:crypto's own parser (not the one that wrote it). */
export interface CertificateFacts {
  subject: string;
  issuer: string;
  ca: boolean;
  notBefore: Date;
  notAfter: Date;
  /** DNS names and IP addresses of the subjectAltName extension. */
  altNames: string[];
  keyUsage: string[];
}

export function certificateFacts(certPem: string): CertificateFacts {
  const x = new X509Certificate(certPem);
  const altNames = (x.subjectAltName ?? '')
    .split(', ')
    .filter((s) => s !== '')
    .map((s) => s.replace(/^(DNS|IP Address):/, ''));
  return {
    subject: x.subject,
    issuer: x.issuer,
    ca: x.ca,
    notBefore: new Date(x.validFrom),
    notAfter: new Date(x.validTo),
    altNames,
    keyUsage: x.keyUsage ?? [],
  };
}

/** True when `certPem` was signed by the CA's key and the CA is a CA (no chain building: one level, as in a cluster). */
export function signedBy(certPem: string, caCertPem: string): boolean {
  const cert = new X509Certificate(certPem);
  const ca = new X509Certificate(caCertPem);
  return ca.ca && cert.checkIssued(ca) && cert.verify(ca.publicKey);
}
