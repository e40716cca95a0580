import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../lib/lab/k8s/test-support';

/** `akb lab k8s` runs in the foreground, writes a kubeconfig, keeps the token off stdout and exits 0 on SIGTERM. */
describe('akb lab k8s', () => {
  it('serves until SIGTERM with a working kubeconfig', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'akb-lab-k8s-cli-'));
    const kubeconfig = join(dir, 'kc.yaml');
    const child = spawn(
      process.execPath,
      ['bin/akb.mjs', 'lab', 'k8s', '--port', '0', '--kubeconfig', kubeconfig, '--token', 'cli-secret-token'],
      { cwd: process.cwd() },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1], 20_000, 'the listening line');
      await waitFor(() => (out.includes(`kubeconfig: ${kubeconfig}`) ? true : undefined), 5000, 'the kubeconfig line');
      expect(out).not.toContain('cli-secret-token');
      const config = parse(await readFile(kubeconfig, 'utf8')) as {
        clusters: { cluster: { server: string } }[];
        users: { user: { token: string } }[];
      };
      expect(config.clusters[0]?.cluster.server).toBe(url);
      const res = await fetch(`${url}/api/v1/namespaces`, { headers: { Authorization: `Bearer ${config.users[0]?.user.token}` } });
      expect(res.status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
