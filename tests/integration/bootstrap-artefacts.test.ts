import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { certificateFacts, issueCertificate, publicKeySha256 } from '../../lib/pki/x509';
import {
  adminKubeconfig,
  caCertHash,
  generateBootstrapSecrets,
  loadOrCreateBootstrapSecrets,
  nodeBootstrap,
  secretValues,
  type BootstrapSecrets,
  type SecretVault,
} from '../../provisioner/bootstrap/index';
import { resolvedOf, workedExampleDoc } from '../../provisioner/test-support/fixtures';

/**
 * The bootstrap artefacts held against real third-party tools: Debian's `cloud-init schema` on the user data,
 * `openssl verify` / `openssl x509` and Node's TLS client on the PKI, `bash -n` on the script.
 */
const run = promisify(execFile);
const r = resolvedOf(workedExampleDoc());
let secrets: BootstrapSecrets;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'akb-bootstrap-'));
  secrets = generateBootstrapSecrets(r.spec.cluster.name);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function openssl(...args: string[]): Promise<string> {
  const { stdout, stderr } = await run('openssl', args);
  return stdout + stderr;
}

describe('generated PKI', () => {
  it('three CAs that openssl accepts as CAs with kubeadm subjects, and a service-account key pair', async () => {
    for (const [ca, cn] of [
      [secrets.ca, 'kubernetes'],
      [secrets.frontProxyCa, 'front-proxy-ca'],
      [secrets.etcdCa, 'etcd-ca'],
    ] as const) {
      const f = certificateFacts(ca.certPem);
      expect(f.ca).toBe(true);
      expect(f.subject).toBe(`CN=${cn}`);
      await writeFile(join(dir, 'ca.pem'), ca.certPem);
      const text = await openssl('x509', '-in', join(dir, 'ca.pem'), '-noout', '-text');
      expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
      expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment, Certificate Sign, CRL Sign/);
      // Self-signed and valid for ten years.
      expect(await openssl('verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'ca.pem'))).toContain('OK');
      expect(f.notAfter.getTime() - Date.now()).toBeGreaterThan(9.9 * 365 * 86_400_000);
    }
    await writeFile(join(dir, 'sa.pub'), secrets.serviceAccount.publicKeyPem);
    expect(await openssl('pkey', '-pubin', '-in', join(dir, 'sa.pub'), '-noout', '-text')).toContain('Public-Key: (2048 bit)');
  });

  it('the CA hash is sha256 of the CA public key info, as openssl computes it', async () => {
    await writeFile(join(dir, 'ca.crt'), secrets.ca.certPem);
    const { stdout } = await run('sh', [
      '-c',
      `openssl x509 -pubkey -in ${join(dir, 'ca.crt')} | openssl pkey -pubin -outform der | openssl dgst -sha256 -hex`,
    ]);
    const hex = stdout.trim().split(/\s+/).at(-1);
    expect(caCertHash(secrets)).toBe(`sha256:${hex}`);
    expect(publicKeySha256(secrets.ca.certPem)).toBe(hex);
  });

  it('a serving certificate from the cluster CA passes a real TLS check for a SAN, and fails for an address not in it', async () => {
    const serving = issueCertificate(secrets.ca, {
      commonName: 'kube-apiserver',
      days: 365,
      usage: 'server',
      altNames: ['127.0.0.1', 'kubernetes'],
    });
    const server: Server = createServer({ cert: serving.certPem, key: serving.keyPem }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const handshake = (servername: string, ca: string) =>
      new Promise<string>((resolve) => {
        const s = connect({ host: '127.0.0.1', port, ca, servername });
        s.once('secureConnect', () => {
          s.end();
          resolve('ok');
        });
        s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      });
    try {
      expect(await handshake('kubernetes', secrets.ca.certPem)).toBe('ok');
      expect(await handshake('not-a-san.example', secrets.ca.certPem)).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
      // Another cluster's CA does not vouch for it.
      const other = generateBootstrapSecrets('other');
      expect(await handshake('kubernetes', other.ca.certPem)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    } finally {
      server.close();
    }
  });
});

describe('admin kubeconfig', () => {
  it('points at the VIP through the proxy, with a client certificate from the cluster CA in group kubeadm:cluster-admins', async () => {
    const kc = parse(adminKubeconfig(r, secrets, { proxyUrl: 'socks5://127.0.0.1:1080' }));
    expect(kc.clusters[0].cluster).toMatchObject({ server: 'https://192.168.35.252:8443', 'proxy-url': 'socks5://127.0.0.1:1080' });
    expect(Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(secrets.ca.certPem);
    const cert = Buffer.from(kc.users[0].user['client-certificate-data'], 'base64').toString();
    await writeFile(join(dir, 'admin.crt'), cert);
    await writeFile(join(dir, 'ca.crt'), secrets.ca.certPem);
    expect(await openssl('verify', '-purpose', 'sslclient', '-CAfile', join(dir, 'ca.crt'), join(dir, 'admin.crt'))).toContain('OK');
    const subject = await openssl('x509', '-in', join(dir, 'admin.crt'), '-noout', '-subject');
    expect(subject).toContain('O = kubeadm:cluster-admins, CN = kubernetes-admin');
    // A client certificate must not be usable to serve.
    await expect(openssl('verify', '-purpose', 'sslserver', '-CAfile', join(dir, 'ca.crt'), join(dir, 'admin.crt'))).rejects.toThrow();
  });
});

describe('node user data and bootstrap script', () => {
  it.each(['nkt-master-1', 'nkt-master-2', 'nkt-worker-1'])(
    '%s: user data with secrets filled is valid for cloud-init schema',
    async (name) => {
      const node = r.spec.cluster.nodes.find((n) => n.name === name)!;
      const boot = nodeBootstrap(r, secrets, node);
      expect(boot.userData).not.toContain('{{akb.secret:');
      const file = join(dir, `${name}.user-data`);
      await writeFile(file, boot.userData);
      const { stdout } = await run('cloud-init', ['schema', '--config-file', file]);
      expect(stdout).toContain('Valid cloud-config');
      await writeFile(join(dir, `${name}.sh`), boot.files.find((f) => f.path === boot.script)!.content);
      await run('bash', ['-n', join(dir, `${name}.sh`)]);
    },
  );

  it('cloud-init schema rejects a broken document (the check can fail)', async () => {
    const file = join(dir, 'broken.user-data');
    await writeFile(file, '#cloud-config\nwrite_files:\n  - path: 7\n    permissions: [no]\n');
    await expect(run('cloud-init', ['schema', '--config-file', file])).rejects.toThrow(/Invalid cloud-config|Error/);
  });

  it('only the first master receives the CA keys; the join token and CA hash reach the others', () => {
    const [m1, m2, , w1] = r.spec.cluster.nodes.map((n) => nodeBootstrap(r, secrets, n));
    const paths = (b: typeof m1) => b!.files.map((f) => f.path);
    expect(paths(m1)).toEqual(
      expect.arrayContaining(['/etc/kubernetes/pki/ca.key', '/etc/kubernetes/pki/etcd/ca.key', '/etc/kubernetes/pki/sa.key']),
    );
    expect(paths(m2).some((p) => p.startsWith('/etc/kubernetes/pki/'))).toBe(false);
    expect(paths(w1).some((p) => p.startsWith('/etc/kubernetes/pki/'))).toBe(false);
    const join = w1!.files.find((f) => f.path === '/etc/akb/kubeadm.yaml')!;
    expect(join).toMatchObject({ secret: true, bootstrapOnly: true, mode: 0o600 });
    expect(join.content).toContain(secrets.token);
    expect(join.content).toContain(caCertHash(secrets));
    expect(m2!.files.find((f) => f.path === '/etc/akb/kubeadm.yaml')!.content).toContain(secrets.certificateKey);
    expect(m1!.files.find((f) => f.path === '/etc/keepalived/keepalived.conf')!.content).toContain(
      `auth_pass ${secrets.keepalivedPassword}`,
    );
    // A joining master stages its static pods: kubeadm join refuses a non-empty manifests directory.
    expect(paths(m2)).toContain('/etc/akb/manifests/haproxy.yaml');
    expect(paths(m2)).not.toContain('/etc/kubernetes/manifests/haproxy.yaml');
    // No secret value in the script or in any file not marked secret.
    for (const b of [m1, m2, w1])
      for (const f of b!.files.filter((x) => !x.secret))
        for (const v of secretValues(secrets)) expect(f.content.includes(v), f.path).toBe(false);
  });
});

describe('secret store', () => {
  function memoryVault(): SecretVault & { data: Map<string, string>; writes: number } {
    const data = new Map<string, string>();
    const vault = {
      data,
      writes: 0,
      read: async (name: string) => data.get(name),
      write: async (name: string, value: string) => {
        vault.writes++;
        data.set(name, value);
      },
    };
    return vault;
  }

  it('generates once and stores before returning; a second run gets the same CA and token', async () => {
    const vault = memoryVault();
    const first = await loadOrCreateBootstrapSecrets(vault, 'c1');
    expect(first.created).toBe(true);
    expect(vault.writes).toBe(1);
    const again = await loadOrCreateBootstrapSecrets(vault, 'c1');
    expect(again.created).toBe(false);
    expect(again.secrets.ca.certPem).toBe(first.secrets.ca.certPem);
    expect(again.secrets.token).toBe(first.secrets.token);
    expect(vault.writes).toBe(1);
  });

  it('refuses a damaged store or another cluster’s secrets, naming what is wrong', async () => {
    const vault = memoryVault();
    vault.data.set('bootstrap', '{"version":1,"cluster":"c1","token":"short"}');
    await expect(loadOrCreateBootstrapSecrets(vault, 'c1')).rejects.toThrow(/cluster c1 are invalid at/);
    vault.data.set('bootstrap', JSON.stringify(generateBootstrapSecrets('c2')));
    await expect(loadOrCreateBootstrapSecrets(vault, 'c1')).rejects.toThrow('holds the bootstrap secrets of cluster c2, not c1');
  });
});
