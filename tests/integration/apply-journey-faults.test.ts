import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { moEntry, type WireMo } from '../../lib/aci/mo';
import { labControlRequest } from '../../lib/lab/events';
import { akb, type AkbRun } from './apply-support';
import { startLabProcess, type LabProcess } from './lab-process-support';

/**
 * What goes wrong on the unpeered lab, through the CLI: an object akb did not create at a planned DN (refused, then
 * --adopt), the lab APIC failing the Nth write (armed through the lab's control API) with and without
 * --snapshot --rollback-on-failure, kill -9 of apply at random points of five different steps followed by a resume,
 * and a spec whose cluster AS the running cluster's BGPConfiguration contradicts.
 */
let lab: LabProcess;
let env: Record<string, string>;
const T = 'uni/tn-k8s';
const PFX = `${T}/bgpPfxP-K8s_L3OUT`;
const mo = (cls: string, attributes: Record<string, string>, children: WireMo[] = []): WireMo => ({
  [cls]: children.length ? { attributes, children } : { attributes },
});
const stateDir = () => join(lab.dir, '.akb/clusters/unpeered');
const run = (args: string[], o: Parameters<typeof akb>[1] = {}): Promise<AkbRun> =>
  akb(args, { cwd: lab.dir, env, timeoutMs: 240_000, ...o });
const output = (r: AkbRun) => r.stdout + r.stderr;

/** The tenant's configuration as a writer compares it: config-only, every object, sorted by DN. */
async function tenantConfig(): Promise<string[]> {
  const root = await lab.apic.get(T, { rspSubtree: 'full', rspPropInclude: 'config-only' });
  const out: string[] = [];
  const walk = (m: WireMo, parent?: string) => {
    const [cls, body] = moEntry(m);
    const dn = body.attributes.dn ?? `${parent}/${body.attributes.rn}`;
    const { modTs: _m, ...attrs } = body.attributes;
    out.push(`${cls} ${JSON.stringify({ ...attrs, dn })}`);
    for (const c of body.children ?? []) walk(c, dn);
  };
  if (root) walk(root);
  return out.sort();
}

type StateFile = { resources: Record<string, { status: 'pending' | 'applied' }> };
const readState = async (): Promise<StateFile> => JSON.parse(await readFile(join(stateDir(), 'state.json'), 'utf8')) as StateFile;

beforeAll(async () => {
  lab = await startLabProcess('unpeered');
  env = { HOME: lab.dir, XDG_CONFIG_HOME: join(lab.dir, 'config'), AKB_STATE_KEY: '' };
}, 120_000);
afterAll(async () => lab?.stop());

describe('an object akb did not create at a planned DN', () => {
  let before: string[];

  it('is refused with its DN and nothing is written; --adopt takes it over and the job completes', async () => {
    before = await tenantConfig();
    await lab.apic.post(PFX, mo('bgpPeerPfxPol', { name: 'K8s_L3OUT', maxPfx: '100' }));
    const writes = await lab.apicConfigWrites();
    const refused = await run(['apply', lab.specFile, '--yes']);
    expect(refused.code, output(refused)).toBe(1);
    expect(refused.stderr).toContain(`${PFX} (annotation "") exists and was not created by akb`);
    expect(refused.stderr).toContain('--adopt');
    expect(await lab.apicConfigWrites()).toBe(writes);
    const adopted = await run(['apply', lab.specFile, '--yes', '--adopt']);
    expect(adopted.code, output(adopted)).toBe(0);
    const pfx = moEntry((await lab.apic.get(PFX, { rspPropInclude: 'config-only' }))!)[1].attributes;
    expect(pfx).toMatchObject({ annotation: 'orchestrator:akb', maxPfx: '500' });
  }, 300_000);

  it('destroy removes it like everything akb created: the tenant is as it was before the pre-existing object', async () => {
    const r = await run(['destroy', lab.specFile, '--yes']);
    expect(r.code, output(r)).toBe(0);
    expect(await tenantConfig()).toEqual(before);
  }, 300_000);
});

describe('the lab APIC failing the Nth write', () => {
  const arm = async (nth: number, code: string, text: string) => {
    const res = await labControlRequest(lab.control, '/faults/apic-config-write', { body: { nth, code, text } });
    expect(res.status).toBe(200);
  };

  it('fails the job naming the DN and the APIC error; the state records exactly what the APIC holds of akb', async () => {
    await arm(3, '801', 'property maxPfx of bgpPfxP failed validation (injected)');
    const r = await run(['apply', lab.specFile, '--yes']);
    expect(r.code, output(r)).toBe(1);
    expect(r.stderr).toMatch(
      /\/api\/mo\/uni\/tn-k8s\/[^ ]+\.json failed: HTTP 400, code 801: property maxPfx of bgpPfxP failed validation \(injected\)/,
    );
    const state = await readState();
    const recorded = Object.keys(state.resources).filter((id) => id.startsWith(`aci:${T}/`));
    expect(recorded.length).toBeGreaterThan(0);
    for (const id of recorded) expect(await lab.apic.get(id.slice(4)), `${id} is recorded, so it exists`).toBeDefined();
    // And the other way round: every object carrying akb's annotation is one the state knows.
    const owned = (await tenantConfig()).filter((l) => l.includes('"annotation":"orchestrator:akb"'));
    const top = owned.map((l) => (JSON.parse(l.slice(l.indexOf(' ') + 1)) as { dn: string }).dn);
    for (const dn of top)
      expect(
        recorded.some((id) => dn === id.slice(4) || dn.startsWith(`${id.slice(4)}/`)),
        dn,
      ).toBe(true);
  }, 300_000);

  it('with --snapshot --rollback-on-failure a failed job leaves the tenant exactly as before it', async () => {
    const pre = await tenantConfig();
    await arm(4, '103', 'injected for the rollback');
    const r = await run(['apply', lab.specFile, '--yes', '--snapshot', '--rollback-on-failure']);
    expect(r.code, output(r)).toBe(1);
    expect(r.stderr).toMatch(/took a snapshot of uni\/tn-k8s/);
    expect(r.stderr).toContain('rolled back: the tenant configuration is the one from before this job');
    expect(await tenantConfig()).toEqual(pre);
  }, 300_000);
});

describe('kill -9 of akb apply', () => {
  it('at random points of five different steps, then apply again: it completes, nothing is duplicated, the journal has every job', async () => {
    // From a fabric and cluster without akb's objects (as a retry of this test finds them too), so every step has work.
    const fresh = await run(['destroy', lab.specFile, '--yes']);
    expect(fresh.code, output(fresh)).toBe(0);
    const killedIn: string[] = [];
    const killedJobs: string[] = [];
    for (let i = 0; i < 5; i++) {
      // The kth step to start acting in this run that no earlier kill hit, and a random instant inside it.
      const k = Math.floor(Math.random() * 3);
      let seen = 0;
      let chosen = '';
      const r = await run(['apply', lab.specFile, '--yes', '--json'], {
        killDelayMs: Math.floor(Math.random() * 150),
        killWhen: (e) => {
          const step = e['step'] as string | undefined;
          if (e.type !== 'step-acting' || !step || killedIn.includes(step) || seen++ < k) return false;
          chosen = step;
          return true;
        },
      });
      expect(r.signal, `run ${i + 1} was to be killed in a step that still had work; killed so far in ${killedIn.join(', ')}`).toBe(
        'SIGKILL',
      );
      killedIn.push(chosen);
      killedJobs.push(r.events.find((e) => e.type === 'job-started')!['job'] as string);
    }
    expect(new Set(killedIn).size).toBe(5);
    const resumed = await run(['apply', lab.specFile, '--yes', '--json']);
    expect(resumed.code, `after kills in ${killedIn.join(', ')}: ${resumed.stderr}`).toBe(0);
    const started = resumed.events.find((e) => e.type === 'job-started')!;
    expect(started['interrupted'], 'the resumed job names the interrupted jobs it takes over from').toEqual(
      expect.arrayContaining(killedJobs),
    );
    // Nothing duplicated: every record settled, one of each object in the cluster, akb's pods as many as its replicas.
    const state = await readState();
    expect(Object.entries(state.resources).filter(([, r]) => r.status !== 'applied')).toEqual([]);
    expect((JSON.parse(await lab.kubectl('get', 'bgppeers.projectcalico.org', '-o', 'json')) as { items: unknown[] }).items).toHaveLength(
      4,
    );
    const deployment = JSON.parse(await lab.kubectl('get', 'deployment', '-n', 'akb', 'akb', '-o', 'json')) as {
      spec: { replicas: number };
    };
    expect((JSON.parse(await lab.kubectl('get', 'pods', '-n', 'akb', '-o', 'json')) as { items: unknown[] }).items).toHaveLength(
      deployment.spec.replicas,
    );
    expect((await tenantConfig()).filter((l) => l.startsWith('l3extOut '))).toHaveLength(1);
    const jobs = await run(['jobs']);
    const lines = jobs.stdout.split('\n');
    expect(
      lines.filter((l) => / apply +interrupted /.test(l)),
      jobs.stdout,
    ).toHaveLength(5);
    expect(lines.filter((l) => / apply +succeeded /.test(l)).length, jobs.stdout).toBeGreaterThanOrEqual(1);
  }, 900_000);
});

describe("a spec whose cluster AS the running cluster's BGPConfiguration contradicts", () => {
  it('fails verification naming the leaf, the AS it expects and the AS the BGPConfiguration says; the sessions stay down', async () => {
    // The cluster's admin applies the AS too (as calicoctl would): it now shares the field, so akb cannot change it.
    const own = join(lab.dir, 'bgpconfiguration.json');
    await writeFile(
      own,
      JSON.stringify({
        apiVersion: 'projectcalico.org/v3',
        kind: 'BGPConfiguration',
        metadata: { name: 'default' },
        spec: { asNumber: 65003 },
      }),
    );
    await lab.kubectl('apply', '--server-side', '--field-manager=calicoctl', '-f', own);
    const spec = parse(await readFile(lab.specFile, 'utf8')) as { cluster: { asn: number } };
    spec.cluster.asn = 65004;
    const path = join(lab.dir, 'provision-spec-65004.yaml');
    await writeFile(path, stringify(spec));
    const r = await run(['apply', path, '--yes', '--verify-timeout', '20']);
    expect(r.code, output(r)).toBe(1);
    expect(r.stderr).toMatch(/BGPConfiguration default: \.spec\.asNumber is managed by another field manager/);
    expect(r.stderr).toMatch(/BGP sessions still down after 20 s \(12\)/);
    expect(r.stderr).toMatch(
      /node master-1 ↔ leaf 101: idle — leaf 101 expects AS 65004 from 192\.168\.35\.11 \(bgpAsP of peer 192\.168\.35\.0\/24\), the cluster's BGPConfiguration says 65003/,
    );
    const truth = (await (await labControlRequest(lab.control, '/truth')).json()) as { sessions: { state: string }[] };
    expect(truth.sessions.filter((s) => s.state === 'established')).toEqual([]);
  }, 300_000);
});
