import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../lib/lab';

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
let lab: Lab;

beforeAll(async () => {
  lab = await startLab({ scenario: 'demo' });
}, 60_000);
afterAll(async () => lab?.stop());

/** Async spawn: the lab servers live in this process, so a blocking spawnSync would starve them. */
function run(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { NODE_ENV: 'test', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the service in a pod', () => {
  it('reads the service account token and CA, the service host/port variables, and the mounted APIC password', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'akb-sa-'));
    writeFileSync(join(dir, 'token'), lab.k8s.token);
    writeFileSync(join(dir, 'ca.crt'), lab.k8s.caPem ?? '');
    writeFileSync(join(dir, 'namespace'), 'akb');
    writeFileSync(join(dir, 'apic-password'), lab.apicConnection.password);
    writeFileSync(join(dir, 'apic-ca.pem'), lab.apicConnection.caPem ?? '');
    // A private mount namespace gives this one process the files a kubelet mounts into a pod.
    const script = `mount -t tmpfs tmpfs /run && mkdir -p ${SA_DIR} && cp ${dir}/token ${dir}/ca.crt ${dir}/namespace ${SA_DIR}/ && exec node --import tsx tests/integration/fixtures/in-cluster-probe.ts`;
    const result = await run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      KUBERNETES_SERVICE_HOST: '127.0.0.1',
      KUBERNETES_SERVICE_PORT: String(lab.k8s.port),
      AKB_APIC_URLS: lab.apicConnection.urls.join(','),
      AKB_APIC_USER: lab.apicConnection.user,
      AKB_APIC_PASSWORD_FILE: join(dir, 'apic-password'),
      AKB_APIC_CA_FILE: join(dir, 'apic-ca.pem'),
      AKB_TENANT: lab.fabric.tenant,
      AKB_VRF: lab.fabric.vrf,
    });
    expect(result.stderr).not.toContain(lab.apicConnection.password);
    expect(result.code, result.stderr).toBe(0);
    const seen = JSON.parse(result.stdout.trim().split('\n').pop()!) as { ready: boolean; lab: boolean; k8sNodes: number; leaves: number };
    expect(seen).toMatchObject({ ready: true, lab: false, k8sNodes: lab.world().nodes.length });
    expect(seen.leaves).toBeGreaterThan(0);
  }, 90_000);
});
