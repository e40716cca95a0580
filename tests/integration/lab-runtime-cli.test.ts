import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labControlRequest, readLabControl, readLabFile } from '../../lib/lab';
import { waitFor } from '../support/wait';

/**
 * `akb lab start` and `akb lab event` as separate processes talking over the lab directory and the control URL.
 * The commands are run through a two-line entry that registers them on a fresh `akb lab` command, so this test
 * does not depend on lib/cli/lab-commands.ts wiring them in (once it does, `bin/akb.mjs` runs the same code).
 */
const ENTRY = [
  "import { Command } from 'commander';",
  "const { registerLabRuntimeCommands } = await import('./lib/lab/cli.ts');",
  "const program = new Command('akb').exitOverride();",
  "registerLabRuntimeCommands(program.command('lab'));",
  'try { await program.parseAsync(process.argv.slice(1), { from: "user" }); } catch (err) { if (err?.code?.startsWith?.("commander.")) process.exitCode = 2; else { console.error(err instanceof Error ? err.message : String(err)); process.exitCode = 1; } }',
].join('\n');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function akb(args: string[]): { done: Promise<Run>; kill: (signal: NodeJS.Signals) => void; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', ENTRY, ...args], { cwd: process.cwd() });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Run>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return { done, kill: (s) => child.kill(s), output: () => stdout + stderr };
}

let dir: string;
let labDir: string;
let server: ReturnType<typeof akb>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'akb-lab-cli-'));
  labDir = join(dir, 'lab');
  server = akb(['lab', 'start', '--scenario', 'demo', '--lab-dir', labDir, '--no-demo']);
  await waitFor(() => /control\s+http:\/\/127\.0\.0\.1:\d+/.test(server.output()), { what: 'the lab to start', timeoutMs: 30_000 });
}, 40_000);

afterAll(async () => {
  server?.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

describe('akb lab start / akb lab event', () => {
  it('start writes the lab directory and keeps the APIC password off stdout', async () => {
    const file = await readLabFile(labDir);
    const password = (await readFile(file.apicPasswordFile, 'utf8')).trim();
    expect(password.length).toBeGreaterThan(8);
    expect(server.output()).not.toContain(password);
    expect(server.output()).toContain(file.k8sUrl);
  });

  it('event applies a change and prints the result; the running lab serves it', async () => {
    const run = await akb(['lab', 'event', 'scale-deployment', 'namespace=shop', 'name=db', 'replicas=5', '--lab-dir', labDir]).done;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as {
      event: { kind: string; replicas: number };
      generation: number;
      kubernetes: { created: number };
    };
    expect(result.event).toMatchObject({ kind: 'scale-deployment', replicas: 5 });
    expect(result.kubernetes.created).toBe(2);
    const truth = (await (await labControlRequest(await readLabControl(labDir), '/truth')).json()) as {
      services: { name: string; endpointNodes: string[] }[];
    };
    expect(truth.services.find((s) => s.name === 'db')).toBeDefined();
  }, 20_000);

  it('event rejects a bad field and an unknown object with exit code 2, naming them', async () => {
    const bad = await akb(['lab', 'event', 'move-cable', 'host=worker-6', 'leaves=99', 'ports=eth1/20', '--lab-dir', labDir]).done;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/leaves\.0: Too small/);
    const unknown = await akb(['lab', 'event', 'fail-node', 'node=nope', '--lab-dir', labDir]).done;
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no node nope');
  }, 20_000);

  it('event without a running lab says so', async () => {
    const run = await akb(['lab', 'event', 'fail-node', 'node=worker-1', '--lab-dir', join(dir, 'nowhere')]).done;
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no running lab found: .*lab\.json does not exist/);
  }, 20_000);

  it('start stops cleanly on SIGTERM', async () => {
    server.kill('SIGTERM');
    expect((await server.done).code).toBe(0);
  }, 20_000);
});
