import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classQuery } from '../../lib/aci';
import { moEntry, type WireMo } from '../../lib/aci/mo';
import { labControlRequest } from '../../lib/lab/events';
import { buildPlan } from '../../provisioner/plan/index';
import { validateSpecText } from '../../provisioner/index';
import { akb, filesBelow, printed, type AkbRun } from './apply-support';
import { startLabProcess, type LabProcess } from './lab-process-support';

/**
 * The aci-only journey as a user types it: `akb lab start --scenario unpeered --lab-dir D` (its own process), then
 * `akb apply D/provision-spec.yaml --yes` from a working directory (state in its default `.akb/clusters/<name>/`, the
 * state key created in ~/.config/akb), a second apply that changes nothing (counted at the lab's servers), `akb diff`
 * after a hand edit on each side, `akb jobs`, and `akb destroy` leaving what akb did not create. Every byte the
 * commands printed and every file they wrote is checked for the lab's secrets at the end.
 */
let lab: LabProcess;
let env: Record<string, string>;
/** Secrets akb generated and put into the cluster (read back from it with kubectl). */
const generated: string[] = [];
const T = 'uni/tn-k8s';
const mo = (cls: string, attributes: Record<string, string>, children: WireMo[] = []): WireMo => ({
  [cls]: children.length ? { attributes, children } : { attributes },
});
const attrs = (m: WireMo | undefined) => (m ? moEntry(m)[1].attributes : {});
const stateDir = () => join(lab.dir, '.akb/clusters/unpeered');
const run = (args: string[]): Promise<AkbRun> => akb(args, { cwd: lab.dir, env, timeoutMs: 240_000 });
const kubeJson = async <T>(...args: string[]): Promise<T> => JSON.parse(await lab.kubectl(...args, '-o', 'json')) as T;

const changedSteps = (r: AkbRun) =>
  r.events
    .filter((e) => e.type === 'step-succeeded' && e['outcome'] === 'changed')
    .map((e) => e['step'] as string)
    .sort();

/** The pairs the design peers: each node with the anchor leaves of its rack (the lab's racks 1 and 2: 101-102, 103-104). */
const RACK_LEAVES: Record<string, string[]> = { '1': ['101', '102'], '2': ['103', '104'] };

beforeAll(async () => {
  lab = await startLabProcess('unpeered');
  env = { HOME: lab.dir, XDG_CONFIG_HOME: join(lab.dir, 'config'), AKB_STATE_KEY: '' };
  // What the fabric holds besides what akb will build: another L3Out in the tenant, a tag someone put on the VRF.
  await lab.apic.post(
    T,
    mo('fvTenant', { name: 'k8s' }, [
      mo('fvCtx', { name: 'vrf1' }, [mo('tagAnnotation', { key: 'owner', value: 'netops' })]),
      mo('l3extOut', { name: 'wan' }, [mo('l3extRsEctx', { tnFvCtxName: 'vrf1' }), mo('l3extLNodeP', { name: 'np' })]),
    ]),
  );
}, 120_000);
afterAll(async () => lab?.stop());

describe('akb apply on the unpeered lab', () => {
  it('ends with exit 0, every expected session established on the lab APIC, Calico peered and akb deployed', async () => {
    const r = await run(['apply', lab.specFile, '--yes']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // Progress goes to standard error (standard output is for --json and diffs), as with kubectl.
    expect(r.stderr).toMatch(/done: \d+ steps ok \(\d+ changed\), 0 failed, 0 skipped/);
    expect(r.stderr).toContain('✓ verify:bgp  verified');
    expect(r.stderr).toContain('✓ akb:rollout  verified');
    // The lab APIC's operational state: one established bgpPeerEntry per node and anchor leaf of its rack.
    type Node = { metadata: { name: string; labels: Record<string, string> }; status: { addresses: { type: string; address: string }[] } };
    const nodes = (await kubeJson<{ items: Node[] }>('get', 'nodes')).items;
    const ip = (n: Node) => n.status.addresses.find((a) => a.type === 'InternalIP')!.address;
    const expected = nodes.flatMap((n) => RACK_LEAVES[n.metadata.labels['rack_id']!]!.map((leaf) => `${leaf} ${ip(n)}`)).sort();
    expect(expected).toHaveLength(12);
    const entries = (await lab.apic.query(classQuery('bgpPeerEntry'))).map(attrs);
    const established = entries
      .filter((e) => e['operSt'] === 'established')
      .map((e) => `${/node-(\d+)/.exec(e['dn']!)![1]} ${e['addr']}`)
      .sort();
    expect(established).toEqual(expected);
    // The Calico objects akb applied, read back with the real kubectl.
    const peers = (
      await kubeJson<{ items: { metadata: { name: string }; spec: { peerIP: string; asNumber: number } }[] }>(
        'get',
        'bgppeers.projectcalico.org',
      )
    ).items;
    expect(peers.map((p) => [p.metadata.name, p.spec.peerIP, p.spec.asNumber])).toEqual([
      ['rack-1-leaf-101-ipv4', '192.168.35.201', 65002],
      ['rack-1-leaf-102-ipv4', '192.168.35.202', 65002],
      ['rack-2-leaf-103-ipv4', '192.168.35.203', 65002],
      ['rack-2-leaf-104-ipv4', '192.168.35.204', 65002],
    ]);
    const bgpConfig = await kubeJson<{ spec: { asNumber: number } }>('get', 'bgpconfigurations.projectcalico.org', 'default');
    expect(bgpConfig.spec.asNumber).toBe(65003);
    const deployment = await kubeJson<{ status: { availableReplicas?: number }; spec: { replicas: number } }>(
      'get',
      'deployment',
      '-n',
      'akb',
      'akb',
    );
    expect(deployment.status.availableReplicas).toBe(deployment.spec.replicas);
    const uiAuth = await kubeJson<{ data: Record<string, string> }>('get', 'secret', '-n', 'akb', 'akb-ui-auth');
    generated.push(...Object.values(uiAuth.data).map((v) => Buffer.from(v, 'base64').toString('utf8')));
    expect(generated.length).toBeGreaterThan(0);
    // The lab's own truth agrees, and the state went where a user finds it.
    const truth = (await (await labControlRequest(lab.control, '/truth')).json()) as { sessions: { state: string }[] };
    expect(truth.sessions.map((s) => s.state)).toEqual(Array(12).fill('established'));
    expect((await filesBelow(stateDir())).map((f) => f.path.slice(stateDir().length + 1)).sort()).toEqual([
      'journal.jsonl',
      'secrets.json',
      'state.json',
    ]);
  }, 300_000);

  it('the visualiser pointed at the lab (akb capture --lab-dir, akb graph) shows the new sessions established', async () => {
    const bundle = join(lab.dir, 'bundle.json');
    const captured = await run([
      'capture',
      '--lab-dir',
      lab.labDir,
      '--tenant',
      'k8s',
      '--vrf',
      'vrf1',
      '--l3out',
      'K8s_L3OUT',
      '--out',
      bundle,
    ]);
    expect(captured.code, captured.stderr).toBe(0);
    const graph = await run(['graph', bundle]);
    expect(graph.code, graph.stderr).toBe(0);
    const edges = (JSON.parse(graph.stdout) as { edges: { kind: string; source: string; target: string; data: { state: string } }[] })
      .edges;
    const bgp = edges.filter((e) => e.kind === 'bgp');
    expect(bgp).toHaveLength(12);
    expect(bgp.every((e) => e.data.state === 'established')).toBe(true);
    expect(new Set(bgp.map((e) => e.target))).toEqual(new Set(['leaf:101', 'leaf:102', 'leaf:103', 'leaf:104']));
  }, 300_000);

  it('a second apply changes nothing: no configuration write reaches the lab APIC, no object changes in the cluster', async () => {
    const writes = await lab.apicConfigWrites();
    const revision = await lab.kubeRevision();
    const r = await run(['apply', lab.specFile, '--yes', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(changedSteps(r)).toEqual([]);
    expect(r.events.at(-1)).toMatchObject({ type: 'job-finished', outcome: 'succeeded', summary: { changed: 0, failed: 0 } });
    expect(await lab.apicConfigWrites()).toBe(writes);
    expect(await lab.kubeRevision()).toBe(revision);
  }, 300_000);

  it('akb diff names a hand edit on the APIC and one in the cluster (exit 1); apply puts both back; diff then exits 0', async () => {
    await lab.apic.post(`${T}/bgpCtxAfP-K8s_L3OUT`, mo('bgpCtxAfPol', { maxEcmp: '8' }));
    await lab.kubectl(
      'patch',
      'bgppeers.projectcalico.org',
      'rack-2-leaf-103-ipv4',
      '--type',
      'merge',
      '-p',
      '{"spec":{"asNumber":65099}}',
    );
    const diff = await run(['diff', lab.specFile]);
    expect(diff.code, diff.stderr).toBe(1);
    expect(diff.stdout).toContain(`${T}/bgpCtxAfP-K8s_L3OUT`);
    expect(diff.stdout).toMatch(/maxEcmp: 8 → 16/);
    expect(diff.stdout).toContain('BGPPeer rack-2-leaf-103-ipv4');
    expect(diff.stdout).toMatch(/spec\.asNumber: 65099 → 65002/);
    expect(diff.stdout).toMatch(/2 changes in 2 steps/);
    const apply = await run(['apply', lab.specFile, '--yes', '--json']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(changedSteps(apply)).toEqual(['aci:uni/tn-k8s/bgpCtxAfP-K8s_L3OUT', 'k8s:projectcalico.org/BGPPeer/-/rack-2-leaf-103-ipv4']);
    expect(apply.events.at(-1)).toMatchObject({ type: 'job-finished', outcome: 'succeeded' });
    expect(attrs(await lab.apic.get(`${T}/bgpCtxAfP-K8s_L3OUT`))['maxEcmp']).toBe('16');
    expect(
      (await kubeJson<{ spec: { asNumber: number } }>('get', 'bgppeers.projectcalico.org', 'rack-2-leaf-103-ipv4')).spec.asNumber,
    ).toBe(65002);
    const clean = await run(['diff', lab.specFile]);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
  }, 300_000);

  it('akb jobs lists every apply from the journal', async () => {
    const r = await run(['jobs']);
    expect(r.code, r.stderr).toBe(0);
    const applies = r.stdout.split('\n').filter((l) => / apply +succeeded /.test(l));
    expect(applies).toHaveLength(3);
  }, 300_000);
});

describe('akb destroy', () => {
  it('removes every object akb created from the APIC and the cluster; the tenant, the VRF with its tag and the other L3Out stay', async () => {
    const plan = buildPlan(
      (validateSpecText(await readFile(lab.specFile, 'utf8')) as { ok: true; resolved: Parameters<typeof buildPlan>[0] }).resolved,
    );
    const r = await run(['destroy', lab.specFile, '--yes']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const o of plan.aci.objects) expect(await lab.apic.get(o.dn), o.dn).toBeUndefined();
    expect(await lab.apic.get(`${T}/ctx-vrf1/rsctxToBgpCtxAfPol-[K8s_L3OUT]-ipv4-ucast`)).toBeUndefined();
    for (const dn of [
      T,
      `${T}/ctx-vrf1`,
      `${T}/ctx-vrf1/annotationKey-[owner]`,
      `${T}/out-wan/lnodep-np`,
      `${T}/brc-k8s-any`,
      'uni/phys-k8s-phys',
    ])
      expect(await lab.apic.get(dn), dn).toBeDefined();
    expect((await kubeJson<{ items: unknown[] }>('get', 'bgppeers.projectcalico.org')).items).toEqual([]);
    expect(await lab.kubectl('get', 'namespaces', '-o', 'name')).not.toContain('namespace/akb\n');
    // What akb found in the cluster stays: the Calico install and the nodes.
    expect(await lab.kubectl('get', 'installations.operator.tigera.io', 'default', '-o', 'name')).toContain('default');
    expect((await kubeJson<{ items: unknown[] }>('get', 'nodes')).items).toHaveLength(6);
  }, 300_000);
});

describe('secrets', () => {
  it('no secret appears in clear in the state directory, the journal, --json or anything the commands printed', async () => {
    const kubeconfig = await readFile(lab.file.kubeconfig, 'utf8');
    const token = /token: (\S+)/.exec(kubeconfig)?.[1];
    const stateKey = (await readFile(join(lab.dir, 'config/akb/state.key'), 'utf8')).trim();
    const secrets: Record<string, string> = {
      'the APIC password': lab.secrets.apicPassword,
      'the BGP password': lab.secrets.bgpPassword,
      'the BGP password in base64': Buffer.from(lab.secrets.bgpPassword).toString('base64'),
      'the state key': stateKey,
      ...(token ? { "the kubeconfig's token": token } : {}),
      ...Object.fromEntries(generated.map((g, i) => [`generated secret ${i}`, g])),
    };
    expect(Object.values(secrets).every((s) => s.length >= 8)).toBe(true);
    const written = await filesBelow(stateDir());
    const everything = [...printed, ...written.map((f) => f.text)].join('\n');
    expect(printed.join('').length).toBeGreaterThan(1000);
    for (const [name, s] of Object.entries(secrets)) expect(everything.includes(s), `${name} was found`).toBe(false);
  }, 300_000);
});
