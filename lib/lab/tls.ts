import { createCertificateAuthority, issueCertificate } from '../pki/x509';

/**
 * X.509 material for the lab: one self-signed CA and one server certificate for loopback, shared by the
 * lab Kubernetes API server and the lab APIC controllers, so clients verify TLS against the CA (as they
 * must against real systems) instead of disabling verification.
 */
export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
}

let cached: TlsMaterial | undefined;

/** CA + server certificate for loopback, generated once per process (two RSA keys take ~100 ms). */
export function labTlsMaterial(): TlsMaterial {
  if (cached) return cached;
  const ca = createCertificateAuthority('akb lab CA', 3650, ['akb lab']);
  const server = issueCertificate(ca, {
    commonName: 'localhost',
    organizations: ['akb lab'],
    days: 825,
    usage: 'server',
    altNames: ['localhost', 'kubernetes.default.svc', '127.0.0.1', '::1'],
  });
  cached = { caPem: ca.certPem, certPem: server.certPem, keyPem: server.keyPem };
  return cached;
}
