import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

let child: ChildProcess | undefined;

/** Like Ctrl-C in a terminal: the signal goes to the whole process group (npm, sh and the server). */
async function stopGroup(signal: NodeJS.Signals): Promise<number | null> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
  process.kill(-child.pid!, signal);
  return exited;
}

async function waitReady(port: number, withinMs: number, started: number): Promise<boolean> {
  while (Date.now() - started < withinMs) {
    if (
      await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

test.afterEach(async () => {
  await stopGroup('SIGTERM');
});

test('`PORT=4567 npm start` with no other configuration builds and serves the app on the embedded lab at 4567', async ({ page }) => {
  // npm start runs `next build` first (prestart): about 15 s on two idle cores, minutes on a loaded machine.
  // The budget covers the build, so a slow machine never kills it half-way (which would leave .next without a
  // build for the specs after this one).
  test.setTimeout(300_000);
  const port = 4567;
  const labDir = mkdtempSync(join(tmpdir(), 'akb-npm-start-'));
  const started = Date.now();
  // PORT, as platforms set it; only it and the lab directory differ from a fresh clone's defaults.
  const { AKB_PORT: _ignored, ...env } = process.env;
  child = spawn('npm', ['start', '--silent'], {
    env: { ...env, PORT: String(port), AKB_LAB_DIR: labDir, AKB_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
    detached: true,
  });
  expect(await waitReady(port, 240_000, started), 'built and ready within 240 s').toBe(true);
  await page.goto(`http://127.0.0.1:${port}/`);
  await expect(page.getByTestId('lab-banner')).toBeVisible();
  await expect(page.getByTestId('count-k8s-node')).toHaveText(/^[1-9]\d*$/);
  // public/ is served: the icons the page links and the ICO browsers ask for by themselves.
  const icons = await page
    .locator('link[rel="icon"], link[rel="apple-touch-icon"]')
    .evaluateAll((ls) => ls.map((l) => l.getAttribute('href')));
  expect(icons.map((h) => h?.split('?')[0]).sort()).toEqual(['/apple-touch-icon.png', '/favicon.ico', '/favicon.svg']);
  for (const [path, type] of [
    ['/favicon.ico', /^image\/(x-icon|vnd\.microsoft\.icon)/],
    ['/favicon.svg', /^image\/svg\+xml/],
    ['/apple-touch-icon.png', /^image\/png/],
    ['/robots.txt', /^text\/plain/],
  ] as const) {
    const res = await page.request.get(`http://127.0.0.1:${port}${path}`);
    expect({ path, status: res.status() }).toEqual({ path, status: 200 });
    expect(res.headers()['content-type']).toMatch(type);
  }
});

test('SIGTERM closes sockets, stops the lab and exits 0', async ({ page }) => {
  test.setTimeout(60_000);
  const port = 3192;
  const labDir = mkdtempSync(join(tmpdir(), 'akb-sigterm-'));
  child = spawn(process.execPath, ['--import', 'tsx', 'server.ts', '--port', String(port), '--lab-dir', labDir, '--log-level', 'warn'], {
    stdio: 'ignore',
    detached: true,
  });
  expect(await waitReady(port, 30_000, Date.now())).toBe(true);
  await page.goto(`http://127.0.0.1:${port}/`);
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'open');
  const started = Date.now();
  expect(await stopGroup('SIGTERM')).toBe(0);
  // An open websocket must not hold the process up.
  expect(Date.now() - started).toBeLessThan(10_000);
  await expect(page.getByTestId('connection')).not.toHaveAttribute('data-state', 'open');
});
