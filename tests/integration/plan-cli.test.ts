import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SPEC = join(ROOT, 'tests/fixtures/specs/nkt-dual-stack.yaml');

function akb(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin/akb.mjs'), ...args], { cwd: ROOT }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('akb plan (CLI)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'akb-plan-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('prints the summary and writes payloads, manifests, user data and Terraform', async () => {
    const out = join(dir, 'out');
    const r = await akb(['plan', SPEC, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('floating IP 192.168.35.254 (derived)');
    expect(r.stdout).toContain('control plane endpoint 192.168.35.252:8443');
    expect((await readdir(join(out, 'aci'))).sort()[0]).toBe('1-bgpCtxP-K8s_L3OUT-Timers.json');
    expect(await readdir(join(out, 'nodes'))).toHaveLength(4);
    expect(await readFile(join(out, 'terraform/main.tf'), 'utf8')).toContain('resource "aci_rest_managed"');
    // Secrets appear only as placeholders: every password attribute of every payload is one.
    const passwords: unknown[] = [];
    JSON.parse(await readFile(join(out, 'aci/payloads.json'), 'utf8'), (k, v) => (k === 'password' ? passwords.push(v) : v));
    expect(passwords.length).toBeGreaterThan(0);
    expect(new Set(passwords)).toEqual(new Set(['{{akb.secret:bgp-password}}']));
  });

  it('exits 2 and lists every problem with its field path for a bad spec', async () => {
    const bad = join(dir, 'bad.yaml');
    const text = (await readFile(SPEC, 'utf8')).replace('vlan: 12', 'vlan: 5000').replace('routerId: 1.1.1.102', 'routerId: 1.1.1.101');
    await writeFile(bad, text);
    const r = await akb(['plan', bad, '--out', join(dir, 'never')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('2 problem(s)');
    expect(r.stderr).toContain('fabric.vlan: 5000 is outside 1-4094');
    expect(r.stderr).toContain('fabric.anchorLeaves[1].routerId: duplicate router ID 1.1.1.101');
    await expect(readdir(join(dir, 'never'))).rejects.toThrow();
  });
});
