import { selfSignedCertificate } from '../../pki/x509';

export { labTlsMaterial, type TlsMaterial } from '../tls';

/** User certificates for APIC signature-based auth; the server's TLS material is the lab's shared one. */

export interface UserCert {
  /** PEM of the certificate, to store as `aaaUserCert.data`. */
  certPem: string;
  /** PKCS#8 PEM of the private key, for the client that signs requests. */
  privateKeyPem: string;
  /** `uni/userext/user-<user>/usercert-<certName>`, the value of the APIC-Certificate-DN cookie. */
  certDn: string;
}

/** A self-signed user certificate and key for APIC signature-based auth (as `openssl req -x509` would make). */
export function createUserCert(user: string, certName = `${user}.crt`): UserCert {
  const cert = selfSignedCertificate(user, 365, ['akb lab']);
  return {
    certPem: cert.certPem,
    privateKeyPem: cert.keyPem,
    certDn: `uni/userext/user-${user}/usercert-${certName}`,
  };
}
