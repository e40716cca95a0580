/**
 * Phase 4, the browser: the real server (`server.ts`, production build) on the scale's generated scenario, and
 * headless Chromium opening the app. Reports time to first graph paint, time to interactive (first paint, or the
 * end of the last long task once the main thread has been quiet for a second) and frame rate while panning.
 * If the page shows no graph, it says "no graph view" rather than produce numbers.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { stringify } from 'yaml';
import type { Scenario } from '../lib/lab';
import {
  findPanePoint,
  installProbe,
  navigationTiming,
  readProbe,
  startFrameCounter,
  stopFrameCounter,
  viewportTransform,
} from './browser-page';
import { percentile, round } from './stats';
import { freePort } from '../lib/node/free-port';

// STACK.md: the flags Debian's Chromium needs here; background networking would dial out through a closed network.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const QUIET_MS = 1_000;

export interface BrowserResult {
  status: 'measured' | 'no graph view' | 'failed';
  reason?: string;
  /** `next build` ran first because `.next/BUILD_ID` was missing. */
  builtMs: number | null;
  serverReadyMs: number | null;
  domContentLoadedMs: number | null;
  firstGraphPaintMs: number | null;
  interactiveMs: number | null;
  longTasks: number | null;
  renderedNodes: number | null;
  panFps: number | null;
  panP95FrameMs: number | null;
  panWorstFrameMs: number | null;
  panned: boolean | null;
}

const EMPTY: Omit<BrowserResult, 'status'> = {
  builtMs: null,
  serverReadyMs: null,
  domContentLoadedMs: null,
  firstGraphPaintMs: null,
  interactiveMs: null,
  longTasks: null,
  renderedNodes: null,
  panFps: null,
  panP95FrameMs: null,
  panWorstFrameMs: null,
  panned: null,
};

function ensureBuild(): number | null {
  if (existsSync(join('.next', 'BUILD_ID'))) return null;
  const t0 = performance.now();
  const r = spawnSync('npx', ['next', 'build'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (r.status !== 0) throw new Error(`next build failed (exit ${String(r.status)})`);
  return performance.now() - t0;
}

async function waitReady(url: string, server: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server exited (${String(server.exitCode)}): ${log().slice(-1000)}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server not ready after ${timeoutMs} ms`);
}

export async function measureBrowser(scenario: Scenario, workDir: string, timeoutMs: number): Promise<BrowserResult> {
  let builtMs: number | null;
  try {
    builtMs = ensureBuild();
  } catch (err) {
    return { status: 'failed', reason: (err as Error).message, ...EMPTY };
  }
  await mkdir(workDir, { recursive: true });
  const scenarioFile = join(workDir, 'scenario.yaml');
  await writeFile(scenarioFile, stringify(scenario));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const t0 = performance.now();
  const server = spawn(
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
      join(workDir, 'lab'),
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } },
  );
  server.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  server.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    await waitReady(url, server, () => log, timeoutMs);
    const serverReadyMs = performance.now() - t0;
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    // tsx compiles this file with esbuild's keepNames, which wraps named inner functions in `__name(...)`; the
    // functions handed to the page are serialised with toString, so the page needs that helper (as identity).
    await page.addInitScript({ content: 'globalThis.__name ??= (fn) => fn;' });
    await page.addInitScript(installProbe);
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    const flow = await page.waitForSelector('.react-flow__node', { timeout: timeoutMs }).catch(() => null);
    if (!flow)
      return { status: 'no graph view', reason: 'no .react-flow__node appeared', ...EMPTY, builtMs, serverReadyMs: round(serverReadyMs) };
    await page.waitForFunction(() => window.__akbBench?.firstGraphPaint != null, undefined, { timeout: timeoutMs });
    // Interactive: the main thread has had no long task for QUIET_MS after the graph painted.
    await page.waitForFunction(
      (quiet) => {
        const p = window.__akbBench;
        return p?.firstGraphPaint != null && performance.now() - Math.max(p.firstGraphPaint, p.lastLongTaskEnd) >= quiet;
      },
      QUIET_MS,
      { timeout: timeoutMs, polling: 100 },
    );
    const probe = await page.evaluate(readProbe);
    const nav = await page.evaluate(navigationTiming);
    const renderedNodes = await page.locator('.react-flow__node').count();
    const pan = await measurePan(page);
    const first = probe?.firstGraphPaint ?? null;
    return {
      status: 'measured',
      builtMs: round(builtMs),
      serverReadyMs: round(serverReadyMs),
      domContentLoadedMs: round(nav.domContentLoadedMs),
      firstGraphPaintMs: round(first),
      interactiveMs: round(first === null ? null : Math.max(first, probe?.lastLongTaskEnd ?? 0)),
      longTasks: probe?.longTasks ?? null,
      renderedNodes,
      ...pan,
    };
  } catch (err) {
    return { status: 'failed', reason: (err as Error).message.split('\n')[0], ...EMPTY };
  } finally {
    await browser.close();
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
  }
}

type Page = Awaited<ReturnType<Awaited<ReturnType<typeof chromium.launch>>['newPage']>>;

/** Drags the empty pane for ~2 s with the mouse while counting animation frames in the page. */
async function measurePan(page: Page): Promise<Pick<BrowserResult, 'panFps' | 'panP95FrameMs' | 'panWorstFrameMs' | 'panned'>> {
  const pane = await page.locator('.react-flow__pane').boundingBox();
  // Pressing on a node would drag the node: start from a point where the empty pane itself is on top.
  const point = await page.evaluate(findPanePoint);
  if (!pane || !point) return { panFps: null, panP95FrameMs: null, panWorstFrameMs: null, panned: null };
  const before = await page.evaluate(viewportTransform);
  let mid = before;
  const { x, y } = point;
  await page.mouse.move(x, y);
  await page.evaluate(startFrameCounter);
  await page.mouse.down();
  const steps = 120;
  const start = Date.now();
  for (let i = 1; i <= steps; i++) {
    const angle = (i / steps) * 2 * Math.PI;
    await page.mouse.move(x + Math.sin(angle) * pane.width * 0.3, y + Math.sin(2 * angle) * pane.height * 0.2);
    // Paced at ~60 moves a second, as a hand would drag; the frame rate is the page's, not this loop's.
    const wait = start + i * 16 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (i === steps / 4) mid = await page.evaluate(viewportTransform);
  }
  await page.mouse.up();
  const frames = await page.evaluate(stopFrameCounter);
  const intervals = frames.slice(1).map((t, i) => t - frames[i]!);
  const span = frames.length > 1 ? frames[frames.length - 1]! - frames[0]! : 0;
  return {
    panFps: span > 0 ? round(((frames.length - 1) * 1000) / span, 1) : null,
    panP95FrameMs: round(percentile(intervals, 95)),
    panWorstFrameMs: round(intervals.length ? Math.max(...intervals) : null),
    panned: mid !== before,
  };
}
