import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApicClient } from '../../lib/aci';
import { classQuery } from '../../lib/aci';
import type { LabFile } from '../../lib/lab/events';
import type { Lab } from '../../lib/lab';
import { validateSpecText, type SpecInput } from '../../provisioner/index';
import type { KubectlRunner } from '../support/kubectl';
import { akbCli, startLabFromDir, type LabFromDir } from './lab-dir-support';

/**
 * The `unpeered` scenario: a fabric ready for an L3Out and a Calico cluster with no BGP peering at all, and the
 * provision spec the lab writes for it, read the way a user would: over the wire with akb's APIC client and the real
 * kubectl, and with `akb plan` itself.
 */

let lab: Lab;
let dir: string;
let file: LabFile;
let apic: ApicClient;
let kubectl: KubectlRunner;

const attrs = (mo: Record<string, { attributes: Record<string, string> }> | undefined) => Object.values(mo ?? {})[0]?.attributes ?? {};

let env: LabFromDir;

beforeAll(async () => {
  env = await startLabFromDir('unpeered');
  ({ lab, dir, file, apic, kubectl } = env);
});

afterAll(async () => env?.stop());

describe('the unpeered scenario', () => {
  it('has a fabric ready for an L3Out: fabric AS, tenant, VRF, contract, physical domain with its VLAN pool, and no L3Out', async () => {
    expect(attrs(await apic.get('uni/fabric/bgpInstP-default/as'))['asn']).toBe('65002');
    expect(await apic.get('uni/tn-k8s/ctx-vrf1')).toBeDefined();
    expect(await apic.get('uni/tn-k8s/brc-k8s-any')).toBeDefined();
    const pool = attrs(await apic.get('uni/phys-k8s-phys/rsvlanNs'))['tDn']!;
    const blocks = await apic.query(classQuery('fvnsEncapBlk'));
    expect(blocks.map((b) => attrs(b)['dn']!).filter((dn) => dn.startsWith(`${pool}/`))).toHaveLength(1);
    expect(blocks.map(attrs).find((b) => b['dn']!.startsWith(pool))).toMatchObject({ from: 'vlan-12', to: 'vlan-111' });
    for (const cls of ['l3extOut', 'l3extVirtualLIfP', 'bgpPeerP', 'bgpPeer', 'bgpPeerEntry', 'uribv4Route'])
      expect(await apic.query(classQuery(cls)), cls).toEqual([]);
    const leaves = await apic.query(classQuery('fabricNode'));
    expect(
      leaves
        .map(attrs)
        .filter((n) => n['role'] === 'leaf')
        .map((n) => n['id']),
    ).toEqual(['101', '102', '103', '104']);
    expect(leaves.map(attrs).filter((n) => n['role'] === 'spine')).toHaveLength(2);
  });

  it('runs an existing Calico cluster (tigera-operator) of 3 masters and 3 workers in 2 racks, with no BGP peers', async () => {
    const nodes = JSON.parse(await kubectl('get', 'nodes', '-o', 'json')) as {
      items: Array<{
        metadata: { name: string; labels: Record<string, string> };
        status: { conditions: Array<{ type: string; status: string }> };
      }>;
    };
    expect(nodes.items).toHaveLength(6);
    expect(nodes.items.filter((n) => 'node-role.kubernetes.io/control-plane' in n.metadata.labels)).toHaveLength(3);
    expect(new Set(nodes.items.map((n) => n.metadata.labels['rack_id']))).toEqual(new Set(['1', '2']));
    expect(nodes.items.every((n) => n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'))).toBe(true);
    expect(await kubectl('get', 'daemonset', '-n', 'calico-system', 'calico-node', '-o', 'name')).toContain('calico-node');
    expect(await kubectl('get', 'installations.operator.tigera.io', 'default', '-o', 'name')).toContain('default');
    for (const kind of [
      'bgppeers.crd.projectcalico.org',
      'bgppeers.projectcalico.org',
      'bgpconfigurations.crd.projectcalico.org',
      'bgpconfigurations.projectcalico.org',
    ])
      expect(JSON.parse(await kubectl('get', kind, '-o', 'json')).items, kind).toEqual([]);
    const hosts = lab.world().scenario.hosts.map((h) => h.kind);
    expect(hosts).toContain('esxi');
    expect(hosts).toContain('baremetal');
  });

  it('has no sessions and no routes', () => {
    expect(lab.truth().sessions).toEqual([]);
    expect(lab.truth().routes).toEqual([]);
  });
});

describe('provision-spec.yaml', () => {
  it("is a valid aci-only spec of the lab whose secrets are references to the lab's own files and whose APIC trust is the lab's CA", async () => {
    expect(file.provisionSpecFile).toBe(join(dir, 'lab', 'provision-spec.yaml'));
    const text = await readFile(file.provisionSpecFile!, 'utf8');
    const result = validateSpecText(text);
    expect(result.ok ? [] : result.problems).toEqual([]);
    const spec = parseYaml(text) as SpecInput;
    expect(spec.mode).toBe('aci-only');
    expect(spec.fabric.apic).toEqual({
      urls: lab.apicConnection.urls,
      username: 'admin',
      credentials: `file:${file.apicPasswordFile}`,
      caFile: file.apicCaFile,
    });
    expect(await readFile(file.apicCaFile!, 'utf8')).toBe(lab.apicConnection.caPem);
    expect(spec.fabric.bgpPassword).toBe(`file:${file.bgpPasswordFile}`);
    expect(spec.cluster.kubeconfig).toBe(`file:${file.kubeconfig}`);
    for (const secret of [file.apicPasswordFile, file.bgpPasswordFile!, file.kubeconfig])
      expect((await stat(secret)).mode & 0o777).toBe(0o600);
    expect((await readFile(file.apicPasswordFile, 'utf8')).trim()).toBe(lab.apicConnection.password);
    // No secret value in the spec itself.
    expect(text).not.toContain(lab.apicConnection.password);
    expect(text).not.toContain('lab-bgp-secret');
    expect(spec.fabric.anchorLeaves.map((a) => [a.nodeId, a.rackId])).toEqual([
      [101, '1'],
      [102, '1'],
      [103, '2'],
      [104, '2'],
    ]);
    expect(spec.cluster.nodes!.map((n) => [n.name, n.ipv4, n.placement])).toEqual(
      lab.world().nodes.map((n) => [n.name, n.ip, { type: 'existing' }]),
    );
  });

  it('runs through akb plan with no editing', async () => {
    const out = join(dir, 'plan');
    const r = await akbCli(['plan', file.provisionSpecFile!, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(await readdir(join(out, 'kubernetes'))).toContain('10-cni.yaml');
    const payloads = JSON.parse(await readFile(join(out, 'aci/payloads.json'), 'utf8')) as Array<{ url: string }>;
    expect(payloads.map((p) => p.url)).toContain('/api/mo/uni/tn-k8s/out-K8s_L3OUT.json');
  });
});
