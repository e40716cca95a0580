import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { listClusterResources } from '../../lib/k8s';
import { readLabFile, startLab } from '../../lib/lab';
import { loadShippedScenario, ScenarioError } from '../../lib/lab/model';
import { attrs, cleanup, kubeConfigOf, readFabric, startTestLab } from './lab-runtime-support';

afterEach(cleanup);

describe('startLab', () => {
  it('seeds both servers from one world: every node, pod, endpoint and session is on both sides', async () => {
    const lab = await startTestLab();
    const world = lab.world();
    const truth = lab.truth();
    const listing = await listClusterResources(kubeConfigOf(lab));
    expect(listing.k8s.nodes!.map((n) => n.metadata.name).sort()).toEqual(world.nodes.map((n) => n.name).sort());
    expect(listing.k8s.pods!.map((p) => p.metadata.name).sort()).toEqual(world.pods.map((p) => p.name).sort());
    expect(listing.k8s.pods!.every((p) => (p.status as { phase?: string }).phase === 'Running')).toBe(true);

    const fabric = await readFabric(lab);
    const endpointIps = fabric.fvCEp!.map((mo) => attrs(mo).mac);
    expect(endpointIps.sort()).toEqual(
      world.nodes
        .filter((n) => n.ready)
        .map((n) => n.mac)
        .sort(),
    );
    const established = fabric
      .bgpPeerEntry!.filter((mo) => attrs(mo).operSt === 'established')
      .map((mo) => attrs(mo).addr)
      .sort();
    expect(established).toEqual(
      truth.sessions
        .filter((s) => s.state === 'established' && s.leaf !== null)
        .map((s) => s.nodeIp)
        .sort(),
    );
    expect(established.length).toBeGreaterThan(0);
    expect(lab.fabric).toEqual({ tenant: 'k8s', vrf: 'vrf1', l3out: 'K8s_L3OUT' });
  });

  it('serves TLS by default and writes lab.json, a kubeconfig carrying the CA, and the APIC password only in a 0600 file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'akb-lab-'));
    const lab = await startLab({ labDir: dir });
    try {
      expect(lab.k8s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(lab.apicConnection.urls[0]).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const file = await readLabFile(dir);
      expect(file).toMatchObject({
        k8sUrl: lab.k8s.url,
        apicUrls: lab.apicConnection.urls,
        controlUrl: lab.controlUrl,
        tenant: 'k8s',
        vrf: 'vrf1',
        apicUser: 'admin',
      });
      const text = await readFile(join(dir, 'lab.json'), 'utf8');
      expect(text).not.toContain(lab.apicConnection.password);
      expect((await readFile(file.apicPasswordFile, 'utf8')).trim()).toBe(lab.apicConnection.password);
      expect((await stat(file.apicPasswordFile)).mode & 0o777).toBe(0o600);
      expect((await stat(file.kubeconfig)).mode & 0o777).toBe(0o600);
      expect(text).not.toContain(lab.control.token);
      expect((await readFile(file.controlTokenFile, 'utf8')).trim()).toBe(lab.control.token);
      expect((await stat(file.controlTokenFile)).mode & 0o777).toBe(0o600);
      expect(await readFile(file.apicCaFile!, 'utf8')).toBe(lab.apicConnection.caPem);
      // The kubeconfig is enough for akb's cluster client to verify the server and list it.
      const { KubeConfig } = await import('@kubernetes/client-node');
      const kc = new KubeConfig();
      kc.loadFromFile(file.kubeconfig);
      const listing = await listClusterResources(kc);
      expect(listing.k8s.nodes).toHaveLength(lab.world().nodes.length);
    } finally {
      await lab.stop();
    }
  });

  it('runs several APIC controllers over one tree', async () => {
    const lab = await startTestLab({ apic: { http: true, controllers: 2 } });
    expect(lab.apic).toHaveLength(2);
    expect(lab.apic[0]!.tree).toBe(lab.apic[1]!.tree);
    expect(new Set(lab.apicConnection.urls).size).toBe(2);
  });

  it('rejects an invalid scenario file naming every bad field, and starts nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'akb-lab-'));
    const doc = structuredClone(loadShippedScenario('demo'));
    doc.l3out.vlan = 5000;
    doc.cluster.nodes[0]!.ip = 'not-an-ip';
    doc.cluster.podSubnet = '10.244.0.0';
    const path = join(dir, 'bad.yaml');
    await writeFile(path, stringify(doc));
    const err = await startLab({ scenario: path, labDir: join(dir, 'lab') }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ScenarioError);
    const issues = (err as ScenarioError).issues.join('\n');
    expect(issues).toMatch(/^l3out\.vlan: /m);
    expect(issues).toMatch(/^cluster\.nodes\.0\.ip: must be a dotted-quad IPv4 address/m);
    expect(issues).toMatch(/^cluster\.podSubnet: must be an IPv4 CIDR/m);
    await expect(stat(join(dir, 'lab'))).rejects.toThrow(/ENOENT/);
  });

  it('rejects an unknown scenario reference before opening any port', async () => {
    await expect(startLab({ scenario: '/nonexistent/scenario.yaml' })).rejects.toThrow(/ENOENT|no such file/);
  });
});

describe('startLab with a scenario object', () => {
  it('checks its cross-references too', async () => {
    const s = structuredClone(loadShippedScenario('demo'));
    s.l3out.anchors[0]!.leaf = 999;
    const err = await startLab({ scenario: s }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).issues).toEqual(['l3out.anchors.0.leaf: leaf 999 is not in fabric.leaves']);
  });
});
