import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { E2E_LAB_DIR } from '../../playwright.config';

function labKubeApi(): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromString(readFileSync(join(E2E_LAB_DIR, 'kubeconfig'), 'utf8'));
  return kc.makeApiClient(CoreV1Api);
}

test("the page shows a live count of the lab's Kubernetes nodes that follows the API server without reload", async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('lab-banner')).toBeVisible();
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'open');
  const count = page.getByTestId('count-k8s-node');
  await expect(count).toHaveText(/^\d+$/);
  const before = Number(await count.textContent());
  expect(before).toBeGreaterThan(0);

  // Mark the page so a reload would be detected.
  await page.evaluate(() => Object.assign(window, { __akbNoReload: true }));
  const api = labKubeApi();
  const name = `e2e-added-${Date.now()}`;
  await api.createNode({
    body: {
      metadata: { name, labels: { 'kubernetes.io/hostname': name } },
      status: { addresses: [{ type: 'InternalIP', address: '192.0.2.250' }] },
    },
  });
  try {
    await expect(count).toHaveText(String(before + 1));
    expect(await page.evaluate(() => (window as unknown as { __akbNoReload?: boolean }).__akbNoReload)).toBe(true);
  } finally {
    await api.deleteNode({ name });
  }
  await expect(count).toHaveText(String(before));
});
