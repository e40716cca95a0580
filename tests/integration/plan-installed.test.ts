/**
 * `akb plan` wherever akb is installed: the package npm would publish (npm pack, the `files` of package.json) is
 * unpacked into a prefix's node_modules outside the repository and run from a third directory, so neither the
 * working directory nor the checkout can supply deploy/. Its dependencies are this checkout's node_modules, linked
 * in place of `npm install` fetching the same packages again.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SPEC = join(ROOT, 'tests/fixtures/specs/nkt-dual-stack.yaml');

let dir: string;
let installed: string;
let packed: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'akb-installed-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  const [pack] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  packed = pack!.files.map((f) => f.path);
  installed = join(dir, 'prefix/node_modules/akb');
  await mkdir(installed, { recursive: true });
  await run('tar', ['-xzf', join(dir, pack!.filename), '-C', installed, '--strip-components=1']);
  await symlink(join(ROOT, 'node_modules'), join(installed, 'node_modules'), 'dir');
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('akb plan from an installed package', () => {
  it('ships the deploy files in the package', () => {
    expect(packed).toContain('deploy/base/deployment.yaml');
    expect(packed).toContain('deploy/base/kustomization.yaml');
    expect(packed).toContain('deploy/overlays/example/ingress.yaml');
    expect(packed.some((p) => p.startsWith('tests/'))).toBe(false);
  });

  it('writes a plan with akb rendered from the installed deploy files, run from a directory outside the repository', async () => {
    const cwd = join(dir, 'elsewhere');
    await mkdir(cwd);
    const out = join(cwd, 'plan');
    const { stdout, stderr } = await run(process.execPath, [join(installed, 'bin/akb.mjs'), 'plan', SPEC, '--out', out], { cwd });
    expect(stderr).toBe('');
    expect(stdout).toMatch(/wrote \d+ files to /);
    expect(await readdir(join(out, 'kubernetes'))).toContain('20-akb.yaml');
    const docs = parseAllDocuments(await readFile(join(out, 'kubernetes/20-akb.yaml'), 'utf8')).map(
      (d) => d.toJS() as { kind: string; metadata: { name: string } },
    );
    const deployment = docs.find((d) => d.kind === 'Deployment');
    expect(deployment?.metadata.name).toBe('akb');
    expect(docs.map((d) => d.kind)).toEqual(expect.arrayContaining(['Namespace', 'ServiceAccount', 'ClusterRole', 'Service']));
  }, 60_000);
});
