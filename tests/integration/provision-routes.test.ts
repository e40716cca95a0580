import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createProvisioner, PROVISION_API } from '../../lib/cli/provision/index';
import { labControlRequest, readLabFile, startLab, type Lab } from '../../lib/lab';
import { createLogger } from '../../lib/logging';
import { loadServiceConfig } from '../../lib/live/server/config';
import { startRuntime, type Runtime } from '../../lib/live/server/runtime';
import type { FabricDiscovery, ReviewResponse, SpecField, ValidateResponse } from '../../lib/live/shared/provision';
import { filesBelow } from './apply-support';

/**
 * The provisioning routes composed as server.ts composes them (the live server's authentication gate in front, UI
 * token auth on), against the lab's `unpeered` fabric through the real wire: the schema's field list, validation by
 * field path, discovery with typed credentials, the review tree, a job the APIC refuses streamed to its end and kept
 * in the history, and the security rules (401 without auth, cross-site refusals, no credential in any answer).
 */
const TOKEN = 'provision-routes-test-token-8c1f';
let lab: Lab;
let runtime: Runtime;
let server: Server;
let base: string;
let dir: string;
let spec: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let password: string;
let csrf: string;
const logged: string[] = [];
const answers: string[] = [];

const auth = { authorization: `Bearer ${TOKEN}` };

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of several shapes, checked field by field
): Promise<{ status: number; json: any }> {
  const res = await fetch(`${base}${PROVISION_API}/${path}`, {
    method,
    headers: { ...auth, 'content-type': 'application/json', origin: base, 'x-akb-csrf': csrf, ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  answers.push(text);
  return { status: res.status, json: text.startsWith('{') ? JSON.parse(text) : text };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'akb-provision-routes-'));
  lab = await startLab({ scenario: 'unpeered', labDir: join(dir, 'lab') });
  const labFile = await readLabFile(join(dir, 'lab'));
  password = (await readFile(labFile.apicPasswordFile, 'utf8')).trim();
  spec = parseYaml(await readFile(labFile.provisionSpecFile!, 'utf8'));
  spec.fabric.apic.credentials = 'env:AKB_WIZARD_APIC_PASSWORD';
  const env = { AKB_UI_TOKEN: TOKEN, AKB_STATE_KEY: 'provision-routes-state-key' };
  const config = loadServiceConfig({ uiAuth: 'token', lab: true, provisionStateDir: join(dir, 'clusters') }, env);
  const destination = new Writable({ write: (chunk, _e, cb) => (logged.push(String(chunk)), cb()) });
  const logger = createLogger({ level: 'info', destination });
  const provisioner = createProvisioner(config, logger, env);
  runtime = await startRuntime(config, logger, env, { lab, prefixRoutes: { [PROVISION_API]: provisioner.handle } });
  server = createServer((req, res) => {
    if (!runtime.handleHttp(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  csrf = (await (await fetch(`${base}${PROVISION_API}/session`, { headers: auth })).json()).csrfToken;
}, 60_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await runtime?.stop();
  await lab?.stop();
});

describe('the provisioning routes', () => {
  it('answer 401 without authentication, and refuse a cross-site or token-less POST', async () => {
    for (const [method, path] of [
      ['GET', 'session'],
      ['GET', 'schema'],
      ['POST', 'validate'],
      ['POST', 'jobs'],
      ['GET', 'jobs/unpeered/x/events'],
    ])
      expect((await fetch(`${base}${PROVISION_API}/${path}`, { method, ...(method === 'POST' ? { body: '{}' } : {}) })).status, path).toBe(
        401,
      );
    expect((await call('POST', 'validate', { spec }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await call('POST', 'validate', { spec }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await call('POST', 'validate', { spec }, { 'x-akb-csrf': 'guess' })).status).toBe(403);
    expect((await call('POST', 'validate', { spec })).status).toBe(200);
  });

  it('serve every spec field with the title, help and default of the schema', async () => {
    const { json } = await call('GET', 'schema');
    const fields = new Map((json.fields as SpecField[]).map((f) => [f.path, f]));
    expect(fields.get('fabric.tenant')).toMatchObject({ title: 'Tenant', required: true });
    expect(fields.get('fabric.l3out.name')).toMatchObject({ default: 'K8s_L3OUT', required: false });
    expect(fields.get('fabric.anchorLeaves[].routerId')?.title).toBe('Router ID');
    expect(fields.get('cluster.podSubnet.ipv4')?.title).toBe('Pod subnet (IPv4)');
    expect(fields.get('cluster.cni')?.enum).toEqual(['calico', 'kube-router', 'cilium']);
  });

  it('validate with the akb plan validator: every problem at its field path, derived values when valid', async () => {
    const ok = (await call('POST', 'validate', { spec })).json as ValidateResponse;
    expect(ok.ok).toBe(true);
    expect(ok.derived['fabric.floatingIp.ipv4']).toBe('192.168.35.254');
    const bad = structuredClone(spec);
    bad.cluster.nodes[0].ipv4 = '10.9.9.9';
    bad.cluster.nodes[1].rack = '7';
    bad.fabric.anchorLeaves[1].routerId = bad.fabric.anchorLeaves[0].routerId;
    const r = (await call('POST', 'validate', { spec: bad })).json as ValidateResponse;
    const at = new Map(r.problems.map((p) => [p.path, p.message]));
    expect(at.get('cluster.nodes[0].ipv4')).toContain('outside the node subnet');
    expect(at.get('cluster.nodes[1].rack')).toContain('has no anchor leaf');
    expect(at.get('fabric.anchorLeaves[1].routerId')).toContain('duplicate');
  });

  it('discover the lab fabric with the typed credentials: tenants, VRFs, contracts, domains with pools, leaves with vPC racks, AS', async () => {
    const labFile = await readLabFile(join(dir, 'lab'));
    const d = (await call('POST', 'discover', { urls: labFile.apicUrls, username: labFile.apicUser, password, caFile: labFile.apicCaFile }))
      .json as FabricDiscovery;
    expect(d.fabricAsn).toBe(65002);
    expect(d.tenants).toContain('k8s');
    expect(d.vrfs).toContainEqual({ tenant: 'k8s', name: 'vrf1', bdEnforced: false });
    expect(d.contracts).toContainEqual({ tenant: 'k8s', name: 'k8s-any' });
    expect(d.physicalDomains.find((p) => p.name === 'k8s-phys')?.vlanPools[0]?.ranges).toEqual([{ from: 12, to: 111 }]);
    expect(d.leaves.map((l) => [l.nodeId, l.vpcPeer, l.rack])).toEqual([
      [101, 102, '1'],
      [102, 101, '1'],
      [103, 104, '2'],
      [104, 103, '2'],
    ]);
    const wrong = await call('POST', 'discover', {
      urls: labFile.apicUrls,
      username: labFile.apicUser,
      password: 'not-it',
      caFile: labFile.apicCaFile,
    });
    expect(wrong.status).toBe(502);
  });

  it('review: the APIC objects as a tree marked new against the live fabric, the Kubernetes objects, the plan files', async () => {
    const r = (await call('POST', 'review', { spec, secrets: { apicPassword: password } })).json as ReviewResponse;
    expect(r.diffError).toBeUndefined();
    const l3out = r.aci.find((n) => n.dn === 'uni/tn-k8s/out-K8s_L3OUT');
    expect(l3out?.state).toBe('new');
    expect(l3out?.children.length).toBeGreaterThan(0);
    expect(r.kubernetes.some((k) => k.kind === 'BGPConfiguration' && k.state === 'new')).toBe(true);
    expect(Object.keys(r.planFiles)).toContain('aci/payloads.json');
    expect(r.preflight).toEqual([]);
  }, 60_000);

  it('review: pre-flight checks against the live fabric name the field (a VLAN outside the pool, a missing VRF)', async () => {
    const bad = structuredClone(spec);
    bad.fabric.vlan = 3000;
    bad.fabric.vrf.name = 'no-such-vrf';
    const r = (await call('POST', 'review', { spec: bad, secrets: { apicPassword: password } })).json as ReviewResponse;
    const at = new Map(r.preflight.map((p) => [p.path, p.message]));
    expect(at.get('fabric.vlan')).toContain('VLAN 3000 is not in the VLAN pool of k8s-phys (12-111)');
    expect(at.get('fabric.vrf.name')).toContain('does not exist');
  }, 60_000);

  it('start a job the APIC refuses, stream its events to the failing step with the APIC message, list it in the history with its user', async () => {
    await labControlRequest(lab.control, '/faults/apic-config-write', { body: { nth: 1, code: '103', text: 'lab refuses this write' } });
    try {
      const started = await call('POST', 'jobs', { command: 'apply', spec, secrets: { apicPassword: password } });
      expect(started.status).toBe(202);
      const res = await fetch(`${base}${PROVISION_API}/jobs/unpeered/${started.json.job}/events`, { headers: auth });
      const stream = await res.text();
      answers.push(stream);
      const events = stream
        .split('\n')
        .filter((l) => l.startsWith('data: {"'))
        .map((l) => JSON.parse(l.slice(6)) as { type: string; error?: string; outcome?: string });
      expect(events.find((e) => e.type === 'step-failed')?.error).toContain('lab refuses this write');
      expect(events.at(-1)).toMatchObject({ type: 'job-finished', outcome: 'failed' });
      const { json } = await call('GET', 'jobs');
      expect(json.jobs[0]).toMatchObject({ cluster: 'unpeered', job: started.json.job, outcome: 'failed', user: 'token' });
      expect((await call('POST', 'jobs', { command: 'destroy', spec, confirmName: 'nope' })).status).toBe(400);
    } finally {
      await labControlRequest(lab.control, '/faults/apic-config-write', { method: 'DELETE' });
    }
    expect(logged.join('')).toContain('"audit":true');
    for (const text of [...answers, ...logged, ...(await filesBelow(join(dir, 'clusters'))).map((f) => f.text)])
      expect(text).not.toContain(password);
  }, 60_000);
});
