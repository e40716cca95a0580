import { expect, test, type Page } from '@playwright/test';
import { WebSocket } from 'ws';
import { startProvisionServer, type ProvisionServer } from './provision-support';

/**
 * The provisioning wizard in Chromium on the lab (`unpeered`: a fabric and a Calico cluster that have not met), with
 * UI token authentication on, as an engineer uses it: load the fabric from the lab APIC, fill the L3Out, cluster and
 * nodes with the pickers, see inline errors appear and clear, review, apply, watch it fail on a write the APIC
 * refuses, retry, reload in the middle, and follow the links to the sessions it brought up.
 */

test.use({ actionTimeout: 15_000 });

let server: ProvisionServer;
/** Every response body, page content and websocket frame the browser saw, to check no credential is in any. */
const seen: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(120_000);
  server = await startProvisionServer();
});
test.afterAll(async () => {
  await server?.stop();
});

/** One screenshot per step, at the 1600×1000 viewport, for a reviewer to look at. */
const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/provision/${name}.png` });

function field(page: Page, path: string) {
  return page.getByTestId(`field-${path}`);
}

async function fill(page: Page, path: string, value: string): Promise<void> {
  const f = field(page, path);
  if ((await f.locator('select').count()) > 0) await f.locator('select').selectOption(value);
  else await f.locator('input').fill(value);
}

async function record(page: Page): Promise<void> {
  page.on('response', (r) => {
    if (!r.url().startsWith(server.url) || r.headers()['content-type']?.startsWith('text/event-stream')) return;
    void r.text().then(
      (t) => seen.push(t),
      () => undefined,
    );
  });
  page.on('websocket', (ws) => ws.on('framereceived', (f) => seen.push(String(f.payload))));
}

const ROUTES: Array<[string, string]> = [
  ['GET', '/api/v1/provision/session'],
  ['GET', '/api/v1/provision/schema'],
  ['POST', '/api/v1/provision/validate'],
  ['POST', '/api/v1/provision/discover'],
  ['POST', '/api/v1/provision/review'],
  ['GET', '/api/v1/provision/jobs'],
  ['POST', '/api/v1/provision/jobs'],
  ['GET', '/api/v1/provision/jobs/unpeered/20260101T000000Z-abcdef/events'],
  ['POST', '/api/v1/provision/jobs/unpeered/20260101T000000Z-abcdef/cancel'],
  ['POST', '/api/v1/provision/jobs/unpeered/20260101T000000Z-abcdef/retry'],
];

test('without authentication every provisioning route answers 401, the websocket is refused, and a cross-site POST is refused', async () => {
  for (const [method, path] of ROUTES) {
    const res = await fetch(`${server.url}${path}`, {
      method,
      ...(method === 'POST' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}),
    });
    expect(res.status, `${method} ${path}`).toBe(401);
  }
  const refused = await new Promise<number>((resolve) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => resolve(101));
  });
  expect(refused).toBe(401);
  // Authenticated, the socket carries the live graph only: a provisioning message is answered with an error.
  const reply = await new Promise<string>((resolve) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`, { headers: { authorization: `Bearer ${server.token}` } });
    ws.on('open', () => ws.send(JSON.stringify({ type: 'provision-apply', cluster: 'unpeered' })));
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { type: string; message?: string };
      if (m.type === 'error') {
        resolve(m.message ?? '');
        ws.close();
      }
    });
  });
  expect(reply).not.toBe('');
  const auth = { authorization: `Bearer ${server.token}` };
  const session = (await (await fetch(`${server.url}/api/v1/provision/session`, { headers: auth })).json()) as { csrfToken: string };
  const body = JSON.stringify({ spec: {} });
  const crossSite = await fetch(`${server.url}/api/v1/provision/validate`, {
    method: 'POST',
    body,
    headers: { ...auth, 'content-type': 'application/json', origin: 'https://evil.example', 'x-akb-csrf': session.csrfToken },
  });
  expect(crossSite.status).toBe(403);
  // The one security gate refuses it before the provisioning routes see it.
  expect(await crossSite.text()).toContain('cross-origin request refused');
  const noToken = await fetch(`${server.url}/api/v1/provision/validate`, {
    method: 'POST',
    body,
    headers: { ...auth, 'content-type': 'application/json' },
  });
  expect(noToken.status).toBe(403);
  const ok = await fetch(`${server.url}/api/v1/provision/validate`, {
    method: 'POST',
    body,
    headers: { ...auth, 'content-type': 'application/json', origin: server.url, 'x-akb-csrf': session.csrfToken },
  });
  expect(ok.status).toBe(200);
});

const NODES = [
  ['master-1', 'master', '1', '192.168.35.11'],
  ['master-2', 'master', '2', '192.168.35.12'],
  ['master-3', 'master', '1', '192.168.35.13'],
  ['worker-1', 'worker', '2', '192.168.35.21'],
  ['worker-2', 'worker', '1', '192.168.35.22'],
  ['worker-3', 'worker', '2', '192.168.35.23'],
] as const;

test('the wizard builds the L3Out on the lab: pickers from the APIC, inline errors, review, a refused write and its retry, live progress across a reload', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1600, height: 1000 });
  await record(page);
  // The browser authenticates as a script would (a bearer token on every request), whatever the login page's form.
  await page.setExtraHTTPHeaders({ authorization: `Bearer ${server.token}` });
  await page.goto(`${server.url}/provision`);
  await page.getByTestId('new-spec').click();

  // 1. Fabric: the controllers and the credentials; the fabric is read from the lab APIC.
  await fill(page, 'fabric.apic.urls', server.lab.apicUrls.join(', '));
  await fill(page, 'fabric.apic.username', server.lab.apicUser);
  await page.getByLabel('APIC password').fill(server.apicPassword);
  await fill(page, 'fabric.apic.caFile', server.lab.apicCaFile!);
  await expect(field(page, 'fabric.apic.urls')).toContainText('The APIC URLs');
  await page.getByTestId('load-fabric').click();
  await expect(page.getByTestId('discovery-summary')).toContainText('fabric AS 65002');
  await expect(field(page, 'fabric.asn').locator('input')).toHaveValue('65002');
  await shot(page, '1-fabric');

  // 2. L3Out: the pickers list the lab's tenants, VRFs, contracts, domains and leaves.
  await page.getByTestId('next').click();
  await expect(field(page, 'fabric.tenant').locator('option')).toContainText(['k8s']);
  await fill(page, 'fabric.tenant', 'k8s');
  await expect(field(page, 'fabric.vrf.name').locator('option')).toContainText(['vrf1']);
  await fill(page, 'fabric.vrf.name', 'vrf1');
  await fill(page, 'fabric.contract.name', 'k8s-any');
  await expect(field(page, 'fabric.physicalDomain').locator('option', { hasText: 'k8s-phys' })).toContainText('vlan 12-111');
  await fill(page, 'fabric.physicalDomain', 'k8s-phys');
  await fill(page, 'fabric.vlan', '12');
  await fill(page, 'fabric.nodeSubnet.ipv4', '192.168.35.0/24');
  await fill(page, 'fabric.maxEcmpPaths', '16');
  const leaves = [101, 102, 103, 104];
  for (const [i, leaf] of leaves.entries()) {
    await page.getByTestId('add-anchor').click();
    const leafSelect = field(page, `fabric.anchorLeaves[${i}].nodeId`).locator('select');
    await expect(leafSelect.locator('option')).toContainText([
      '101 leaf-101 (vPC with 102, rack 1)',
      '103 leaf-103 (vPC with 104, rack 2)',
    ]);
    await leafSelect.selectOption(String(leaf));
    await expect(field(page, `fabric.anchorLeaves[${i}].rackId`).locator('input')).toHaveValue(leaf < 103 ? '1' : '2');
    await fill(page, `fabric.anchorLeaves[${i}].routerId`, `1.1.1.${leaf}`);
    await fill(page, `fabric.anchorLeaves[${i}].ipv4`, `192.168.35.${leaf + 100}`);
  }
  await shot(page, '2-l3out');

  // 3. Cluster.
  await page.getByTestId('next').click();
  await fill(page, 'cluster.name', 'unpeered');
  await fill(page, 'cluster.kubernetesVersion', '1.34.1');
  await fill(page, 'cluster.cni', 'calico');
  await fill(page, 'cluster.asn', '65003');
  await fill(page, 'cluster.kubeconfig', `file:${server.lab.kubeconfig}`);
  await fill(page, 'cluster.podSubnet.ipv4', '10.244.0.0/16');
  await fill(page, 'cluster.serviceSubnet.ipv4', '10.96.0.0/16');
  await fill(page, 'cluster.externalServiceSubnet.ipv4', '192.168.38.0/24');
  await shot(page, '3-cluster');

  // 4. Nodes: the existing cluster's, one row each.
  await page.getByTestId('next').click();
  for (const [i, [name, role, rack, ip]] of NODES.entries()) {
    await page.getByTestId('add-node').click();
    await fill(page, `cluster.nodes[${i}].name`, name);
    await fill(page, `cluster.nodes[${i}].role`, role);
    await fill(page, `cluster.nodes[${i}].rack`, rack);
    await fill(page, `cluster.nodes[${i}].ipv4`, ip);
  }
  await expect(page.getByTestId('step-problems')).toHaveCount(0);

  // Inline errors appear at their fields as you type, and clear once fixed.
  const problem = (path: string) => field(page, path).getByTestId('field-problem');
  await fill(page, 'cluster.nodes[0].ipv4', '192.168.36.11');
  await expect(problem('cluster.nodes[0].ipv4')).toContainText('outside the node subnet 192.168.35.0/24');
  await fill(page, 'cluster.nodes[5].rack', '3');
  await expect(problem('cluster.nodes[5].rack')).toContainText('rack "3" has no anchor leaf');
  await shot(page, '4-nodes-errors');
  await fill(page, 'cluster.nodes[0].ipv4', '192.168.35.11');
  await fill(page, 'cluster.nodes[5].rack', '2');
  await expect(problem('cluster.nodes[0].ipv4')).toHaveCount(0);
  await expect(problem('cluster.nodes[5].rack')).toHaveCount(0);
  await page.getByTestId('step-l3out').click();
  await fill(page, 'fabric.anchorLeaves[1].routerId', '1.1.1.101');
  await expect(problem('fabric.anchorLeaves[1].routerId')).toContainText('duplicate');
  await fill(page, 'fabric.anchorLeaves[1].routerId', '1.1.1.102');
  await expect(problem('fabric.anchorLeaves[1].routerId')).toHaveCount(0);
  await shot(page, '4-nodes');

  // 5. akb itself is served by the lab already: not installed into the lab cluster.
  await page.getByTestId('step-addons').click();
  await fill(page, 'cluster.visualiser.enabled', 'false');
  await shot(page, '5-addons');

  // 6. Review: the plan against the live fabric, every APIC object new.
  await page.getByTestId('next').click();
  await expect(page.getByTestId('review')).toBeVisible({ timeout: 60_000 });
  const l3out = page.locator('[data-testid="aci-node"][data-dn="uni/tn-k8s/out-K8s_L3OUT"]');
  await expect(l3out).toHaveAttribute('data-state', 'new');
  await expect(page.locator('[data-testid="aci-node"][data-state="new"]').first()).toBeVisible();
  await expect(page.getByTestId('kube-object').first()).toBeVisible();
  await shot(page, '6-review');

  // Apply with the lab APIC refusing the third configuration write.
  const armed = await server.labControl('/faults/apic-config-write', {
    body: { nth: 3, code: '103', text: 'lab: the fabric refuses this write' },
  });
  expect(armed.ok).toBe(true);
  await page.evaluate(() => Object.assign(window, { __akbNoReload: true }));
  await page.getByTestId('apply').click();
  await page.waitForURL(/\/provision\/job\?cluster=unpeered&job=/);
  await expect(page.locator('[data-testid="job-step"][data-state="succeeded"]').first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('job-outcome')).toHaveAttribute('data-outcome', 'failed', { timeout: 60_000 });
  const failed = page.locator('[data-testid="job-step"][data-state="failed"]');
  await expect(failed).toHaveCount(1);
  await expect(failed.getByTestId('step-error')).toContainText('lab: the fabric refuses this write');
  expect(await page.evaluate(() => (window as unknown as { __akbNoReload?: boolean }).__akbNoReload)).toBe(true);
  await shot(page, '7-apply-failed');

  // Retry once the fault is cleared; reload in the middle and see the job still advancing, then done.
  expect((await server.labControl('/faults/apic-config-write', { method: 'DELETE' })).ok).toBe(true);
  const failedUrl = page.url();
  await page.getByTestId('retry-job').click();
  await page.waitForURL((u) => u.toString() !== failedUrl);
  await expect(page.locator('[data-testid="job-step"][data-state="succeeded"]').first()).toBeVisible({ timeout: 60_000 });
  const doneBefore = await page.locator('[data-testid="job-step"][data-state="succeeded"]').count();
  await page.reload();
  await expect(page.getByTestId('job-step').first()).toBeVisible();
  await expect
    .poll(() => page.locator('[data-testid="job-step"][data-state="succeeded"]').count(), { timeout: 120_000 })
    .toBeGreaterThan(doneBefore);
  await expect(page.getByTestId('job-outcome')).toHaveAttribute('data-outcome', 'succeeded', { timeout: 200_000 });
  await expect(page.locator('[data-testid="job-step"][data-step="verify:bgp"]')).toHaveAttribute('data-state', 'succeeded');
  await shot(page, '8-apply-done');
  const doneUrl = page.url();

  // The links: the topology, then the BGP page with the new sessions established.
  await page.getByTestId('link-topology').click();
  await page.locator('.react-flow__node[data-id^="leaf:"]').first().waitFor({ timeout: 30_000 });
  await shot(page, '9-topology');
  await page.goto(`${server.url}/bgp`);
  const cell = page.locator('[data-testid="bgp-row"][data-node="node:worker-1"] [data-testid="bgp-cell"][data-leaf="leaf:103"]');
  await expect(cell).toHaveAttribute('data-state', 'established', { timeout: 60_000 });
  await shot(page, '10-bgp');

  // Destroy from the cluster's job page, behind its typed name.
  await page.goto(doneUrl);
  await expect(page.getByTestId('job-outcome')).toHaveAttribute('data-outcome', 'succeeded');
  await page.getByText('Destroy unpeered').click();
  await page.getByTestId('destroy-name').fill('unpeere');
  await expect(page.getByTestId('destroy')).toBeDisabled();
  await page.getByTestId('destroy-name').fill('unpeered');
  await page.getByTestId('destroy').click();
  await page.waitForURL((u) => u.toString() !== doneUrl);
  await expect(page.getByTestId('job-outcome')).not.toHaveAttribute('data-outcome', 'planning');
  await expect(page.getByTestId('job-outcome')).toHaveAttribute('data-outcome', 'succeeded', { timeout: 120_000 });
  await shot(page, '11-destroy');

  // The history lists every job with its outcome.
  await page.goto(`${server.url}/provision`);
  await expect(page.getByTestId('job-history-row')).toHaveCount(3);
  await expect(page.locator('[data-testid="job-history-row"][data-outcome="failed"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="job-history-row"][data-outcome="succeeded"]')).toHaveCount(2);
  seen.push(await page.content());
  // The event streams (read again, whole, now that both jobs are over).
  const { jobs } = (await (
    await fetch(`${server.url}/api/v1/provision/jobs`, { headers: { authorization: `Bearer ${server.token}` } })
  ).json()) as {
    jobs: Array<{ cluster: string; job: string; user?: string }>;
  };
  expect(jobs.map((j) => j.user)).toEqual(['token', 'token', 'token']);
  for (const j of jobs)
    seen.push(
      await (
        await fetch(`${server.url}/api/v1/provision/jobs/${j.cluster}/${j.job}/events`, {
          headers: { authorization: `Bearer ${server.token}` },
        })
      ).text(),
    );
  expect(server.log()).toContain('provisioning job started');
  for (const text of [...seen, server.log()]) {
    expect(text).not.toContain(server.apicPassword);
    expect(text).not.toContain(server.token);
  }
});
