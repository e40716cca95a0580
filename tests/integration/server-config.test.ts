import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function runServer(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', 'server.ts', ...args], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { NODE_ENV: 'test', PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
}

describe('server.ts configuration errors', () => {
  it('exits 2 naming each bad flag and variable, before starting anything', () => {
    const run = runServer(['--port', '70000'], { AKB_LOG_LEVEL: 'chatty' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--port: must be a TCP port/);
    expect(run.stderr).toMatch(/AKB_LOG_LEVEL/);
  });

  it('rejects an APIC without credentials or VRF, and never echoes a password it was given', () => {
    const run = runServer(['--apic-url', 'https://apic1.example.com', '--apic-user', 'admin'], { AKB_APIC_PASSWORD: 's3cret-value' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--tenant and --vrf/);
    expect(run.stderr + run.stdout).not.toContain('s3cret-value');
  });

  it('rejects a malformed APIC URL', () => {
    const run = runServer(['--apic-url', 'apic1', '--apic-user', 'admin', '--tenant', 't', '--vrf', 'v'], { AKB_APIC_PASSWORD: 'x' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--apic-url: must be an http\(s\) URL/);
  });
});
