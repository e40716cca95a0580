import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Running the akb command line as a user does, from tests: a child process per command, its exit code and output
 * captured (to assert on what a user sees, and that no secret is in it), its `--json` events parsed, and kill -9 at a
 * chosen event.
 */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const AKB = join(ROOT, 'bin/akb.mjs');

export interface AkbRun {
  code: number;
  stdout: string;
  stderr: string;
  /** `--json` events (empty without --json). */
  events: Array<Record<string, unknown> & { type: string }>;
  signal?: NodeJS.Signals | null;
}

export interface AkbOptions {
  env?: Record<string, string>;
  /** Sends SIGKILL when this returns true for an event (needs --json). */
  killWhen?: (event: Record<string, unknown> & { type: string }, index: number) => boolean;
  /** With killWhen: how long after that event the SIGKILL goes (default at once), to land anywhere inside a step. */
  killDelayMs?: number;
  timeoutMs?: number;
  /** Working directory (default the repository): where a default `.akb/` state directory goes. */
  cwd?: string;
}

/** Every byte a test's akb commands printed, to check for secrets at the end. */
export const printed: string[] = [];

export function akb(args: string[], o: AkbOptions = {}): Promise<AkbRun> {
  return new Promise((resolve, reject) => {
    const proc: ChildProcess = spawn(process.execPath, [AKB, ...args], {
      cwd: o.cwd ?? ROOT,
      env: { ...process.env, ...o.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const events: AkbRun['events'] = [];
    let buffer = '';
    let killed = false;
    const timer = setTimeout(() => proc.kill('SIGKILL'), o.timeoutMs ?? 120_000);
    proc.stdout!.on('data', (d: Buffer) => {
      const s = d.toString();
      stdout += s;
      if (!args.includes('--json')) return;
      buffer += s;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const e = JSON.parse(line) as AkbRun['events'][number];
          events.push(e);
          if (!killed && o.killWhen?.(e, events.length - 1)) {
            killed = true;
            setTimeout(() => proc.kill('SIGKILL'), o.killDelayMs ?? 0);
          }
        } catch {
          // not an event line
        }
      }
    });
    proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.once('error', reject);
    proc.once('close', (code, signal) => {
      clearTimeout(timer);
      printed.push(stdout, stderr);
      resolve({ code: code ?? -1, stdout, stderr, events, signal });
    });
  });
}

/** Every file below `dir`, with its content (for "no secret in the state directory"). */
export async function filesBelow(dir: string): Promise<Array<{ path: string; text: string }>> {
  const out: Array<{ path: string; text: string }> = [];
  for (const name of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!name.isFile()) continue;
    const path = join(name.parentPath, name.name);
    out.push({ path, text: await readFile(path, 'utf8') });
  }
  return out;
}
