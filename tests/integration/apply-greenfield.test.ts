import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { classQuery } from '../../lib/aci';
import type { WireMo } from '../../lib/aci/mo';
import { LAB_VCENTER } from '../../lib/lab/vcenter';
import { SecretStore } from '../../provisioner/apply/state/secret-store';
import { bootstrapSecretsSchema, secretValues } from '../../provisioner/bootstrap/index';
import { cleanEnv, runAkb } from '../support/akb-cli';
import { kubectlFor } from '../support/kubectl';
import { startLabFromDir, type LabFromDir } from './lab-dir-support';

/**
 * The greenfield journey as a user runs it: a lab with a fabric, a vCenter and two bare-metal hosts and no cluster,
 * then `akb apply <lab-dir>/provision-spec.yaml --yes` (mode full). akb configures the L3Out, clones the masters
 * from the template, bootstraps the workers over SSH, installs kube-router and akb, and waits for BGP; the real
 * kubectl reaches the new cluster with the kubeconfig akb wrote; destroy takes it all away again but the hosts.
 * One lab for the file: the default spec, then its destroy, then a mixed variant (a vSphere and a bare-metal worker).
 */
// Each step of the journey runs akb as a user does (a process), apply and destroy taking up to a minute or two.
vi.setConfig({ testTimeout: 600_000 });

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let env: LabFromDir;
let stateDir: string;
let key: string;
let specFile: string;
let last: { code: number | null; stdout: string; stderr: string };

const akb = (...args: string[]) => runAkb(args, { env: cleanEnv({ AKB_STATE_KEY: key }) });
const attrs = (mo: WireMo) => Object.values(mo)[0]!.attributes;
const kubectl = () => kubectlFor(join(stateDir, 'kubeconfig'), join(env.dir, 'home'));

interface NodeList {
  items: Array<{
    metadata: { name: string; labels?: Record<string, string> };
    status: { conditions: Array<{ type: string; status: string }> };
  }>;
}

beforeAll(async () => {
  env = await startLabFromDir('greenfield');
  stateDir = join(env.dir, 'state');
  key = randomBytes(32).toString('base64');
  specFile = env.file.provisionSpecFile!;
  last = await akb('apply', specFile, '--yes', '--state-dir', stateDir);
}, 600_000);
afterAll(async () => env?.stop());

describe('akb apply on greenfield (mode full)', () => {
  it('exits 0, and the real kubectl with <state-dir>/kubeconfig (0600, through the gateway) lists 3 masters and the workers Ready', async () => {
    expect(last.code, last.stdout.slice(-3000)).toBe(0);
    expect((await stat(join(stateDir, 'kubeconfig'))).mode & 0o777).toBe(0o600);
    const kc = parse(await readFile(join(stateDir, 'kubeconfig'), 'utf8')) as { clusters: Array<{ cluster: Record<string, string> }> };
    expect(kc.clusters[0]!.cluster).toMatchObject({ server: 'https://192.168.35.252:8443', 'proxy-url': env.file.nodeProxyUrl });
    const nodes = JSON.parse(await kubectl()('get', 'nodes', '-o', 'json')) as NodeList;
    const ready = (n: NodeList['items'][number]) => n.status.conditions.find((c) => c.type === 'Ready')?.status;
    expect(
      nodes.items.map((n) => [n.metadata.name, 'node-role.kubernetes.io/control-plane' in (n.metadata.labels ?? {}), ready(n)]),
    ).toEqual([
      ['master-1', true, 'True'],
      ['master-2', true, 'True'],
      ['master-3', true, 'True'],
      ['worker-1', false, 'True'],
      ['worker-2', false, 'True'],
    ]);
  });

  it('every expected session is established on the lab APIC: each node with the two anchors of its rack', async () => {
    const entries = (await env.apic.query(classQuery('bgpPeerEntry'))).map(attrs);
    const established = entries.filter((e) => e['operSt'] === 'established').map((e) => `${/node-(\d+)/.exec(e['dn']!)?.[1]} ${e['addr']}`);
    expect(established.sort()).toEqual(
      [
        '101 192.168.35.11',
        '102 192.168.35.11',
        '103 192.168.35.12',
        '104 192.168.35.12',
        '101 192.168.35.13',
        '102 192.168.35.13',
        '101 192.168.35.22',
        '102 192.168.35.22',
        '103 192.168.35.23',
        '104 192.168.35.23',
      ].sort(),
    );
  });

  it('akb’s Deployment is available in the new cluster', async () => {
    const d = JSON.parse(await kubectl()('-n', 'akb', 'get', 'deployment', 'akb', '-o', 'json')) as {
      status: { availableReplicas?: number; replicas?: number };
    };
    expect(d.status.availableReplicas).toBeGreaterThanOrEqual(1);
    expect(d.status.availableReplicas).toBe(d.status.replicas);
  });

  it('the visualiser, pointed at the new cluster, shows each node under its leaves', async () => {
    const bundle = join(env.dir, 'bundle.json');
    const f = env.file;
    const cap = await akb(
      'capture',
      '--kubeconfig',
      join(stateDir, 'kubeconfig'),
      '--apic-url',
      f.apicUrls[0]!,
      '--apic-user',
      f.apicUser,
      '--apic-password-file',
      f.apicPasswordFile,
      '--apic-ca-file',
      f.apicCaFile!,
      '--tenant',
      f.tenant,
      '--vrf',
      f.vrf,
      '--out',
      bundle,
    );
    expect(cap.code, cap.stderr).toBe(0);
    const out = await akb('graph', bundle);
    expect(out.code, out.stderr).toBe(0);
    const g = JSON.parse(out.stdout) as { edges: Array<{ kind: string; source: string; target: string }> };
    const linked = (from: string) =>
      [...new Set(g.edges.filter((e) => e.kind === 'link' && e.source === from).map((e) => e.target))].sort();
    const hypervisor = (node: string) => g.edges.find((e) => e.kind === 'runs-on' && e.source === `node:${node}`)?.target;
    // Bare metal: the node itself is cabled to the leaves; a VM runs on an ESXi host that is.
    expect(linked('node:worker-1')).toEqual(['leaf:101']);
    expect(linked('node:worker-2')).toEqual(['leaf:103']);
    for (const m of ['master-1', 'master-2', 'master-3']) {
      const h = hypervisor(m);
      expect(h, m).toMatch(/^hypervisor:esxi-[12]/);
      expect(linked(h!).length, `${m} on ${h}`).toBe(2);
    }
  });

  it('a second apply changes nothing (no VM cloned again, no phase run again), in the journey’s order', async () => {
    const again = await akb('apply', specFile, '--yes', '--state-dir', stateDir, '--json');
    const all = again.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; step?: string; error?: string; summary?: { changed: number } });
    expect(again.code, JSON.stringify(all.filter((e) => e.type === 'step-failed'))).toBe(0);
    expect(all.at(-1)).toMatchObject({ type: 'job-finished', summary: { changed: 0 } });
    // The run itself (the plan pass before `confirmed` observes every step at once).
    const events = all.slice(all.findIndex((e) => e.type === 'confirmed'));
    // ACI → machines → CNI → verify BGP → akb: each starts only once what it needs has succeeded.
    const at = (type: string, step: (id: string) => boolean) => events.findIndex((e) => e.type === type && step(e.step ?? ''));
    const lastAt = (type: string, step: (id: string) => boolean) => events.findLastIndex((e) => e.type === type && step(e.step ?? ''));
    expect(lastAt('step-succeeded', (s) => s.startsWith('aci:'))).toBeLessThan(at('step-started', (s) => s.startsWith('machine:')));
    expect(lastAt('step-succeeded', (s) => s.startsWith('machine:'))).toBeLessThan(at('step-started', (s) => s.startsWith('k8s:')));
    expect(at('step-succeeded', (s) => s === 'verify:bgp')).toBeLessThan(at('step-started', (s) => s === 'k8s:apps/Deployment/akb/akb'));
    const vms = env.lab
      .vcenter!.inventory.vms()
      .map((v) => v.name)
      .sort();
    expect(vms).toEqual(['master-1', 'master-2', 'master-3', LAB_VCENTER.template]);
  });

  it('no secret in clear in the state directory (but the kubeconfig it is for), the journal, the output or the guestinfo', async () => {
    const store = await SecretStore.open(stateDir, key);
    const boot = bootstrapSecretsSchema.parse(JSON.parse(store.get('bootstrap')!));
    const lab = env.file;
    const secrets = [...secretValues(boot)];
    for (const p of [lab.apicPasswordFile, lab.vcenterPasswordFile!, lab.sshKeyFile!, lab.bgpPasswordFile!])
      secrets.push((await readFile(p, 'utf8')).trim());
    const clientKey = (parse(await readFile(join(stateDir, 'kubeconfig'), 'utf8')) as { users: Array<{ user: Record<string, string> }> })
      .users[0]!.user['client-key-data']!;
    secrets.push(clientKey, Buffer.from(clientKey, 'base64').toString('utf8'));
    const texts: Array<[string, string]> = [['apply output', last.stdout + last.stderr]];
    for (const f of await readdir(stateDir)) if (f !== 'kubeconfig') texts.push([f, await readFile(join(stateDir, f), 'utf8')]);
    for (const vm of env.lab.vcenter!.inventory.vms()) texts.push([`guestinfo of ${vm.name}`, [...vm.extraConfig.values()].join('\n')]);
    for (const [where, text] of texts)
      for (const s of secrets.filter((x) => x.length >= 8)) expect(text.includes(s), `a secret in ${where}`).toBe(false);
    for (const vm of env.lab.vcenter!.inventory.vms().filter((v) => v.name !== LAB_VCENTER.template))
      expect(vm.extraConfig.has('guestinfo.userdata'), vm.name).toBe(false);
  });
});

describe('akb destroy on greenfield', () => {
  it('removes the VMs, the ACI objects and the state’s secrets, and leaves the template and the hosts', async () => {
    const r = await akb('destroy', specFile, '--yes', '--state-dir', stateDir);
    expect(r.code, r.stdout.slice(-2000)).toBe(0);
    expect(env.lab.vcenter!.inventory.vms().map((v) => v.name)).toEqual([LAB_VCENTER.template]);
    expect(await env.apic.get(`uni/tn-${env.file.tenant}/out-${env.file.l3out}`)).toBeUndefined();
    expect(await env.apic.get(`uni/tn-${env.file.tenant}/ctx-${env.file.vrf}`)).toBeDefined();
    expect((await SecretStore.open(stateDir, key)).names()).toEqual([]);
    await expect(stat(join(stateDir, 'kubeconfig'))).rejects.toThrow(/ENOENT/);
    const state = JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8')) as { resources: Record<string, unknown> };
    expect(Object.keys(state.resources)).toEqual([]);
    // The hosts stay, wiped of the cluster, ready for the next one; the cluster is gone with its last node.
    expect(env.lab.machines.sshHosts.map((h) => h.host)).toEqual(['worker-1', 'worker-2']);
    expect(env.lab.machines.mimic.clusters()).toEqual([]);
    expect(env.lab.truth().sessions.filter((s) => s.state === 'established')).toEqual([]);
  });
});

describe('mixed: the masters and a worker on vSphere, a worker on bare metal, resumed after kill -9', () => {
  let mixed: string;

  beforeAll(async () => {
    const doc = parse(await readFile(specFile, 'utf8')) as { cluster: { nodes: Array<Record<string, unknown>> } };
    const masters = doc.cluster.nodes.filter((n) => n['role'] === 'master');
    const template = (masters[0]!['placement'] as { template: string }).template;
    const bm2 = doc.cluster.nodes.find((n) => n['name'] === 'worker-2')!;
    doc.cluster.nodes = [
      ...masters,
      { name: 'worker-vm', role: 'worker', rack: '2', ipv4: '192.168.35.21', placement: { type: 'vsphere', template } },
      bm2,
    ];
    mixed = join(env.dir, 'mixed.yaml');
    await writeFile(mixed, stringify(doc));
  });

  it('a run killed while it clones resumes: exit 0, no VM cloned twice, every node Ready and peering', async () => {
    await killWhen(
      ['apply', mixed, '--yes', '--state-dir', stateDir, '--json'],
      (e) => e.type === 'step-acting' && String(e.step).startsWith('machine:'),
    );
    last = await akb('apply', mixed, '--yes', '--state-dir', stateDir);
    expect(last.code, last.stdout.slice(-3000)).toBe(0);
    expect(
      env.lab
        .vcenter!.inventory.vms()
        .map((v) => v.name)
        .sort(),
    ).toEqual(['master-1', 'master-2', 'master-3', 'worker-vm', LAB_VCENTER.template].sort());
    const nodes = JSON.parse(await kubectl()('get', 'nodes', '-o', 'json')) as NodeList;
    expect(nodes.items.map((n) => [n.metadata.name, n.status.conditions.find((c) => c.type === 'Ready')?.status])).toEqual([
      ['master-1', 'True'],
      ['master-2', 'True'],
      ['master-3', 'True'],
      ['worker-2', 'True'],
      ['worker-vm', 'True'],
    ]);
    const sessions = env.lab
      .truth()
      .sessions.filter((s) => s.state === 'established')
      .map((s) => `${s.node} ${s.leaf}`);
    expect(sessions).toEqual(expect.arrayContaining(['worker-vm 103', 'worker-vm 104', 'worker-2 103', 'worker-2 104']));
    expect(sessions).toHaveLength(10);
  });

  it('a node whose join is refused (its bootstrap token expired) fails the job, naming the node and kubeadm’s reason', async () => {
    const store = await SecretStore.open(stateDir, key);
    const id = bootstrapSecretsSchema.parse(JSON.parse(store.get('bootstrap')!)).token.split('.')[0]!;
    const past = Buffer.from('2020-01-01T00:00:00Z').toString('base64');
    await kubectl()(
      'patch',
      'secret',
      '-n',
      'kube-system',
      `bootstrap-token-${id}`,
      '--type=merge',
      '-p',
      JSON.stringify({ data: { expiration: past } }),
    );
    const doc = parse(await readFile(specFile, 'utf8')) as { cluster: { nodes: Array<Record<string, unknown>> } };
    const grown = parse(await readFile(mixed, 'utf8')) as { cluster: { nodes: Array<Record<string, unknown>> } };
    grown.cluster.nodes.push(doc.cluster.nodes.find((n) => n['name'] === 'worker-1')!);
    await writeFile(join(env.dir, 'grown.yaml'), stringify(grown));
    const r = await akb('apply', join(env.dir, 'grown.yaml'), '--yes', '--state-dir', stateDir);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(
      /machine:worker-1: node worker-1, phase kubeadm: .*could not find a JWS signature in the cluster-info ConfigMap for token ID/,
    );
    const names = (JSON.parse(await kubectl()('get', 'nodes', '-o', 'json')) as NodeList).items.map((n) => n.metadata.name);
    expect(names).not.toContain('worker-1');
  });
});

/** Runs akb and kills it with SIGKILL as soon as one of its --json events matches. */
function killWhen(args: string[], match: (e: Record<string, unknown>) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/akb.mjs', ...args], { cwd: ROOT, env: cleanEnv({ AKB_STATE_KEY: key }) });
    let buf = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!killed && line.startsWith('{') && match(JSON.parse(line) as Record<string, unknown>)) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.on('error', reject);
    child.on('close', () => (killed ? resolve() : reject(new Error('the run ended before it could be killed'))));
  });
}
