import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { loadShippedScenario } from '../../lib/lab/model';
import type { GroundTruth } from '../../lib/lab/model';
import type { TopologyGraph } from '../../lib/topology/graph';
import { drawnNodeIds, labEvent, labTruth, screenshotPath, servedGraph, waitForCanvas } from './ui-support';

// The e2e lab plays demo events every few seconds, so expectations are recomputed from the lab's current
// ground truth on every attempt (toPass) instead of being frozen at the start.
const hvOf = (n: GroundTruth['nodes'][number]) => (n.hostKind === 'baremetal' ? `node:${n.name}` : `hypervisor:${n.host}`);
const podsOn = (g: TopologyGraph, node: string) => g.nodes.filter((p) => p.kind === 'pod' && p.data.nodeName === node).map((p) => p.id);
const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

test.describe('topology on the demo lab', () => {
  test('shows the leaves, hypervisors and nodes with their physical links and BGP sessions', async ({ page }) => {
    await page.goto('/');
    await waitForCanvas(page);
    await expect(page.getByTestId('lab-banner')).toBeVisible();
    const truth = await labTruth();
    for (const n of truth.nodes) {
      await expect(page.locator(`.react-flow__node[data-id="node:${n.name}"]`)).toBeVisible();
      await expect(page.locator(`.react-flow__node[data-id="${hvOf(n)}"]`)).toBeVisible();
      for (const { leaf, port } of n.leafPorts) {
        await expect(page.locator(`.react-flow__node[data-id="leaf:${leaf}"]`)).toBeVisible();
        const link = page.locator(`.react-flow__edge[data-id="link:${hvOf(n)}->leaf:${leaf}#${port}"]`);
        await expect(link).toHaveCount(1);
        await expect(link.locator('.react-flow__edge-text')).toHaveText(new RegExp(`:${port.replace('/', '\\/')}$`));
      }
    }
    const anchors = new Set(truth.sessions.filter((s) => s.leaf !== null).map((s) => s.leaf));
    for (const leaf of anchors) await expect(page.locator(`.react-flow__node[data-id="leaf:${leaf}"] [data-anchor="true"]`)).toHaveCount(1);
    await expect(page.locator('.react-flow__edge.akb-edge-bgp')).toHaveCount(truth.sessions.filter((s) => s.leaf !== null).length);
    await page.screenshot({ path: screenshotPath('topology-cluster') });
  });

  test('a lab event appears live, without reload, and is highlighted', async ({ page, baseURL }) => {
    await page.goto('/');
    await waitForCanvas(page);
    await page.evaluate(() => ((window as unknown as { akbNoReload: boolean }).akbNoReload = true));

    const session = (await labTruth()).sessions.find((s) => s.state === 'established' && s.leaf !== null)!;
    await labEvent({ kind: 'session-down', leaf: session.leaf, node: session.node });
    const edge = page.locator(`.react-flow__edge.akb-edge-bgp[data-id^="bgp:node:${session.node}->leaf:${session.leaf}#"]`);
    await expect(edge).not.toHaveAttribute('aria-label', 'bgp established');
    await expect(edge).toHaveClass(/akb-flash-edge/);

    const deployment = loadShippedScenario('demo').cluster.workloads.find((w) => w.kind === 'Deployment')!;
    const before = new Set(podsOf(await servedGraph(baseURL!), deployment.namespace, deployment.name));
    await labEvent({ kind: 'scale-deployment', namespace: deployment.namespace, name: deployment.name, replicas: before.size + 2 });
    const fresh = page
      .locator(`.react-flow__node[data-id^="pod:${deployment.namespace}/${deployment.name}-"]`)
      .filter({ has: page.locator('[data-changed="true"]') });
    await expect(fresh.first()).toBeVisible();
    const id = await fresh.first().getAttribute('data-id');
    expect(before.has(id!)).toBe(false);
    expect(await page.evaluate(() => (window as unknown as { akbNoReload?: boolean }).akbNoReload)).toBe(true);
    await page.screenshot({ path: screenshotPath('topology-live-change') });
  });

  test('each focus view shows exactly the expected neighbourhood', async ({ page, baseURL }) => {
    const check = async (focus: string, expected: () => Promise<string[]>) => {
      await page.goto(`/?focus=${encodeURIComponent(focus)}`);
      await waitForCanvas(page);
      await expect(async () => expect(await drawnNodeIds(page)).toEqual(await expected())).toPass({ timeout: 20_000 });
    };
    const truth = await labTruth();
    const leafNo = truth.sessions.find((s) => s.leaf !== null)!.leaf!;
    await check(`leaf:${leafNo}`, async () => {
      const t = await labTruth();
      const cabled = t.nodes.filter((n) => n.leafPorts.some((p) => p.leaf === leafNo));
      const onHosts = t.nodes.filter((n) => n.hostKind !== 'baremetal' && cabled.some((c) => c.host === n.host));
      return sorted([
        `leaf:${leafNo}`,
        ...cabled.map(hvOf),
        ...onHosts.map((n) => `node:${n.name}`),
        ...t.sessions.filter((s) => s.leaf === leafNo).map((s) => `node:${s.node}`),
      ]);
    });
    await page.screenshot({ path: screenshotPath('focus-leaf') });

    const node = truth.nodes.find((n) => n.hostKind !== 'baremetal')!;
    const pathOf = (t: GroundTruth, name: string) => {
      const n = t.nodes.find((x) => x.name === name)!;
      return [
        `node:${n.name}`,
        hvOf(n),
        ...n.leafPorts.map((p) => `leaf:${p.leaf}`),
        ...t.sessions.filter((s) => s.node === n.name && s.leaf !== null).map((s) => `leaf:${s.leaf}`),
      ];
    };
    await check(`node:${node.name}`, async () =>
      sorted([...pathOf(await labTruth(), node.name), ...podsOn(await servedGraph(baseURL!), node.name)]),
    );
    await page.screenshot({ path: screenshotPath('focus-node') });

    const graph = await servedGraph(baseURL!);
    const daemonPod = graph.nodes.find(
      (p) => p.kind === 'pod' && p.data.nodeName === node.name && String(p.name).startsWith('calico-node'),
    )!;
    await check(daemonPod.id, async () => sorted([daemonPod.id, ...pathOf(await labTruth(), node.name)]));

    const svc = truth.services.find((s) => s.endpointNodes.length > 0 && s.clusterIP)!;
    const svcId = `service:${svc.namespace}/${svc.name}`;
    await check(svcId, async () => {
      const g = await servedGraph(baseURL!);
      const pods = g.edges.filter((e) => e.kind === 'selects' && e.source === svcId).map((e) => e.target);
      const nodes = pods.map((p) => `node:${String(g.nodes.find((n) => n.id === p)?.data.nodeName)}`);
      const leaves = (await labTruth()).routes.filter((r) => carries(r.prefix, svc)).map((r) => `leaf:${r.leaf}`);
      return sorted([svcId, ...pods, ...nodes, ...leaves]);
    });
    await page.screenshot({ path: screenshotPath('focus-service') });
  });

  test('search finds a pod by IP and jumps to it', async ({ page, baseURL }) => {
    await page.goto('/');
    await waitForCanvas(page);
    const pod = (await servedGraph(baseURL!)).nodes.find((n) => n.kind === 'pod' && !n.data.hostNetwork && n.data.ip)!;
    await page.keyboard.press('/');
    await expect(page.getByTestId('search')).toBeFocused();
    await page.keyboard.type(String(pod.data.ip));
    await expect(page.getByTestId('search-hit').first()).toHaveAttribute('data-id', pod.id);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('details')).toHaveAttribute('data-id', pod.id);
    await expect(page.locator(`.react-flow__node[data-id="${pod.id}"]`)).toBeVisible();
    expect(new URL(page.url()).searchParams.get('sel')).toBe(pod.id);
  });

  test('a bookmarked URL restores the same view', async ({ page, browser }) => {
    await page.goto('/');
    await waitForCanvas(page);
    const truth = await labTruth();
    const name = truth.nodes[0]!.name;
    await page.locator(`.react-flow__node[data-id="node:${name}"]`).dblclick();
    await expect(page.getByTestId('focus')).toHaveAttribute('data-focus', `node:${name}`);
    await page.getByTestId('filter-ns').selectOption('kube-system');
    const url = page.url();
    const drawn = await drawnNodeIds(page);
    expect(drawn.every((id) => !id.startsWith('pod:') || id.startsWith('pod:kube-system/'))).toBe(true);

    const other = await browser.newPage();
    await other.goto(url);
    await waitForCanvas(other);
    await expect(other.getByTestId('focus')).toHaveAttribute('data-focus', `node:${name}`);
    await expect(other.getByTestId('details')).toHaveAttribute('data-id', `node:${name}`);
    await expect(other.getByTestId('filter-ns')).toHaveValue('kube-system');
    await expect(async () => expect(await drawnNodeIds(other)).toEqual(await drawnNodeIds(page))).toPass({ timeout: 10_000 });
    await other.close();
  });

  test('tables show the BGP sessions and routes of the scenario', async ({ page }) => {
    await page.goto('/tables');
    await page.getByTestId('tab-bgp').click();
    await expect(async () => {
      const t = await labTruth();
      await expect(page.getByTestId('table-bgp')).toHaveAttribute('data-rows', String(t.sessions.filter((s) => s.leaf !== null).length), {
        timeout: 1000,
      });
    }).toPass({ timeout: 20_000 });
    const session = (await labTruth()).sessions.find((s) => s.leaf !== null)!;
    await page.getByTestId('table-filter-bgp').fill(session.peerIp);
    await expect(page.getByTestId('table-row').first()).toContainText(`leaf-${session.leaf}`);
    await page.screenshot({ path: screenshotPath('table-bgp') });

    await page.getByTestId('tab-routes').click();
    await expect(async () => {
      const t = await labTruth();
      await expect(page.getByTestId('table-routes')).toHaveAttribute('data-rows', String(t.routes.length), { timeout: 1000 });
    }).toPass({ timeout: 20_000 });
    const route = (await labTruth()).routes[0]!;
    await page.getByTestId('table-filter-routes').fill(route.prefix);
    await expect(
      page
        .getByTestId('table-row')
        .filter({ hasText: `leaf-${route.leaf}` })
        .first(),
    ).toContainText(route.nextHops[0]!.addr);
    await page.screenshot({ path: screenshotPath('table-routes') });
  });

  test('PNG and SVG export produce non-empty images', async ({ page }) => {
    await page.goto('/');
    await waitForCanvas(page);
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
    const bytes = await readFile((await png.path())!);
    expect(bytes.length).toBeGreaterThan(10_000);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-svg').click()]);
    const text = await readFile((await svg.path())!, 'utf8');
    expect(text).toContain('data-id="leaf:');
  });

  test('keyboard and hover: Enter selects, F focuses, hovering highlights the neighbourhood', async ({ page }) => {
    await page.goto('/');
    await waitForCanvas(page);
    const truth = await labTruth();
    const n = truth.nodes.find((x) => x.hostKind !== 'baremetal')!;
    const node = page.locator(`.react-flow__node[data-id="node:${n.name}"]`);
    await node.hover();
    await expect(page.locator(`.react-flow__node[data-id="${hvOf(n)}"] .akb-node`)).not.toHaveClass(/opacity-25/);
    const stranger = truth.nodes.find((x) => x.host !== n.host)!;
    await expect(page.locator(`.react-flow__node[data-id="node:${stranger.name}"] .akb-node`)).toHaveClass(/opacity-25/);
    await page.mouse.move(0, 0);

    await node.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('details')).toHaveAttribute('data-id', `node:${n.name}`);
    await node.focus();
    await page.keyboard.press('f');
    await expect(page.getByTestId('focus')).toHaveAttribute('data-focus', `node:${n.name}`);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('details')).toHaveCount(0);
  });

  test('dark theme and problems page', async ({ page }) => {
    await page.goto('/');
    await waitForCanvas(page);
    await page.getByTestId('theme-toggle').click();
    await expect(page.locator('html')).toHaveClass(/dark/);
    await page.screenshot({ path: screenshotPath('topology-dark') });
    await page.goto('/problems');
    await expect(page.getByRole('heading', { name: /Problems/ })).toBeVisible();
    await page.screenshot({ path: screenshotPath('problems') });
    await page.getByTestId('theme-toggle').click();
  });
});

function podsOf(g: TopologyGraph, namespace: string, name: string): string[] {
  return g.nodes.filter((n) => n.kind === 'pod' && n.id.startsWith(`pod:${namespace}/${name}-`)).map((n) => n.id);
}

/** Whether a route prefix carries one of the service's IPs (IPv4; the demo is IPv4). */
function carries(prefix: string, svc: GroundTruth['services'][number]): boolean {
  const [net, len] = prefix.split('/');
  const toInt = (a: string) => a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(len));
  const ips = [svc.clusterIP, ...svc.externalIPs, svc.loadBalancerIP].filter((x): x is string => !!x && /^\d+\.\d+\.\d+\.\d+$/.test(x));
  return !!net && ips.some((ip) => Math.floor(toInt(ip) / size) === Math.floor(toInt(net) / size));
}
