import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { acquireLock } from '../../provisioner/apply';
import { workedExampleDoc } from '../../provisioner/test-support/fixtures';
import { akb } from './apply-support';

/**
 * `akb apply | diff | destroy | jobs` with bad input, as a user meets it: each refused before anything is contacted,
 * with an exit code a script can act on and a message naming the field, reference or job.
 */
let dir: string;
const env = () => ({ XDG_CONFIG_HOME: join(dir, 'config'), HOME: dir });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'akb-apply-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function specFile(name: string, doc: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, stringify(doc));
  return path;
}

const aciOnly = () => {
  const doc = workedExampleDoc();
  doc.mode = 'aci-only';
  return doc;
};

describe('akb apply and diff refuse bad input with exit 2', () => {
  it('a spec that does not validate: every problem by field, nothing contacted', async () => {
    const doc = aciOnly();
    (doc.fabric as Record<string, unknown>).vlan = 5000;
    const path = await specFile('bad.yaml', doc);
    for (const command of ['apply', 'diff']) {
      const r = await akb([command, path], { env: env() });
      expect(r.code, `${command}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain('fabric.vlan');
    }
  });

  it('a secret reference that does not resolve: named, its value never needed', async () => {
    const path = await specFile('aci-only.yaml', aciOnly());
    const r = await akb(['diff', path, '--state-dir', join(dir, 'state')], { env: { ...env(), AKB_APIC_PASSWORD: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /fabric\.apic\.credentials: secret reference "env:AKB_APIC_PASSWORD" names the environment variable AKB_APIC_PASSWORD, which is not set|resolves to an empty value/,
    );
  });

  it('a missing spec file and a bad flag value', async () => {
    expect((await akb(['apply', join(dir, 'nope.yaml')], { env: env() })).code).toBe(2);
    const flag = await akb(['apply', join(dir, 'aci-only.yaml'), '--verify-timeout', 'soon'], { env: env() });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--verify-timeout must be a positive whole number');
  });

  it('mode full: an unresolvable credential is bad input (exit 2) naming the field, before anything is generated', async () => {
    const path = await specFile('full.yaml', workedExampleDoc());
    const state = join(dir, 'full-state');
    const r = await akb(['apply', path, '--yes', '--state-dir', state], { env: { ...env(), AKB_APIC_PASSWORD: 'x-password' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cluster.vsphere.credentials');
    expect(r.stderr).toContain('AKB_VSPHERE_PASSWORD');
    await expect(stat(join(state, 'secrets.json'))).rejects.toThrow(/ENOENT/);
  });
});

describe('one job per cluster', () => {
  it('a second job is refused with exit 3 naming the job that holds the cluster', async () => {
    const state = join(dir, 'locked');
    await mkdir(state, { recursive: true });
    const { lock } = await acquireLock(state, 'other-job-1', 'destroy');
    try {
      const r = await akb(['apply', join(dir, 'aci-only.yaml'), '--yes', '--state-dir', state], {
        env: { ...env(), AKB_APIC_PASSWORD: 'x-password', AKB_BGP_PASSWORD: 'y-password' },
      });
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain('destroy job other-job-1');
    } finally {
      await lock.release();
    }
  });

  it('akb jobs lists nothing for a new cluster and refuses to follow an unknown job', async () => {
    const listed = await akb(['jobs', '--state-dir', join(dir, 'empty')], { env: env() });
    expect(listed).toMatchObject({ code: 0 });
    expect(listed.stdout).toContain('no jobs');
    const follow = await akb(['jobs', '--state-dir', join(dir, 'empty'), '--follow', 'nope'], { env: env() });
    expect(follow.code).toBe(2);
    expect(follow.stderr).toContain('no job nope');
  });
});
