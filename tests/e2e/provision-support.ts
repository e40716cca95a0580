/**
 * A server of our own for the provisioning e2e: the real entry point (`server.ts`) with UI token authentication,
 * the embedded lab on the `unpeered` scenario, its own lab and state directories, and every line it logs kept so
 * the test can check that no credential reached the log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labControlRequest, readLabControl, readLabFile, type LabFile } from '../../lib/lab';
import { freePort } from '../../lib/node/free-port';

export interface ProvisionServer {
  url: string;
  token: string;
  labDir: string;
  stateDir: string;
  lab: LabFile;
  apicPassword: string;
  /** Everything the server printed so far. */
  log(): string;
  labControl(path: string, init?: { method?: string; body?: unknown }): Promise<Response>;
  stop(): Promise<void>;
}

async function waitReady(url: string, child: ChildProcess, withinMs: number): Promise<void> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the server at ${url} was not ready within ${withinMs} ms`);
}

export async function startProvisionServer(): Promise<ProvisionServer> {
  const dir = mkdtempSync(join(tmpdir(), 'akb-provision-e2e-'));
  const token = randomBytes(24).toString('hex');
  writeFileSync(join(dir, 'ui-token'), `${token}\n`, { mode: 0o600 });
  const port = await freePort();
  const labDir = join(dir, 'lab');
  const stateDir = join(dir, 'clusters');
  const args = ['--import', 'tsx', 'server.ts', '--port', String(port), '--lab', '--lab-scenario', 'unpeered', '--no-lab-demo'];
  args.push('--lab-dir', labDir, '--ui-auth', 'token', '--ui-auth-file', join(dir, 'ui-token'), '--provision-state-dir', stateDir);
  const child = spawn(process.execPath, args, {
    env: { ...process.env, AKB_LOG_LEVEL: 'info', AKB_STATE_KEY: randomBytes(32).toString('base64url') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.stdout!.on('data', (d: Buffer) => (printed += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (printed += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url, child, 90_000);
  const lab = await readLabFile(labDir);
  const control = await readLabControl(labDir);
  return {
    url,
    token,
    labDir,
    stateDir,
    lab,
    apicPassword: readFileSync(lab.apicPasswordFile, 'utf8').trim(),
    log: () => printed,
    labControl: (path, init) => labControlRequest(control, path, init),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
