import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApicClient } from '../../lib/aci';
import { readLabFile, type LabFile } from '../../lib/lab/events';
import { startLab, type Lab } from '../../lib/lab';
import { kubectlFor, type KubectlRunner } from '../support/kubectl';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A lab with its directory, and the clients a user would point at it from what the directory holds. */
export interface LabFromDir {
  lab: Lab;
  dir: string;
  file: LabFile;
  /** akb's APIC client, trusting the lab's CA, logged in with the password file. */
  apic: ApicClient;
  /** The real kubectl with the lab's kubeconfig. */
  kubectl: KubectlRunner;
  stop(): Promise<void>;
}

export async function startLabFromDir(scenario: string): Promise<LabFromDir> {
  const dir = await mkdtemp(join(tmpdir(), `akb-${scenario}-`));
  const lab = await startLab({ scenario, labDir: join(dir, 'lab') });
  const file = await readLabFile(join(dir, 'lab'));
  const apic = new ApicClient({
    controllers: file.apicUrls,
    auth: { type: 'password', user: file.apicUser, password: (await readFile(file.apicPasswordFile, 'utf8')).trim() },
    tls: { ca: await readFile(file.apicCaFile!, 'utf8') },
  });
  const kubectl = kubectlFor(file.kubeconfig, join(dir, 'home'));
  return {
    lab,
    dir,
    file,
    apic,
    kubectl,
    async stop() {
      await apic.close();
      await lab.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the akb CLI (bin/akb.mjs) from the repository root. */
export function akbCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin/akb.mjs'), ...args], { cwd: ROOT }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}
