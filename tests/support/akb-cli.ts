/** Runs the `akb` CLI as a user does (a separate process from the repository root), with a clean environment. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The environment without any akb/Kubernetes configuration of the machine running the tests. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(([k]) => !/^(AKB_|KUBECONFIG$|KUBERNETES_)/.test(k));
  return { ...Object.fromEntries(kept), NODE_ENV: 'test', HOME: '/nonexistent', ...extra };
}

export function runAkb(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; stdin?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/akb.mjs', ...args], {
      cwd: root,
      env: opts.env ?? cleanEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}
