/**
 * The ECMP/BGP API against the embedded lab: real Kubernetes and APIC servers on loopback, the live
 * service reading them, EcmpHistory fed on every publish, /api/v1/ecmp and /api/v1/bgp over HTTP.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApicClient } from '../../lib/aci/client';
import { ClusterSource } from '../../lib/k8s/cluster-source';
import { startLab, type Lab, type StartLabOptions } from '../../lib/lab';
import { deriveApic, generateScenario, type LabWorld } from '../../lib/lab/model';
import { handleEcmpRequest } from '../../lib/live/server/ecmp-api';
import type { BgpResponse, EcmpResponse } from '../../lib/live/shared/analysis-api';
import { EcmpHistory } from '../../lib/live/server/ecmp-history';
import { ApicLiveSource } from '../../lib/live/server/apic-source';
import { ClusterLiveSource } from '../../lib/live/server/cluster-live-source';
import { LiveService } from '../../lib/live/server/service';
import { correlate } from '../../lib/topology/correlate';
import { rehashShare, type ChurnEvent } from '../../lib/topology/ecmp';
import { diff, isEmptyPatch } from '../../lib/topology/patch';
import { waitFor } from '../support/wait';

interface Harness {
  lab: Lab;
  base: string;
  stop(): Promise<void>;
}

async function startHarness(scenario?: StartLabOptions['scenario']): Promise<Harness> {
  const lab = await startLab({ scenario, apic: { http: true } });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(lab.kubeconfigYaml());
  const { urls, user, password } = lab.apicConnection;
  const apic = new ApicClient({ controllers: urls, auth: { type: 'password', user, password } });
  const history = new EcmpHistory();
  const service: LiveService = new LiveService({
    sources: [new ClusterLiveSource(new ClusterSource({ kubeConfig })), new ApicLiveSource(apic, lab.fabric)],
    fabric: lab.fabric,
    graph: { correlate, diff, isEmptyPatch },
    target: { publish: () => {}, setSources: () => {} },
    coalesceMs: 20,
    onPublish: () => {
      const graph = service.graph();
      if (graph) history.record(graph, service.bundle());
    },
  });
  await service.start();
  // The first graph comes once both sources have finished their initial listing.
  for (const deadline = Date.now() + 20_000; !service.ready();) {
    if (Date.now() > deadline) throw new Error('the live service did not become ready');
    await new Promise((r) => setTimeout(r, 20));
  }
  const server: Server = createServer((req, res) => {
    const current = () => {
      const graph = service.graph();
      return graph ? { graph, bundle: service.bundle() } : null;
    };
    if (!handleEcmpRequest(req, res, { history, current })) {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    lab,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      await new Promise<void>((r) => server.close(() => r()));
      await service.stop();
      await apic.close();
      await lab.stop();
    },
  };
}

/** Polls `read` until `ok` holds, failing with the last value after `timeoutMs`. */
const getJson = async <T>(url: string): Promise<T> => (await fetch(url)).json() as Promise<T>;

const FRONTEND = 'service:shop/frontend';
const FRONTEND_LB = '192.168.39.1/32';
const readyNodes = (w: LabWorld) => new Set(w.pods.filter((p) => p.workload === 'shop/frontend' && p.ready).map((p) => p.node));
const nodeIp = (w: LabWorld, name: string) => w.nodes.find((n) => n.name === name)!.ip;
const anchorsOf = (w: LabWorld, node: string) =>
  w.scenario.l3out.anchors.filter((a) => a.rack === w.nodes.find((n) => n.name === node)!.rack).map((a) => `leaf:${a.leaf}`);

describe('ECMP and BGP API on the demo lab', () => {
  let h: Harness;
  const ecmp = () => getJson<EcmpResponse>(`${h.base}/api/v1/ecmp?service=${FRONTEND}`);
  const frontendPrefix = (r: EcmpResponse) => r.prefixes.find((p) => p.prefix === FRONTEND_LB);

  beforeAll(async () => {
    h = await startHarness('demo');
    await waitFor(ecmp, {
      until: (r) => frontendPrefix(r)?.cells.some((c) => c.state === 'installed') === true,
      what: 'the frontend prefix installed',
      timeoutMs: 15_000,
    });
  });
  afterAll(() => h.stop());

  it('scaling a Local service onto a new node: a churn event on every leaf of its rack, with the rehash estimate', async () => {
    await h.lab.event({ kind: 'scale-deployment', namespace: 'shop', name: 'frontend', replicas: 3 });
    const before = await waitFor(ecmp, {
      until: (r) =>
        frontendPrefix(r)?.advertisers.length === readyNodes(h.lab.world()).size &&
        frontendPrefix(r)!.cells.every((c) => c.state === 'installed'),
      what: 'frontend at 3 replicas, fully installed',
      timeoutMs: 15_000,
    });
    const had = readyNodes(h.lab.world());
    let replicas = 3;
    while (readyNodes(h.lab.world()).size === had.size)
      await h.lab.event({ kind: 'scale-deployment', namespace: 'shop', name: 'frontend', replicas: ++replicas });
    const fresh = [...readyNodes(h.lab.world())].find((n) => !had.has(n))!;
    const ip = nodeIp(h.lab.world(), fresh);
    const leaves = anchorsOf(h.lab.world(), fresh);
    const churn = (r: EcmpResponse) => r.churn.filter((e) => e.prefix === FRONTEND_LB && e.added.includes(ip) && e.at > before.generatedAt);
    const after = await waitFor(ecmp, {
      until: (r) => churn(r).length === leaves.length,
      what: `a churn event adding ${fresh} on ${leaves.join(', ')}`,
      timeoutMs: 15_000,
    });
    for (const e of churn(after)) {
      const beforeLeaf = frontendPrefix(before)!.leaves.find((l) => l.leaf === e.leaf)!;
      const ips = beforeLeaf.installed.map((n) => nodeIp(h.lab.world(), n.slice('node:'.length)));
      expect([...e.before].sort()).toEqual([...ips].sort());
      expect([...e.after].sort()).toEqual([...ips, ip].sort());
      expect(e.movedShare).toBe(rehashShare(ips, [...ips, ip]));
      expect(e.movedShare).toBeGreaterThan(0);
      expect(e.causes).toContainEqual({ kind: 'endpoint-added', node: `node:${fresh}`, service: FRONTEND });
    }
    expect(after.model).toMatch(/modulo/);
  });

  it('a session taken down: "missing on leaf" for that node, then a churn event for the withdrawal; BGP shows the state', async () => {
    const node = [...readyNodes(h.lab.world())][0]!;
    const leaf = anchorsOf(h.lab.world(), node)[0]!;
    await h.lab.event({ kind: 'session-down', leaf: Number(leaf.slice(5)), node });
    const r = await waitFor(ecmp, {
      until: (x) =>
        x.findings.some(
          (f) => f.code === 'ecmp-advertiser-missing' && f.node === `node:${node}` && f.leaf === leaf && f.prefix === FRONTEND_LB,
        ),
      what: `missing ${node} on ${leaf}`,
      timeoutMs: 15_000,
    });
    expect(frontendPrefix(r)!.cells.find((c) => c.leaf === leaf && c.node === `node:${node}`)).toMatchObject({
      state: 'missing',
      cause: 'session-down',
    });
    const withdrawn = (x: EcmpResponse): ChurnEvent | undefined =>
      x.churn.find((e) => e.prefix === FRONTEND_LB && e.leaf === leaf && e.removed.includes(nodeIp(h.lab.world(), node)));
    const e = withdrawn(
      await waitFor(ecmp, { until: (x) => withdrawn(x) !== undefined, what: 'the withdrawal churn event', timeoutMs: 15_000 }),
    )!;
    expect(e.causes.some((c) => c.kind === 'session-state-change' && c.node === `node:${node}` && c.from === 'established')).toBe(true);
    expect(e.movedShare).toBe(rehashShare(e.before, e.after));
    const bgp = await getJson<BgpResponse>(`${h.base}/api/v1/bgp`);
    const s = bgp.sessions.find((x) => x.node === `node:${node}` && x.leaf === leaf)!;
    expect(s.state).not.toBe('established');
    expect(s.expectedBy).toContain('cni');
    expect(s.flaps).toBe(1);
    await h.lab.event({ kind: 'session-up', leaf: Number(leaf.slice(5)), node });
  });

  it('an endpoint removed while its route lingers on the fabric: blackhole risk', async () => {
    const beforeWorld = h.lab.world();
    const had = readyNodes(beforeWorld);
    await h.lab.event({ kind: 'scale-deployment', namespace: 'shop', name: 'frontend', replicas: 1 });
    const gone = [...had].filter((n) => !readyNodes(h.lab.world()).has(n));
    expect(gone.length).toBeGreaterThan(0);
    // The fabric keeps the old next hops (a speaker that has not withdrawn yet): put them back in the APIC.
    const goneIps = new Set(gone.map((n) => nodeIp(beforeWorld, n)));
    const lingering = deriveApic(beforeWorld).filter((mo) => {
      const a = mo.uribv4Nexthop?.attributes;
      return a !== undefined && a.dn!.includes(`rt-[${FRONTEND_LB}]`) && goneIps.has(a.addr!.split('/')[0]!);
    });
    expect(lingering.length).toBeGreaterThan(0);
    h.lab.apic[0]!.tree.load(lingering);
    const r = await waitFor(ecmp, {
      until: (x) =>
        gone.every((n) => x.findings.some((f) => f.code === 'ecmp-blackhole-risk' && f.node === `node:${n}` && f.prefix === FRONTEND_LB)),
      what: 'blackhole findings',
      timeoutMs: 15_000,
    });
    expect(
      frontendPrefix(r)!
        .cells.filter((c) => c.state === 'stale')
        .every((c) => c.cause === 'no-ready-endpoint'),
    ).toBe(true);
  });

  it('Cluster policy: every peering node is expected for the service, as the configured CIDR', async () => {
    await h.lab.event({ kind: 'set-traffic-policy', namespace: 'shop', name: 'frontend', policy: 'Cluster' });
    const r = await waitFor(ecmp, {
      until: (x) => x.prefixes.some((p) => p.prefix === '192.168.39.0/24'),
      what: 'the frontend under the LB CIDR',
      timeoutMs: 15_000,
    });
    const p = r.prefixes.find((x) => x.prefix === '192.168.39.0/24')!;
    expect(p.policy).toBe('Cluster');
    expect(p.advertisers).toEqual(
      h.lab
        .world()
        .nodes.map((n) => `node:${n.name}`)
        .sort(),
    );
    expect(r.ips.find((i) => i.ip === '192.168.39.1')).toMatchObject({ policy: 'Cluster', prefix: '192.168.39.0/24', advertised: true });
  });
});

describe('ECMP truncation on a large rack', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(generateScenario({ leaves: 2, nodes: 20, pods: 20, services: 1, seed: 11 }));
  });
  afterAll(() => h.stop());

  it('20 advertisers with the default maximum of 16 (assumed): the truncation finding', async () => {
    const r = await waitFor(() => getJson<EcmpResponse>(`${h.base}/api/v1/ecmp?prefix=10.96.0.0/16`), {
      until: (x) => x.findings.filter((f) => f.code === 'ecmp-max-paths-exceeded').length === 2,
      what: 'truncation findings on both anchors',
      timeoutMs: 15_000,
    });
    expect(r.maxPaths.value).toBe(16);
    const p = r.prefixes[0]!;
    expect(p.advertisers.length).toBe(20);
    expect(p.leaves.every((l) => l.installed.length === 16 && l.expected.length === 20)).toBe(true);
  });
});
