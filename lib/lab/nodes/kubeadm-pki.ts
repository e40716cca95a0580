import { createCipheriv, createDecipheriv, createPublicKey, randomBytes } from 'node:crypto';
import {
  certificateFacts,
  createCertificateAuthority,
  issueCertificate,
  rsaKeyPair,
  signedBy,
  type CertificateAuthority,
  type IssuedCertificate,
} from '../../pki/x509';
import { KubeadmError } from './kubeadm-config';
import type { MimicMachine } from './machine';

/**
 * The certificate work kubeadm does on a control-plane node, on the mimic's files: use the CAs it finds in
 * /etc/kubernetes/pki (checking each is a CA and matches its key) or generate them, issue the API server's
 * serving certificate with kubeadm's SANs, and carry the CAs between masters in the kubeadm-certs Secret,
 * encrypted with the certificate key (AES-256-GCM, nonce first) as `kubeadm init --upload-certs` does.
 */
export const PKI = '/etc/kubernetes/pki';

/** The shared files `--upload-certs` carries, with their Secret keys. */
export const SHARED_CERTS: Array<[key: string, path: string]> = [
  ['ca.crt', `${PKI}/ca.crt`],
  ['ca.key', `${PKI}/ca.key`],
  ['sa.key', `${PKI}/sa.key`],
  ['sa.pub', `${PKI}/sa.pub`],
  ['front-proxy-ca.crt', `${PKI}/front-proxy-ca.crt`],
  ['front-proxy-ca.key', `${PKI}/front-proxy-ca.key`],
  ['etcd-ca.crt', `${PKI}/etcd/ca.crt`],
  ['etcd-ca.key', `${PKI}/etcd/ca.key`],
];

function samePublicKey(certPem: string, keyPem: string): boolean {
  try {
    const a = createPublicKey(certPem).export({ type: 'spki', format: 'der' });
    const b = createPublicKey(keyPem).export({ type: 'spki', format: 'der' });
    return a.equals(b);
  } catch {
    return false;
  }
}

/** A CA from the machine's files, validated as kubeadm's certs phase does; generated when both files are absent. */
export function loadOrCreateCa(m: MimicMachine, base: string, name: string, commonName: string, log: string[]): CertificateAuthority {
  const certPem = m.read(`${PKI}/${base}.crt`);
  const keyPem = m.read(`${PKI}/${base}.key`);
  if (certPem === undefined && keyPem === undefined) {
    const ca = createCertificateAuthority(commonName, 3650);
    m.write(`${PKI}/${base}.crt`, ca.certPem, 0o644);
    m.write(`${PKI}/${base}.key`, ca.keyPem, 0o600);
    log.push(`[certs] Generating "${name}" certificate and key`);
    return ca;
  }
  if (certPem === undefined || keyPem === undefined)
    throw new KubeadmError(
      `error execution phase certs/${name}: failure loading ${name} certificate authority: couldn't load the ${certPem === undefined ? 'certificate' : 'private key'} file ${PKI}/${base}.${certPem === undefined ? 'crt' : 'key'}`,
    );
  let isCa = false;
  try {
    isCa = certificateFacts(certPem).ca && signedBy(certPem, certPem);
  } catch {
    throw new KubeadmError(
      `error execution phase certs/${name}: failure loading ${name} certificate authority: ${PKI}/${base}.crt is not a PEM certificate`,
    );
  }
  if (!isCa) throw new KubeadmError(`error execution phase certs/${name}: certificate ${PKI}/${base}.crt is not a CA`);
  if (!samePublicKey(certPem, keyPem))
    throw new KubeadmError(
      `error execution phase certs/${name}: failure loading ${name} certificate authority: the private key ${PKI}/${base}.key does not match the certificate`,
    );
  log.push(`[certs] Using existing ${name} certificate authority`);
  return { certPem, keyPem };
}

export function ensureServiceAccountKey(m: MimicMachine, log: string[]): void {
  if (m.exists(`${PKI}/sa.key`) && m.exists(`${PKI}/sa.pub`)) {
    log.push('[certs] Using the existing "sa" key');
    return;
  }
  const k = rsaKeyPair();
  m.write(`${PKI}/sa.key`, k.privateKeyPem, 0o600);
  m.write(`${PKI}/sa.pub`, k.publicKeyPem, 0o644);
  log.push('[certs] Generating "sa" key and public key');
}

/** kubeadm's API server SANs: its names, the first service IP, the advertise address, the endpoint host, certSANs. */
export function apiServerSans(
  nodeName: string,
  serviceSubnet: string | undefined,
  advertise: string,
  endpointHost: string | undefined,
  certSANs: string[],
): string[] {
  const svc = firstServiceIp(serviceSubnet ?? '10.96.0.0/12');
  const names = [
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
    nodeName,
    svc,
    advertise,
    endpointHost,
    ...certSANs,
  ];
  return [...new Set(names.filter((n): n is string => n !== undefined && n !== ''))];
}

function firstServiceIp(subnets: string): string {
  const first = subnets.split(',')[0] ?? '10.96.0.0/12';
  const base = first.split('/')[0] ?? '10.96.0.0';
  if (base.includes(':')) return base.endsWith('::') ? `${base}1` : base;
  const parts = base.split('.').map(Number);
  parts[3] = (parts[3] ?? 0) + 1;
  return parts.join('.');
}

export function issueApiServerCert(m: MimicMachine, ca: CertificateAuthority, sans: string[], log: string[]): IssuedCertificate {
  const cert = issueCertificate(ca, { commonName: 'kube-apiserver', days: 365, usage: 'server', altNames: sans });
  m.write(`${PKI}/apiserver.crt`, cert.certPem, 0o644);
  m.write(`${PKI}/apiserver.key`, cert.keyPem, 0o600);
  const dns = sans.filter((s) => !/^[\d.]+$|:/.test(s));
  const ips = sans.filter((s) => /^[\d.]+$|:/.test(s));
  log.push(`[certs] apiserver serving cert is signed for DNS names [${dns.join(' ')}] and IPs [${ips.join(' ')}]`);
  return cert;
}

/** Encrypts each shared file as kubeadm-certs carries it. */
export function encryptCerts(m: MimicMachine, certificateKey: string): Record<string, string> {
  const key = Buffer.from(certificateKey, 'hex');
  const out: Record<string, string> = {};
  for (const [name, path] of SHARED_CERTS) {
    const data = m.read(path);
    if (data === undefined) continue;
    const nonce = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, nonce);
    const sealed = Buffer.concat([nonce, c.update(data, 'utf8'), c.final(), c.getAuthTag()]);
    out[name] = sealed.toString('base64');
  }
  return out;
}

/** Decrypts kubeadm-certs with the joining master's certificate key; a wrong key fails as kubeadm's does. */
export function decryptCerts(data: Record<string, string>, certificateKey: string): Record<string, string> {
  const key = Buffer.from(certificateKey, 'hex');
  const out: Record<string, string> = {};
  for (const [name, b64] of Object.entries(data)) {
    const sealed = Buffer.from(b64, 'base64');
    try {
      const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      d.setAuthTag(sealed.subarray(sealed.length - 16));
      out[name] = Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]).toString('utf8');
    } catch {
      throw new KubeadmError(
        'error execution phase control-plane-prepare/download-certs: error downloading certs: error decoding secret data with provided key: cipher: message authentication failed',
      );
    }
  }
  return out;
}
