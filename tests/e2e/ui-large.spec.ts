import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { stringify } from 'yaml';
import { generateScenario } from '../../lib/lab/model';
import { screenshotPath } from './ui-support';
import { freePort } from '../../lib/node/free-port';

// A second app instance on a generated 2,000-node / 50,000-pod lab: the browser must draw it aggregated
// (pod badges, nodes and hypervisors grouped per rack) without errors.
const DIR = join('test-results', 'ui-large');
const NODES = 2000;
const PODS = 50_000;

let server: ChildProcess | null = null;
let baseUrl = '';
let serverLog = '';

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server?.exitCode !== null) throw new Error(`large lab server exited (${String(server?.exitCode)}):\n${serverLog.slice(-2000)}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`large lab not ready after ${timeoutMs} ms:\n${serverLog.slice(-2000)}`);
}

test.describe.configure({ timeout: 600_000 });

test.beforeAll(async () => {
  test.setTimeout(600_000);
  await mkdir(DIR, { recursive: true });
  const scenarioFile = join(DIR, 'scenario.yaml');
  await writeFile(scenarioFile, stringify(generateScenario({ leaves: 40, nodes: NODES, pods: PODS, services: 200, seed: 11 })));
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  server = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'server.ts',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--lab',
      '--no-lab-demo',
      '--lab-scenario',
      scenarioFile,
      '--lab-dir',
      join(DIR, 'lab'),
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stdout?.on('data', (d: Buffer) => (serverLog += d.toString()));
  server.stderr?.on('data', (d: Buffer) => (serverLog += d.toString()));
  await waitReady(baseUrl, 540_000);
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
});

test('a 2,000-node, 50,000-pod lab renders aggregated in the browser without errors', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(baseUrl);
  await expect(page.getByTestId('count-k8s-node')).toHaveText(String(NODES), { timeout: 120_000 });
  await expect
    .poll(async () => Number(await page.getByTestId('count-pod').textContent()), { timeout: 60_000 })
    .toBeGreaterThanOrEqual(PODS);
  const aggregation = page.getByTestId('aggregation');
  await expect(aggregation).toHaveAttribute('data-pods', 'true');
  await expect(aggregation).toHaveAttribute('data-tiers', /k8s-node/);
  const groups = page.locator('.react-flow__node[data-id^="group:k8s-node:"]');
  await expect(groups.first()).toBeVisible();
  // Aggregated: far fewer elements than the cluster has, so the page stays responsive.
  expect(Number(await page.getByTestId('topology').getAttribute('data-node-count'))).toBeLessThan(500);
  await page.screenshot({ path: screenshotPath('large-cluster') });

  // Opening one rack's group draws its nodes individually, their pods still as badges.
  const group = await groups.first().getAttribute('data-id');
  await page.goto(`${baseUrl}/?open=${encodeURIComponent(group!)}`);
  await expect(page.locator('.react-flow__node[data-id^="node:"]').first()).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('.react-flow__node[data-id^="pods:node:"]').first()).toBeVisible();
  await page.screenshot({ path: screenshotPath('large-group-open') });
  expect(errors.filter((e) => !e.includes('favicon'))).toEqual([]);
});
