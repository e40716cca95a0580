import { expect, test } from '@playwright/test';
import { labEvent } from './ui-support';

/** 14:05, 14:05:30 or Nov 25 14:05: what the chart axes print. */
const READABLE_TIME = /^(\d{2}:\d{2}(:\d{2})?|[A-Z][a-z]{2} \d{2} \d{2}:\d{2})$/;
const PREFIX = '192.168.39.1/32'; // shop/frontend's load-balancer IP in the demo lab (externalTrafficPolicy: Local)

test('the ECMP page shows the leaves × nodes matrix of a lab service and a churn event appears live after a scale event', async ({
  page,
}) => {
  await page.goto(`/ecmp?prefix=${encodeURIComponent(PREFIX)}`);
  const matrix = page.locator(`[data-testid="ecmp-matrix"][data-prefix="${PREFIX}"]`);
  await expect(matrix).toBeVisible();
  await expect(matrix.locator('[data-testid="ecmp-row"]').first()).toBeVisible();
  await expect.poll(() => matrix.locator('[data-testid="ecmp-cell"][data-state="installed"]').count()).toBeGreaterThan(0);
  await expect(page.getByTestId('ecmp-max-paths')).toContainText('max paths');
  const churnBefore = await page.getByTestId('churn-event').count();

  await page.evaluate(() => Object.assign(window, { __akbNoReload: true }));
  await labEvent({ kind: 'scale-deployment', namespace: 'shop', name: 'frontend', replicas: 1 });
  try {
    await expect.poll(() => page.getByTestId('churn-event').count()).toBeGreaterThan(churnBefore);
    const newest = page.getByTestId('churn-event').first();
    await expect(newest).toContainText(PREFIX);
    await expect(newest).toContainText('%');
    const share = Number(await newest.getAttribute('data-share'));
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThanOrEqual(1);
    // The timeline has a time axis a person can read: d3-axis ticks labelled with clock times, left to right.
    const ticks = page.getByTestId('churn-time-axis').locator('.tick');
    await expect.poll(() => ticks.count()).toBeGreaterThanOrEqual(2);
    const labels = await ticks.locator('text').allTextContents();
    for (const label of labels) expect(label).toMatch(READABLE_TIME);
    const xs = await ticks.evaluateAll((gs) => gs.map((g) => g.getBoundingClientRect().x));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    await expect(page.getByTestId('churn-mark').first()).toBeVisible();
    await page.getByTestId('churn-chart').screenshot({ path: 'test-results/churn-timeline.png' });
    // The matrix follows: fewer installed paths than before the scale-down.
    await expect.poll(() => matrix.locator('[data-testid="ecmp-cell"][data-state="installed"]').count()).toBeLessThanOrEqual(4);
    expect(await page.evaluate(() => (window as unknown as { __akbNoReload?: boolean }).__akbNoReload)).toBe(true);
  } finally {
    await labEvent({ kind: 'scale-deployment', namespace: 'shop', name: 'frontend', replicas: 24 });
  }
});

test('the BGP page shows nodes × anchor leaves coloured by session state, following a session going down', async ({ page }) => {
  await page.goto('/bgp');
  const grid = page.getByTestId('bgp-grid');
  await expect(grid).toBeVisible();
  const cell = page.locator('[data-testid="bgp-row"][data-node="node:worker-1"] [data-testid="bgp-cell"][data-leaf="leaf:101"]');
  await expect(cell).toHaveAttribute('data-state', 'established');
  await labEvent({ kind: 'session-down', leaf: 101, node: 'worker-1' });
  try {
    await expect(cell).not.toHaveAttribute('data-state', 'established');
    // The flap history shows the change on a readable time axis.
    await expect.poll(() => page.getByTestId('flap-tick').count()).toBeGreaterThan(0);
    const labels = await page.getByTestId('flap-time-axis').locator('.tick text').allTextContents();
    expect(labels.length).toBeGreaterThanOrEqual(2);
    for (const label of labels) expect(label).toMatch(READABLE_TIME);
    await page.getByTestId('flap-history').screenshot({ path: 'test-results/bgp-flap-history.png' });
  } finally {
    await labEvent({ kind: 'session-up', leaf: 101, node: 'worker-1' });
  }
  await expect(cell).toHaveAttribute('data-state', 'established');
});
