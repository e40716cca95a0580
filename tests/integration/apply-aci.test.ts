import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApicClient } from '../../lib/aci/client';
import { moEntry, type WireMo } from '../../lib/aci/mo';
import { startLabApic, type LabApic, type LabApicRequestRecord } from '../../lib/lab/apic';
import { startJob, type JobEvent, type JobOutcome } from '../../provisioner/apply';
import { buildPlan, type Plan } from '../../provisioner/plan/index';
import { createAciContext } from '../../provisioner/providers/aci/context';
import { aciDestroySteps } from '../../provisioner/providers/aci/destroy-steps';
import { jobSnapshots, rollBack } from '../../provisioner/providers/aci/snapshot';
import { aciSteps } from '../../provisioner/providers/aci/steps';
import { resolvedOf, workedExampleDoc } from '../../provisioner/test-support/fixtures';

/**
 * The ACI provider against the lab APIC through the real wire (HTTPS, the project's client): config-only reads
 * compared on the properties akb manages, POSTs only for what differs (counted at the server), ownership by
 * annotation with --adopt for existing objects, the Nth-write fault with and without a snapshot rollback, and
 * destroy touching only akb's objects.
 */
let apic: LabApic;
let client: ApicClient;
let dir: string;
const requests: LabApicRequestRecord[] = [];
const BGP_PASSWORD = 'bgp-md5-secret-4711';
const T = 'uni/tn-calico_dev_v46';

const mo = (cls: string, attributes: Record<string, string>, children: WireMo[] = []): WireMo => ({
  [cls]: children.length ? { attributes, children } : { attributes },
});
const writes = () => requests.filter((r) => (r.method === 'POST' || r.method === 'DELETE') && r.url.startsWith('/api/mo/'));

function plan(password = BGP_PASSWORD): { plan: Plan; secrets: Record<string, string> } {
  return { plan: buildPlan(resolvedOf(workedExampleDoc())), secrets: { 'bgp-password': password } };
}

async function run(
  command: 'apply' | 'diff' | 'destroy',
  o: { adopt?: boolean; snapshot?: boolean; rollback?: boolean; password?: string; state?: string } = {},
): Promise<{ outcome: JobOutcome; events: JobEvent[] }> {
  const { plan: p, secrets } = plan(o.password);
  const left: string[] = [];
  let ctx: ReturnType<typeof createAciContext> | undefined;
  const job = startJob({
    command,
    cluster: 'calico-dev-v46',
    stateDir: join(dir, o.state ?? 'state'),
    stateKey: 'test-key',
    async build(env) {
      env.redactor.add(o.password ?? BGP_PASSWORD);
      if (command === 'destroy') return aciDestroySteps(client, env.state, left);
      const digestKey = await env.secrets.ensure('aci.digest-key', () => 'digest-key-for-tests-0123456789');
      ctx = createAciContext({
        apic: client,
        cluster: 'calico-dev-v46',
        tenants: ['calico_dev_v46'],
        secrets,
        adopt: o.adopt ?? false,
        digestKey,
        snapshot: o.snapshot ?? false,
      });
      return aciSteps(p.aci, ctx);
    },
    async onFailure(env) {
      if (o.rollback) await rollBack(client, 'calico-dev-v46', jobSnapshots(env.state, env.job));
    },
    finish: async () => ({ left }),
  });
  const events: JobEvent[] = [];
  for await (const e of job.events) events.push(e);
  return { outcome: await job.done, events };
}

/** The tenant's configuration as a writer would compare it: config-only, every object, sorted by DN. */
async function tenantConfig(): Promise<string[]> {
  const root = await client.get(T, { rspSubtree: 'full', rspPropInclude: 'config-only' });
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

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'akb-apply-aci-'));
  apic = await startLabApic({ observe: (r) => requests.push(r) });
  client = new ApicClient({
    controllers: [apic.url],
    auth: { type: 'password', user: apic.credentials.user, password: apic.credentials.password },
    tls: { ca: apic.caPem! },
  });
  // The fabric akb is given: the tenant with its VRF (and a tag someone put on it), an unrelated L3Out, the domain.
  await client.post(
    T,
    mo('fvTenant', { name: 'calico_dev_v46' }, [
      mo('fvCtx', { name: 'vrf' }, [mo('tagAnnotation', { key: 'owner', value: 'netops' })]),
      mo('l3extOut', { name: 'other-l3out' }, [mo('l3extRsEctx', { tnFvCtxName: 'vrf' }), mo('l3extLNodeP', { name: 'np' })]),
    ]),
  );
  await client.post('uni/phys-Fab1', mo('physDomP', { name: 'Fab1' }));
});
afterAll(async () => {
  await client?.close();
  await apic?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the ACI provider', () => {
  let before: string[];

  it('creates every planned object marked orchestrator:akb, with the password filled in memory only', async () => {
    before = await tenantConfig();
    const { outcome } = await run('apply');
    expect(outcome.outcome, outcome.error).toBe('succeeded');
    const p = plan().plan;
    for (const o of p.aci.objects) {
      const found = await client.get(o.dn, { rspPropInclude: 'config-only' });
      expect(found, o.dn).toBeDefined();
      expect(moEntry(found!)[1].attributes.annotation, o.dn).toBe('orchestrator:akb');
    }
    const state = await readFile(join(dir, 'state', 'state.json'), 'utf8');
    expect(state).not.toContain(BGP_PASSWORD);
    expect(state).toContain(`aci:${T}/out-K8s_L3OUT`);
  });

  it('a second apply reads and posts nothing: zero configuration writes reach the APIC', async () => {
    requests.length = 0;
    const { outcome } = await run('apply');
    expect(outcome).toMatchObject({ outcome: 'succeeded', changes: 0 });
    expect(writes()).toEqual([]);
    expect(requests.some((r) => r.url.includes('rsp-prop-include=config-only'))).toBe(true);
  });

  it('a hand edit shows in the diff by DN and attribute; apply puts back only that object; a new password is written', async () => {
    await client.post(`${T}/bgpCtxAfP-K8s_L3OUT`, mo('bgpCtxAfPol', { maxEcmp: '8' }));
    const diff = await run('diff');
    const changes = diff.events.flatMap((e) => (e.type === 'plan' ? e.steps.flatMap((s) => s.changes) : []));
    expect(changes).toEqual([{ action: 'update', target: `${T}/bgpCtxAfP-K8s_L3OUT`, fields: [{ path: 'maxEcmp', from: '8', to: '64' }] }]);
    requests.length = 0;
    expect((await run('apply')).outcome.outcome).toBe('succeeded');
    expect(writes().map((w) => w.url)).toEqual([`/api/mo/${T}/bgpCtxAfP-K8s_L3OUT.json`]);
    // The password is write-only on the APIC: akb knows it changed from the digest it keeps, never from the value.
    requests.length = 0;
    const rotated = await run('apply', { password: 'a-new-md5-secret-0815' });
    expect(rotated.outcome.outcome).toBe('succeeded');
    expect(writes().length).toBe(1);
    expect(JSON.stringify(rotated.events)).not.toContain('a-new-md5-secret-0815');
    expect((await run('apply')).outcome.changes).toBeGreaterThan(0); // back to the first password
  });

  it('the Nth write failing fails the job naming the DN and the APIC error, leaving the state as the APIC is', async () => {
    expect((await run('destroy')).outcome.outcome).toBe('succeeded');
    apic.faults.failConfigWrite({
      nth: 3,
      status: 400,
      code: '801',
      text: 'property maxPfx of bgpPfxP failed validation (fault injected)',
    });
    const { outcome } = await run('apply');
    expect(outcome.outcome).toBe('failed');
    expect(outcome.error).toMatch(
      /\/api\/mo\/uni\/tn-calico_dev_v46\/[^ ]+\.json failed: HTTP 400, code 801: property maxPfx of bgpPfxP failed validation \(fault injected\)/,
    );
    const state = JSON.parse(await readFile(join(dir, 'state', 'state.json'), 'utf8')) as { resources: Record<string, { status: string }> };
    for (const id of Object.keys(state.resources)) {
      expect(await client.get(id.slice(4)), `${id} is recorded, so it exists`).toBeDefined();
    }
    apic.faults.clearConfigWriteFault();
    expect((await run('apply')).outcome.outcome).toBe('succeeded');
  });

  it('with --snapshot --rollback-on-failure a failed job leaves the tenant exactly as before it', async () => {
    expect((await run('destroy')).outcome.outcome).toBe('succeeded');
    expect(await tenantConfig()).toEqual(before);
    apic.faults.failConfigWrite({ nth: 4, status: 400, code: '103', text: 'injected' });
    const { outcome, events } = await run('apply', { snapshot: true, rollback: true });
    expect(outcome.outcome).toBe('failed');
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'warning', message: expect.stringMatching(/took a snapshot of uni\/tn-calico_dev_v46/) }),
    );
    apic.faults.clearConfigWriteFault();
    expect(await tenantConfig()).toEqual(before);
  });

  it('refuses an existing object at a planned DN that akb did not create, naming it; --adopt takes it over', async () => {
    await client.post(`${T}/bgpPfxP-K8s_L3OUT`, mo('bgpPeerPfxPol', { name: 'K8s_L3OUT', maxPfx: '100' }));
    requests.length = 0;
    const refused = await run('apply', { state: 'adopt-state' });
    expect(refused.outcome.outcome).toBe('failed');
    expect(refused.outcome.error).toContain(`${T}/bgpPfxP-K8s_L3OUT (annotation "") exists and was not created by akb`);
    expect(refused.outcome.error).toContain('--adopt');
    expect(writes()).toEqual([]);
    const adopted = await run('apply', { state: 'adopt-state', adopt: true });
    expect(adopted.outcome.outcome, adopted.outcome.error).toBe('succeeded');
    const pfx = moEntry((await client.get(`${T}/bgpPfxP-K8s_L3OUT`, { rspPropInclude: 'config-only' }))!)[1].attributes;
    expect(pfx).toMatchObject({ annotation: 'orchestrator:akb', maxPfx: '500' });
  });

  it("destroy removes every object akb created or adopted and nothing else: the tenant, the VRF's other children, another L3Out stay", async () => {
    expect((await run('destroy', { state: 'adopt-state' })).outcome.outcome).toBe('succeeded');
    for (const o of plan().plan.aci.objects) expect(await client.get(o.dn), o.dn).toBeUndefined();
    expect(await client.get(T)).toBeDefined();
    expect(await client.get(`${T}/ctx-vrf/annotationKey-[owner]`)).toBeDefined();
    expect(await client.get(`${T}/out-other-l3out/lnodep-np`)).toBeDefined();
    expect(await tenantConfig()).toEqual(before);
  });
});
