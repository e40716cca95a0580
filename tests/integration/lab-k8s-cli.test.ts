import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlFor } from '../support/kubectl';
import { waitFor } from '../support/wait';

/**
 * The standalone lab servers as a user starts them: `akb lab k8s` and `akb lab apic` with their defaults, then the
 * real clients (kubectl 1.32, curl, `akb capture`) with exactly the files the commands wrote and no extra flag.
 */
const run = promisify(execFile);
let dir: string;
const children: ChildProcess[] = [];

interface Started {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

function akb(...args: string[]): Started {
  const child = spawn(process.execPath, ['bin/akb.mjs', ...args], { cwd: process.cwd() });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, exited };
}

interface Kubeconfig {
  clusters: { cluster: { server: string; 'certificate-authority-data'?: string } }[];
  users: { user: { token?: string } }[];
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'akb-lab-standalone-'));
});

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

describe('akb lab k8s', () => {
  it('serves HTTPS by default and the kubeconfig it writes works with kubectl as it is', async () => {
    const kubeconfig = join(dir, 'tls.kubeconfig');
    const lab = akb('lab', 'k8s', '--kubeconfig', kubeconfig, '--token', 'cli-secret-token');
    const url = await waitFor(() => /listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(lab.out())?.[1], {
      what: 'the listening line',
      timeoutMs: 20_000,
    });
    await waitFor(() => (lab.out().includes(`kubeconfig: ${kubeconfig}`) ? true : undefined), {
      what: 'the kubeconfig line',
      timeoutMs: 5000,
    });
    expect(lab.out()).not.toContain('cli-secret-token');
    const config = parse(await readFile(kubeconfig, 'utf8')) as Kubeconfig;
    expect(config.clusters[0]?.cluster.server).toBe(url);
    expect(config.clusters[0]?.cluster['certificate-authority-data']).toBeTruthy();
    expect(config.users[0]?.user.token).toBe('cli-secret-token');
    expect((await stat(kubeconfig)).mode & 0o777).toBe(0o600);

    const kubectl = kubectlFor(kubeconfig, join(dir, 'home-tls'));
    const names = (await kubectl('get', 'namespaces', '-o', 'name')).trim().split('\n');
    expect(names).toEqual(expect.arrayContaining(['namespace/default', 'namespace/kube-system', 'namespace/kube-public']));

    lab.child.kill('SIGTERM');
    expect(await lab.exited).toBe(0);
  });

  it('--no-tls serves plain HTTP without authentication, and kubectl works with that kubeconfig too', async () => {
    const kubeconfig = join(dir, 'plain.kubeconfig');
    const lab = akb('lab', 'k8s', '--no-tls', '--kubeconfig', kubeconfig);
    await waitFor(() => /listening on (http:\/\/127\.0\.0\.1:\d+) \(no authentication\)/.exec(lab.out())?.[1], {
      what: 'listening line',
      timeoutMs: 20_000,
    });
    await waitFor(() => (lab.out().includes('kubeconfig:') ? true : undefined), { what: 'the kubeconfig line', timeoutMs: 5000 });
    const config = parse(await readFile(kubeconfig, 'utf8')) as Kubeconfig;
    expect(config.users[0]?.user).toEqual({});
    const kubectl = kubectlFor(kubeconfig, join(dir, 'home-plain'));
    expect(await kubectl('get', 'namespace', 'kube-system', '-o', 'jsonpath={.metadata.name}')).toBe('kube-system');
    lab.child.kill('SIGTERM');
    expect(await lab.exited).toBe(0);
  });

  it('refuses --token with --no-tls, naming why', async () => {
    const lab = akb('lab', 'k8s', '--no-tls', '--token', 'x', '--kubeconfig', join(dir, 'never.kubeconfig'));
    expect(await lab.exited).toBe(2);
    expect(lab.out()).toContain('--token needs TLS');
  });
});

describe('akb lab apic', () => {
  it('writes its password and CA files; curl and akb capture connect with them and verify TLS', async () => {
    const kubeconfig = join(dir, 'capture.kubeconfig');
    const k8s = akb('lab', 'k8s', '--kubeconfig', kubeconfig);
    const apic = akb('lab', 'apic', '--password-file', join(dir, 'apic-password'), '--ca-file', join(dir, 'apic-ca.pem'));
    await waitFor(() => (k8s.out().includes('kubeconfig:') ? true : undefined), { what: 'the k8s kubeconfig line', timeoutMs: 20_000 });
    const url = await waitFor(() => /listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(apic.out())?.[1], {
      what: 'the APIC line',
      timeoutMs: 20_000,
    });
    const connect = await waitFor(() => /akb connects with: (.*)/.exec(apic.out())?.[1], { what: 'the connection hint', timeoutMs: 5000 });
    const password = (await readFile(join(dir, 'apic-password'), 'utf8')).trim();
    expect(password).toMatch(/^[0-9a-f]{24}$/);
    expect(apic.out()).not.toContain(password);
    expect((await stat(join(dir, 'apic-password'))).mode & 0o777).toBe(0o600);

    const login = await run('curl', [
      '-sS',
      '--cacert',
      join(dir, 'apic-ca.pem'),
      '-d',
      JSON.stringify({ aaaUser: { attributes: { name: 'admin', pwd: password } } }),
      `${url}/api/aaaLogin.json`,
    ]);
    expect(login.stdout).toContain('"token"');

    const out = join(dir, 'bundle.json');
    const capture = await run(
      process.execPath,
      ['bin/akb.mjs', 'capture', '--kubeconfig', kubeconfig, ...connect.split(' '), '--tenant', 'common', '--vrf', 'default', '--out', out],
      { cwd: process.cwd(), timeout: 60_000 },
    );
    expect(capture.stderr).toMatch(new RegExp(`APIC ${url}: \\d+ APIC requests .*; wrote ${out}`));
    const bundle = JSON.parse(await readFile(out, 'utf8')) as { apic: Record<string, unknown[]>; k8s: Record<string, unknown[]> };
    expect(Object.keys(bundle.k8s)).toEqual(expect.arrayContaining(['nodes', 'pods']));
    expect(Object.keys(bundle.apic).length).toBeGreaterThan(0);
    k8s.child.kill('SIGTERM');
    apic.child.kill('SIGTERM');
    expect(await apic.exited).toBe(0);
  });
});
