/** Helpers for the UI e2e specs: the running lab's control endpoint, its ground truth, the served graph. */
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { labControlRequest, readLabControl } from '../../lib/lab';
import type { GroundTruth } from '../../lib/lab/model';
import type { TopologyGraph } from '../../lib/topology/graph';

const LAB_DIR = process.env.AKB_E2E_LAB_DIR ?? 'test-results/e2e-lab';

/** Applies a lab event (scale a deployment, take a session down...) and waits for the lab to accept it. */
export async function labEvent(event: Record<string, unknown>): Promise<void> {
  const res = await labControlRequest(await readLabControl(LAB_DIR), '/events', { body: event });
  if (!res.ok) throw new Error(`lab event ${JSON.stringify(event)} failed: ${res.status} ${await res.text()}`);
}

/** What is really true in the lab right now (its answer key). */
export async function labTruth(): Promise<GroundTruth> {
  return (await (await labControlRequest(await readLabControl(LAB_DIR), '/truth')).json()) as GroundTruth;
}

/** The graph the app serves right now. */
export async function servedGraph(baseURL: string): Promise<TopologyGraph> {
  return (await (await fetch(`${baseURL}/api/v1/graph`)).json()) as TopologyGraph;
}

/** Data ids of the graph elements drawn on the canvas. */
export async function drawnNodeIds(page: Page): Promise<string[]> {
  return (await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''))).sort();
}

/** Waits until the canvas shows the live graph. */
export async function waitForCanvas(page: Page): Promise<void> {
  await page.locator('.react-flow__node[data-id^="leaf:"]').first().waitFor({ timeout: 30_000 });
}

export function screenshotPath(name: string): string {
  return join('test-results', 'screenshots', `${name}.png`);
}
