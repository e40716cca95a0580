import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { kubectlPath } from '../support/kubectl';

/** The pinned real kubectl as a user runs it: exit status, stdout and stderr, optional stdin; HOME and caches in `dir`. */
export interface KubectlRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runKubectl(
  dir: string,
  kubeconfig: string,
  args: string[],
  opts: { stdin?: string; env?: Record<string, string> } = {},
): Promise<KubectlRun> {
  const kubectl = await kubectlPath();
  return new Promise((resolve, reject) => {
    const proc = spawn(kubectl, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'kubectl-cache'), ...args], {
      env: { ...process.env, HOME: dir, KUBECONFIG: kubeconfig, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.once('error', reject);
    proc.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    proc.stdin.end(opts.stdin ?? '');
  });
}
