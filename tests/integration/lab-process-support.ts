import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApicClient } from '../../lib/aci';
import { labControlRequest, readLabControl, type LabControl } from '../../lib/lab/events';
import { readLabFile, type LabFile } from '../../lib/lab/events';
import { kubectlFor, type KubectlRunner } from '../support/kubectl';
import { waitFor } from '../support/wait';
import { ROOT } from './apply-support';

/**
 * A lab started the way a user starts one, `akb lab start --scenario S --lab-dir D --no-demo`, as its own process,
 * and what a user (or a test standing in for one) points at it from D: akb's APIC client with the password file and
 * the lab's CA, the real kubectl with the lab's kubeconfig, and the lab's control endpoint (faults, counters, truth).
 * Quiet (no demo stream), so what the servers count is what the commands under test did.
 */
export interface LabProcess {
  dir: string;
  labDir: string;
  file: LabFile;
  specFile: string;
  apic: ApicClient;
  kubectl: KubectlRunner;
  control: LabControl;
  /** The lab's secrets as the user has them (files in D): what must never appear in clear anywhere akb writes. */
  secrets: { apicPassword: string; bgpPassword: string; controlToken: string };
  /** Configuration writes (POST/DELETE /api/mo) the lab APIC has received. */
  apicConfigWrites(): Promise<number>;
  /** The API server's current resourceVersion: it moves with every write that changes an object, and only then. */
  kubeRevision(): Promise<string>;
  stop(): Promise<void>;
}

export async function startLabProcess(scenario: string): Promise<LabProcess> {
  const dir = await mkdtemp(join(tmpdir(), `akb-journey-${scenario}-`));
  const labDir = join(dir, 'lab');
  const proc: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, 'bin/akb.mjs'), 'lab', 'start', '--scenario', scenario, '--lab-dir', labDir, '--no-demo'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: dir } },
  );
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  await waitFor(() => out.includes('running') || proc.exitCode !== null, { what: 'akb lab start to say it is running', timeoutMs: 90_000 });
  if (proc.exitCode !== null) throw new Error(`akb lab start exited ${proc.exitCode}:\n${out}`);
  const file = await readLabFile(labDir);
  const control = await readLabControl(labDir);
  const apicPassword = (await readFile(file.apicPasswordFile, 'utf8')).trim();
  const apic = new ApicClient({
    controllers: file.apicUrls,
    auth: { type: 'password', user: file.apicUser, password: apicPassword },
    tls: { ca: await readFile(file.apicCaFile!, 'utf8') },
  });
  const kubectl = kubectlFor(file.kubeconfig, join(dir, 'home'));
  return {
    dir,
    labDir,
    file,
    specFile: file.provisionSpecFile!,
    apic,
    kubectl,
    control,
    secrets: { apicPassword, bgpPassword: (await readFile(file.bgpPasswordFile!, 'utf8')).trim(), controlToken: control.token },
    async apicConfigWrites() {
      const res = await labControlRequest(control, '/counters');
      return ((await res.json()) as { apicConfigWrites: number }).apicConfigWrites;
    },
    async kubeRevision() {
      return (JSON.parse(await kubectl('get', '--raw', '/api/v1/namespaces?limit=1')) as { metadata: { resourceVersion: string } }).metadata
        .resourceVersion;
    },
    async stop() {
      await apic.close();
      proc.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
