import { expect, test } from '@playwright/test';
import { labEvent } from './ui-support';

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
  } finally {
    await labEvent({ kind: 'session-up', leaf: 101, node: 'worker-1' });
  }
  await expect(cell).toHaveAttribute('data-state', 'established');
});
