/**
 * `captureBundle` against lab servers over real sockets: a fixed number of requests whatever the cluster's
 * size, a valid bundle, and configuration resolution that names the setting at fault.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fabricQueries } from '../../lib/aci/fabric-queries';
import { CaptureConfigError, resolveCaptureTarget } from '../../lib/cli/capture-commands';
import { generateScenario } from '../../lib/lab/model';
import { captureBundle } from '../../lib/live/server/capture';
import { correlate, validateBundle } from '../../lib/topology';
import { serveLab, truthMismatches, type ServedLab } from './roundtrip-support';

/** The Kubernetes list page size lib/k8s uses (kubectl's default chunk size). */
const KUBE_PAGE_SIZE = 500;

const labs: ServedLab[] = [];
afterEach(async () => {
  for (const lab of labs.splice(0)) await lab.stop();
});

async function captureGenerated(nodes: number) {
  const served = await serveLab(generateScenario({ leaves: 4, nodes, pods: nodes * 2, services: 10, seed: 11 }));
  labs.push(served);
  const { apic, kubeConfig } = served.connect();
  try {
    const result = await captureBundle({ apic, kubeConfig, fabric: served.lab.fabric });
    return { ...result, truth: served.lab.truth() };
  } finally {
    await apic.close();
  }
}

/** Spawns processes or serves a 500-node lab: allow for a loaded 2-core machine. */
const SLOW_TEST_MS = 90_000;

describe('captureBundle', () => {
  it(
    'costs the same requests for a 10-node and a 500-node cluster (Kubernetes list paging aside), and both round-trip',
    async () => {
      const small = await captureGenerated(10);
      const large = await captureGenerated(500);
      expect(large.bundle.k8s.nodes).toHaveLength(500);
      expect(large.bundle.apic.fvCEp!.length).toBe(500);
      expect(large.bundle.apic.bgpPeerEntry!.length).toBeGreaterThanOrEqual(1000);

      // APIC: one login plus one request per bulk class query, at any size.
      expect(large.requests.apic).toBe(small.requests.apic);
      expect(small.requests.apic).toBe(1 + fabricQueries(large.bundle.fabric).length);

      // Kubernetes: discovery and one list per resource, at any size. Only lists longer than a page take further
      // pages (1,500 pods are 3 pages of 500), so the count minus the continuation pages is the same.
      const continuations = (k8s: Record<string, unknown[]>) =>
        Object.values(k8s).reduce((n, items) => n + Math.max(0, Math.ceil(items.length / KUBE_PAGE_SIZE) - 1), 0);
      expect(continuations(large.bundle.k8s)).toBeGreaterThan(0);
      expect(large.requests.kubernetes - continuations(large.bundle.k8s)).toBe(small.requests.kubernetes - continuations(small.bundle.k8s));
      expect(continuations(small.bundle.k8s)).toBe(0);

      for (const { bundle, truth } of [small, large]) expect(truthMismatches(correlate(bundle), truth)).toEqual([]);
    },
    SLOW_TEST_MS,
  );

  it('returns a valid bundle stamped with the capture time and the configured fabric scope', async () => {
    const served = await serveLab(generateScenario({ leaves: 2, nodes: 4, pods: 4, services: 1, seed: 3 }));
    labs.push(served);
    const { lab } = served;
    const { apic, kubeConfig } = served.connect();
    const at = new Date('2026-11-25T10:00:00Z');
    const { bundle } = await captureBundle({ apic, kubeConfig, fabric: { ...lab.fabric, l3out: 'my-l3out' }, now: () => at }).finally(() =>
      apic.close(),
    );
    expect(validateBundle(JSON.parse(JSON.stringify(bundle)))).toEqual(bundle);
    expect(bundle).toMatchObject({
      format: 'akb-bundle/v1',
      capturedAt: '2026-11-25T10:00:00.000Z',
      fabric: { tenant: lab.world().scenario.tenant, vrf: lab.world().scenario.vrf, l3out: 'my-l3out' },
    });
    expect(Object.keys(bundle.apic).sort()).toEqual(
      fabricQueries(lab.fabric)
        .map((q) => q.className)
        .sort(),
    );
    // Endpoints come with their IPs and path relations, in the one fvCEp query.
    const cep = bundle.apic.fvCEp![0]!.fvCEp!;
    const children = (cep.children ?? []).map((c) => Object.keys(c)[0]).sort();
    expect(children).toEqual(['fvIp', 'fvRsCEpToPathEp']);
  });
});

describe('resolveCaptureTarget', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'akb-capture-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const problem = async (flags: Parameters<typeof resolveCaptureTarget>[0], env: Record<string, string> = {}): Promise<string> => {
    const err: unknown = await resolveCaptureTarget(flags, env).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CaptureConfigError);
    return (err as Error).message;
  };

  it('names the missing APIC setting', async () => {
    expect(await problem({ apicUrls: ['https://127.0.0.1:1'], tenant: 't', vrf: 'v' }, { AKB_APIC_PASSWORD: 's3cret-value' })).toMatch(
      /--apic-user/,
    );
    expect(await problem({ apicUrls: ['https://127.0.0.1:1'], apicUser: 'admin' }, { AKB_APIC_PASSWORD: 's3cret-value' })).toMatch(
      /--tenant and --vrf/,
    );
    expect(await problem({ apicUrls: ['https://127.0.0.1:1'], apicUser: 'admin', tenant: 't', vrf: 'v' })).toMatch(/AKB_APIC_PASSWORD/);
    expect(await problem({ apicUrls: ['not a url'] })).toMatch(/--apic-url: must be an http\(s\) URL/);
  });

  it('names an unreadable secret file without printing any secret', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: tok}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    );
    const msg = await problem({
      apicUrls: ['https://127.0.0.1:1'],
      apicUser: 'admin',
      apicPasswordFile: join(dir, 'missing'),
      tenant: 't',
      vrf: 'v',
      kubeconfig,
    });
    // The setting is named; what was given is not repeated (it may be the password itself, pasted as a path).
    expect(msg).toMatch(/--apic-password-file: cannot read the file it names \(ENOENT\)/);
    expect(msg).not.toContain(join(dir, 'missing'));
    const target = await resolveCaptureTarget(
      { apicUrls: ['https://127.0.0.1:1'], apicUser: 'admin', tenant: 't', vrf: 'v', kubeconfig },
      { AKB_APIC_PASSWORD: 's3cret-value' },
    );
    expect(target.fabric).toEqual({ tenant: 't', vrf: 'v' });
    expect(target.describe).not.toContain('s3cret');
  });

  it('requires an APIC when a cluster is configured, and a running lab otherwise', async () => {
    expect(await problem({ kubeconfig: join(dir, 'kubeconfig') })).toMatch(/--apic-url \(AKB_APIC_URLS\): required/);
    // No configuration at all: like the server, capture the lab, which must be running in the lab directory.
    expect(await problem({}, { AKB_LAB_DIR: join(dir, 'no-lab') })).toMatch(/--lab-dir: no running lab found: .*no-lab\/lab\.json/);
    await writeFile(join(dir, 'lab.json'), '{"apicUrls": []}');
    expect(await problem({ labDir: dir })).toMatch(/--lab-dir: .*lab\.json: .*apicUrls/);
  });
});
