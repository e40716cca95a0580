import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { labTlsMaterial } from '../../lib/lab';
import { readMoRef, type MoRef } from '../../lib/vsphere/envelope';
import { arrayItems, type Vim } from '../../provisioner/providers/vsphere/vim';

/**
 * VMware's simulator for tests: `tests/support/vcsim/main.go` (govmomi's simulator package from Debian's
 * golang-github-vmware-govmomi-dev) built offline with Debian's Go, once per machine and source version (the
 * binary is cached under the temp directory, keyed by the source and Go's version), then started per test file.
 */

const SOURCE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), 'vcsim');
const GOPATH = '/usr/share/gocode';

function goVersion(): string {
  const r = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('Go is not installed: apt-get install golang-go golang-github-vmware-govmomi-dev (.ci/run does)');
  return r.stdout.trim();
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Builds the simulator if this source has not been built here yet; concurrent test files wait for one build. */
export function vcsimBinary(): string {
  const hash = createHash('sha256')
    .update(readFileSync(join(SOURCE_DIR, 'main.go')))
    .update(goVersion())
    .digest('hex')
    .slice(0, 16);
  const root = join(tmpdir(), 'akb-vcsim');
  const bin = join(root, `vcsim-${hash}`);
  if (existsSync(bin)) return bin;
  if (!existsSync(join(GOPATH, 'src/github.com/vmware/govmomi/simulator')))
    throw new Error(`govmomi's simulator sources are missing from ${GOPATH}: apt-get install golang-github-vmware-govmomi-dev`);
  mkdirSync(root, { recursive: true });
  const lock = `${bin}.lock`;
  for (const started = Date.now(); ; sleepSync(500)) {
    if (existsSync(bin)) return bin;
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another process builds; a lock older than the longest build is left over from a killed one.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() - started > 600_000) throw new Error(`gave up waiting for ${lock}`);
    }
  }
  try {
    const tmp = `${bin}.${process.pid}.tmp`;
    const r = spawnSync('go', ['build', '-o', tmp, '.'], {
      cwd: SOURCE_DIR,
      encoding: 'utf8',
      env: { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '', GOCACHE: process.env.GOCACHE ?? join(root, 'gocache') },
    });
    if (r.status !== 0) throw new Error(`building the vCenter simulator failed:\n${r.stderr}`);
    renameSync(tmp, bin);
    return bin;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface Vcsim {
  /** `https://127.0.0.1:<port>/sdk` */
  url: string;
  username: string;
  password: string;
  /** The CA that signed the simulator's certificate (lab CA), also as a file, and the certificate itself. */
  caPem: string;
  caFile: string;
  certPem: string;
  template: string;
  stop(): Promise<void>;
}

export interface VcsimOptions {
  /** Delay before CloneVM_Task runs (ms), to kill a client mid-clone. */
  cloneDelayMs?: number;
  /** Serve Go's built-in localhost certificate instead of one signed by the lab CA. */
  untrustedCertificate?: boolean;
}

export async function startVcsim(opts: VcsimOptions = {}): Promise<Vcsim> {
  const bin = vcsimBinary();
  const tls = labTlsMaterial();
  const dir = join(tmpdir(), `akb-vcsim-run-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cert.pem'), tls.certPem);
  writeFileSync(join(dir, 'key.pem'), tls.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'ca.pem'), tls.caPem);
  const username = 'akb@vsphere.local';
  const password = `Pw-${randomBytes(9).toString('base64url')}&<x>`;
  const args = ['-username', username, '-clone-delay-ms', String(opts.cloneDelayMs ?? 0)];
  if (!opts.untrustedCertificate) args.push('-tlscert', join(dir, 'cert.pem'), '-tlskey', join(dir, 'key.pem'));
  const child: ChildProcessWithoutNullStreams = spawn(bin, args, { env: { ...process.env, VCSIM_PASSWORD: password } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const first = await new Promise<string>((res, rej) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', (line) => res(line));
    child.once('exit', (code) => rej(new Error(`vcsim exited (${code}) before it served: ${stderr}`)));
  });
  const info = JSON.parse(first) as { url: string; certPem: string; template: string };
  return {
    url: info.url,
    username,
    password,
    caPem: tls.caPem,
    caFile: join(dir, 'ca.pem'),
    certPem: info.certPem,
    template: info.template,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.stdin.end();
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The simulator's default inventory as akb's spec names it (`cluster.vsphere`). */
export const VCSIM_PLACEMENT = {
  datacenter: 'DC0',
  computeCluster: 'DC0_C0',
  datastore: 'LocalDS_0',
  folder: '/',
  portGroup: 'DC0_DVPG0',
} as const;

/** Names of the VMs (templates included) directly in a folder, e.g. `DC0/vm`, in inventory order. */
export async function vmNamesIn(vim: Vim, folderPath: string): Promise<string[]> {
  const folder = await vim.findByInventoryPath(folderPath);
  if (!folder) throw new Error(`no folder ${folderPath}`);
  const refs = arrayItems((await vim.properties(folder, ['childEntity']))?.props.get('childEntity'))
    .map(readMoRef)
    .filter((r): r is MoRef => r?.type === 'VirtualMachine');
  const names: string[] = [];
  for (const r of refs) names.push((await vim.properties(r, ['name']))?.props.get('name')?.text ?? '');
  return names;
}
