import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { freePort } from '../../lib/node/free-port';
import { waitForCanvas } from './ui-support';

// A second app instance with UI authentication on (token mode): a browser logs in through the form, the
// session cookie opens the page and its websocket under akb's CSP, and a page on another port of the same
// host (same-site, so the Strict cookie goes along) cannot open the websocket: its Origin is refused.
const TOKEN = 'e2e-login-token-5d1f0a93c2';
let server: ChildProcess | null = null;
let evil: Server | null = null;
let baseUrl = '';
let serverLog = '';

test.describe.configure({ timeout: 180_000 });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  server = spawn(
    process.execPath,
    ['--import', 'tsx', 'server.ts', '--port', String(port), '--lab', '--no-lab-demo', '--ui-auth', 'token', '--log-level', 'warn'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AKB_UI_TOKEN: TOKEN, AKB_LAB_DIR: join('test-results', 'ui-login', 'lab') },
    },
  );
  server.stdout?.on('data', (d: Buffer) => (serverLog += d.toString()));
  server.stderr?.on('data', (d: Buffer) => (serverLog += d.toString()));
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`akb exited (${server.exitCode}):\n${serverLog.slice(-2000)}`);
    if (
      await fetch(`${baseUrl}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) throw new Error(`akb not ready:\n${serverLog.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  // The attacker's page: it tries the websocket and writes the outcome into its title.
  evil = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(`<script>const ws = new WebSocket('ws://127.0.0.1:${port}/ws');
ws.onmessage = (e) => { document.title = 'read: ' + e.data.slice(0, 40); };
ws.onerror = () => { document.title = 'refused'; };</script>`);
  });
  await new Promise<void>((r) => evil!.listen(0, '127.0.0.1', r));
});

test.afterAll(async () => {
  evil?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
});

test('a browser logs in through the form and sees the live topology; a wrong token is refused', async ({ page, context }) => {
  const cspErrors: string[] = [];
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) cspErrors.push(m.text());
  });
  await page.goto(`${baseUrl}/tables`);
  await expect(page).toHaveURL(`${baseUrl}/login?next=%2Ftables`);
  await page.getByLabel('Token').fill('not-the-token-at-all');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong token.');
  await page.getByLabel('Token').fill(TOKEN);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(`${baseUrl}/tables`);
  await page.goto(`${baseUrl}/`);
  await waitForCanvas(page);
  const session = (await context.cookies()).find((c) => c.name === 'akb_session');
  expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
  expect(session?.value).not.toContain(TOKEN);
  expect(cspErrors).toEqual([]);

  // Same site (the cookie goes along), other origin: the upgrade is refused on its Origin.
  const attacker = await context.newPage();
  const { port } = evil!.address() as { port: number };
  await attacker.goto(`http://127.0.0.1:${port}/`);
  await expect(attacker).toHaveTitle('refused');
});
