import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { runtimeStage } from '../support/dockerfile';

/**
 * What the image runs, without docker: the final stage of the Dockerfile laid out in a fresh directory (the
 * files it copies from the build, after `next build` and `npm run build:server`), the dependencies of a clean
 * `npm ci --omit=dev` with the compilers removed as the deps stage does, started with the image's ENTRYPOINT:
 * plain node, no tsx. It serves the page on the embedded lab.
 */
const run = promisify(execFile);
const REPO = join(import.meta.dirname, '..', '..');
const PORT = Number(process.env.AKB_E2E_PORT ?? 3123) + 7;
let child: ChildProcess | undefined;
let dir: string | undefined;

test.afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the compiled server starts with plain node from a clean npm ci --omit=dev install, as the image runs it', async ({ page }) => {
  test.setTimeout(300_000);
  const stage = runtimeStage(await readFile(join(REPO, 'Dockerfile'), 'utf8'));
  expect(stage.entrypoint).toEqual(['node', 'dist/server.mjs']);
  await run(process.execPath, [join(REPO, 'scripts', 'build-server.mjs')], { cwd: REPO });

  dir = await mkdtemp(join(tmpdir(), 'akb-image-'));
  const app = join(dir, 'app');
  await mkdir(app);
  for (const file of ['package.json', 'package-lock.json']) await cp(join(REPO, file), join(app, file));
  await run('npm', ['ci', ...stage.npmCiArgs, '--no-audit', '--no-fund', '--prefer-offline'], { cwd: app, timeout: 240_000 });
  for (const removed of stage.removedModules) await rm(join(app, removed), { recursive: true, force: true });
  for (const path of stage.copiedFromBuild) await cp(join(REPO, path), join(app, path), { recursive: true });
  await rm(join(app, '.next', 'cache'), { recursive: true, force: true });
  await rm(join(app, 'package-lock.json'));

  // No compiler in the runtime tree: the image could not run tsx even if something asked for it.
  for (const compiler of ['tsx', 'esbuild', 'typescript'])
    await expect(readFile(join(app, 'node_modules', compiler, 'package.json'))).rejects.toThrow(/ENOENT/);

  const [bin, ...args] = stage.entrypoint;
  expect(bin).toBe('node');
  const server = spawn(process.execPath, [...args, '--port', String(PORT), '--lab', '--no-lab-demo', '--lab-dir', join(dir, 'lab')], {
    cwd: app,
    // The image's environment, nothing inherited from this checkout (no NODE_OPTIONS=--import tsx).
    env: { NODE_ENV: 'production', PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...stage.env, AKB_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child = server;
  let stderr = '';
  server.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await expect
    .poll(
      async () =>
        fetch(`http://127.0.0.1:${PORT}/readyz`).then(
          (r) => r.status,
          () => `down ${stderr.slice(-500)}`,
        ),
      {
        timeout: 90_000,
      },
    )
    .toBe(200);
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await expect(page.getByTestId('lab-banner')).toBeVisible();
  await expect(page.getByTestId('count-k8s-node')).toHaveText(/^[1-9]\d*$/);
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'open');
});
