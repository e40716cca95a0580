import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabApic, type LabApic } from '../../lib/lab/apic/index';
import { buildPlan, fillSecrets, validateSpecText, type AciPayload } from '../../provisioner/index';

const SPEC = new URL('../fixtures/specs/nkt-dual-stack.yaml', import.meta.url);

/** The plan's APIC payloads, POSTed with plain fetch to the lab APIC, read back, then POSTed again. */
describe('plan payloads against the lab APIC', () => {
  let lab: LabApic;
  let cookie: string;
  let payloads: AciPayload[];

  beforeAll(async () => {
    const r = validateSpecText(readFileSync(SPEC, 'utf8'));
    if (!r.ok) throw new Error('fixture spec must be valid');
    payloads = buildPlan(r.resolved).aci.payloads;
    lab = await startLabApic({ http: true });
    const login = await fetch(`${lab.url}/api/aaaLogin.json`, {
      method: 'POST',
      body: JSON.stringify({ aaaUser: { attributes: { name: lab.credentials.user, pwd: lab.credentials.password } } }),
    });
    expect(login.status).toBe(200);
    cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  });
  afterAll(async () => lab?.stop());

  /** POSTs every payload in order (with the BGP password filled in, as the applier will) and returns the changed MOs. */
  async function applyAll(): Promise<Array<Record<string, { attributes: { dn: string; status: string } }>>> {
    const changed = [];
    for (const p of payloads) {
      const body = fillSecrets(JSON.stringify(p.body), { 'bgp-password': 'lab-bgp-secret' });
      const res = await fetch(`${lab.url}${p.url}?rsp-subtree=modified`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body });
      const text = await res.text();
      expect(res.status, `${p.dn}: ${text}`).toBe(200);
      changed.push(...(JSON.parse(text) as { imdata: Array<Record<string, { attributes: { dn: string; status: string } }>> }).imdata);
    }
    return changed;
  }

  async function readBack(dn: string): Promise<unknown> {
    const res = await fetch(`${lab.url}/api/mo/${dn}.json?rsp-subtree=full`, { headers: { cookie } });
    expect(res.status).toBe(200);
    // modTs is the only attribute that moves on a no-op write; everything else must be stable.
    return JSON.parse(await res.text(), (k, v) => (k === 'modTs' ? undefined : v));
  }

  it('accepts every payload and creates every planned object', async () => {
    const changed = await applyAll();
    const r = validateSpecText(readFileSync(SPEC, 'utf8'));
    if (!r.ok) throw new Error('unreachable');
    const planned = buildPlan(r.resolved).aci.objects.map((o) => o.dn).sort();
    const created = changed.map((mo) => Object.values(mo)[0]!).filter((b) => b.attributes.status === 'created').map((b) => b.attributes.dn).sort();
    expect(created).toEqual(planned);
    const svi = (await readBack('uni/tn-calico_dev_v46/out-K8s_L3OUT/lnodep-node_profile_FL3out/lifp-int_profile_FL3out/vlifp-[topology/pod-1/node-101]-[vlan-12]')) as {
      imdata: Array<{ l3extVirtualLIfP: { attributes: Record<string, string> } }>;
    };
    expect(svi.imdata[0]?.l3extVirtualLIfP.attributes).toMatchObject({ addr: '192.168.35.201/24', encap: 'vlan-12', mtu: '9000' });
  });

  it('applying the same payloads again changes nothing', async () => {
    const before = await Promise.all(payloads.map((p) => readBack(p.dn)));
    const changed = await applyAll();
    const after = await Promise.all(payloads.map((p) => readBack(p.dn)));
    expect(after).toEqual(before);
    const statuses = changed.map((mo) => Object.values(mo)[0]!.attributes.status);
    expect(statuses.filter((s) => s === 'created' || s === 'deleted')).toEqual([]);
  });
});
