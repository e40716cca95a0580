import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabApic, type LabApic } from '../../lib/lab/apic/index';
import { buildPlan, fillSecrets, validateSpecText, type AciPayload } from '../../provisioner/index';
import { resolvedOf, workedExampleDoc } from '../../provisioner/test-support/fixtures';

const SPEC = new URL('../fixtures/specs/nkt-dual-stack.yaml', import.meta.url);

type ChangedMo = Record<string, { attributes: { dn?: string; rn?: string; status: string }; children?: ChangedMo[] }>;
type Imdata = { imdata: Array<Record<string, { attributes: Record<string, string> }>> };

/** A logged-in session on a fresh lab APIC. */
async function labSession(): Promise<{ lab: LabApic; cookie: string }> {
  const lab = await startLabApic({ http: true });
  const login = await fetch(`${lab.url}/api/aaaLogin.json`, {
    method: 'POST',
    body: JSON.stringify({ aaaUser: { attributes: { name: lab.credentials.user, pwd: lab.credentials.password } } }),
  });
  expect(login.status).toBe(200);
  return { lab, cookie: login.headers.get('set-cookie')!.split(';')[0]! };
}

/** POSTs every payload in order (with the BGP password filled in, as the applier will) and returns the changed MOs. */
async function applyAll(lab: LabApic, cookie: string, payloads: AciPayload[]): Promise<ChangedMo[]> {
  const changed = [];
  for (const p of payloads) {
    const body = fillSecrets(JSON.stringify(p.body), { 'bgp-password': 'lab-bgp-secret' });
    const res = await fetch(`${lab.url}${p.url}?rsp-subtree=modified`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body,
    });
    const text = await res.text();
    expect(res.status, `${p.dn}: ${text}`).toBe(200);
    changed.push(...(JSON.parse(text) as { imdata: ChangedMo[] }).imdata);
  }
  return changed;
}

/** Every object of `rsp-subtree=modified` answers (the posted object, changes nested below it), with its DN. */
function flattenChanged(changed: ChangedMo[], parent?: string): Array<{ dn: string; status: string }> {
  return changed.flatMap((mo) => {
    const body = Object.values(mo)[0]!;
    const dn = body.attributes.dn ?? `${parent}/${body.attributes.rn}`;
    return [{ dn, status: body.attributes.status }, ...flattenChanged(body.children ?? [], dn)];
  });
}

const createdDns = (changed: ChangedMo[]) =>
  flattenChanged(changed)
    .filter((b) => b.status === 'created')
    .map((b) => b.dn)
    .sort();

async function readBack(lab: LabApic, cookie: string, path: string): Promise<Imdata> {
  const res = await fetch(`${lab.url}${path}`, { headers: { cookie } });
  expect(res.status).toBe(200);
  // modTs is the only attribute that moves on a no-op write; everything else must be stable.
  return JSON.parse(await res.text(), (k, v) => (k === 'modTs' ? undefined : v)) as Imdata;
}

/** The plan's APIC payloads, POSTed with plain fetch to the lab APIC, read back, then POSTed again. */
describe('plan payloads against the lab APIC', () => {
  let lab: LabApic;
  let cookie: string;
  let payloads: AciPayload[];
  const mo = (dn: string) => readBack(lab, cookie, `/api/mo/${dn}.json?rsp-subtree=full`);

  beforeAll(async () => {
    const r = validateSpecText(readFileSync(SPEC, 'utf8'));
    if (!r.ok) throw new Error('fixture spec must be valid');
    payloads = buildPlan(r.resolved).aci.payloads;
    ({ lab, cookie } = await labSession());
  });
  afterAll(async () => lab?.stop());

  it('accepts every payload and creates every planned object', async () => {
    const changed = await applyAll(lab, cookie, payloads);
    const r = validateSpecText(readFileSync(SPEC, 'utf8'));
    if (!r.ok) throw new Error('unreachable');
    const planned = buildPlan(r.resolved)
      .aci.objects.map((o) => o.dn)
      .sort();
    expect(createdDns(changed)).toEqual(planned);
    const svi = await mo(
      'uni/tn-calico_dev_v46/out-K8s_L3OUT/lnodep-node_profile_FL3out/lifp-int_profile_FL3out/vlifp-[topology/pod-1/node-101]-[vlan-12]',
    );
    expect(svi.imdata[0]?.l3extVirtualLIfP?.attributes).toMatchObject({ addr: '192.168.35.201/24', encap: 'vlan-12', mtu: '9000' });
  });

  it('applying the same payloads again changes nothing', async () => {
    const before = await Promise.all(payloads.map((p) => mo(p.dn)));
    const changed = await applyAll(lab, cookie, payloads);
    const after = await Promise.all(payloads.map((p) => mo(p.dn)));
    expect(after).toEqual(before);
    const statuses = flattenChanged(changed).map((m) => m.status);
    expect(statuses.filter((s) => s === 'created' || s === 'deleted')).toEqual([]);
  });
});

/** NKT §7.9's case: L3Out in tenant k8s, VRF in common. The VRF-level objects must land in common. */
describe('plan payloads against the lab APIC, VRF in common', () => {
  let lab: LabApic;
  let cookie: string;
  const doc = workedExampleDoc();
  doc.fabric.tenant = 'k8s';
  doc.fabric.vrf = { tenant: 'common', name: 'vrf' };
  const plan = buildPlan(resolvedOf(doc)).aci;

  beforeAll(async () => ({ lab, cookie } = await labSession()));
  afterAll(async () => lab?.stop());

  it('accepts every payload and reads the ECMP bindings and policy back from tenant common', async () => {
    expect(createdDns(await applyAll(lab, cookie, plan.payloads))).toEqual(plan.objects.map((o) => o.dn).sort());
    const bindings = await readBack(lab, cookie, '/api/class/fvRsCtxToBgpCtxAfPol.json');
    expect(bindings.imdata.map((m) => m.fvRsCtxToBgpCtxAfPol?.attributes).sort((a, b) => (a?.dn ?? '').localeCompare(b?.dn ?? ''))).toEqual(
      ['ipv4-ucast', 'ipv6-ucast'].map((af) =>
        expect.objectContaining({ dn: `uni/tn-common/ctx-vrf/rsctxToBgpCtxAfPol-[K8s_L3OUT]-${af}`, tnBgpCtxAfPolName: 'K8s_L3OUT', af }),
      ),
    );
    const policy = await readBack(lab, cookie, '/api/mo/uni/tn-common/bgpCtxAfP-K8s_L3OUT.json');
    expect(policy.imdata[0]?.bgpCtxAfPol?.attributes).toMatchObject({ name: 'K8s_L3OUT', maxEcmp: '64' });
    expect((await readBack(lab, cookie, '/api/mo/uni/tn-k8s/bgpCtxAfP-K8s_L3OUT.json')).imdata).toEqual([]);
    const ectx = await readBack(lab, cookie, '/api/mo/uni/tn-k8s/out-K8s_L3OUT/rsectx.json');
    expect(ectx.imdata[0]?.l3extRsEctx?.attributes).toMatchObject({ tnFvCtxName: 'vrf' });
  });
});
