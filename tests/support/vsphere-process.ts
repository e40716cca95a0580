import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import type { MachineRef } from '../../provisioner/providers/machines';
import type { VsphereSpec } from '../../provisioner/providers/vsphere/provider';

/** The vSphere provider's `ensure` for one node in its own process (tests/support/vsphere-ensure.ts), to kill -9 it. */
export interface EnsureProcess {
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  kill(): void;
  stderr(): string;
}

/**
 * `startWhen`: the process loads and then waits for that file to exist before it acts, so a re-run can follow a
 * kill within milliseconds however loaded the machine is.
 */
export function runVsphereEnsure(
  cfg: { vsphere: VsphereSpec; stateDir: string; machine: MachineRef; timeoutMs?: number },
  password: string,
  startWhen?: string,
): EnsureProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/vsphere-ensure.ts'], {
    env: {
      ...process.env,
      AKB_VSPHERE_TEST: JSON.stringify(cfg),
      AKB_VSPHERE_PASSWORD: password,
      ...(startWhen ? { AKB_VSPHERE_START_WHEN: startWhen } : {}),
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((res) =>
    child.on('exit', (code) => res({ code, stdout, stderr })),
  );
  return { done, kill: () => child.kill('SIGKILL'), stderr: () => stderr };
}

/** The clone ledger entry of a node as the state directory holds it (state.json, resource `vsphere:<node>`). */
export function ledgerEntry(
  stateDir: string,
  node: string,
): { status: string; data: { task?: string; instanceUuid?: string } } | undefined {
  try {
    const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as {
      resources: Record<string, { status: string; data: { task?: string; instanceUuid?: string } }>;
    };
    return state.resources[`vsphere:${node}`];
  } catch {
    return undefined;
  }
}
