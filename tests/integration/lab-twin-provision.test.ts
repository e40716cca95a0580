import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApicClient } from '../../lib/aci';
import { classQuery } from '../../lib/aci';
import type { WireMo } from '../../lib/aci/mo';
import type { LabFile } from '../../lib/lab/events';
import type { Lab } from '../../lib/lab';
import { fillSecrets, type AciPayload } from '../../provisioner/index';
import type { KubectlRunner } from '../support/kubectl';
import { akbCli, startLabFromDir, type LabFromDir } from './lab-dir-support';

/**
 * The twin's promise on `unpeered`: the plan akb writes from the lab's own provision spec, POSTed to the lab APIC
 * and applied to the lab cluster with the real `kubectl apply --server-side`, brings every session the design
 * expects (each node with the two anchors of its rack) to established within seconds, and installs the routes.
 */

let lab: Lab;
let dir: string;
let file: LabFile;
let apic: ApicClient;
let kubectl: KubectlRunner;

const attrs = (mo: WireMo) => Object.values(mo)[0]!.attributes;

let env: LabFromDir;

beforeAll(async () => {
  env = await startLabFromDir('unpeered');
  ({ lab, dir, file, apic, kubectl } = env);
});

afterAll(async () => env?.stop());

describe('unpeered, provisioned with the plan of its own provision spec', () => {
  it('brings every expected session to established within seconds and installs the routes', async () => {
    expect(lab.truth().sessions).toEqual([]);
    const out = join(dir, 'plan');
    const plan = await akbCli(['plan', file.provisionSpecFile!, '--out', out]);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    // The applier fills the placeholders in memory from the spec's secret references; so does this test.
    const secrets = { 'bgp-password': (await readFile(file.bgpPasswordFile!, 'utf8')).trim() };

    const started = Date.now();
    const payloads = JSON.parse(await readFile(join(out, 'aci/payloads.json'), 'utf8')) as AciPayload[];
    for (const p of payloads) await apic.post(p.dn, JSON.parse(fillSecrets(JSON.stringify(p.body), secrets)) as WireMo);
    // The fabric side alone peers with nobody: the nodes have no BGP peers yet, so every expected session waits.
    await new Promise((r) => setTimeout(r, 50));
    const halfway = lab.truth().sessions;
    expect(halfway).toHaveLength(12);
    expect(halfway.every((s) => s.state === 'idle' && s.reason === 'no-node-peer')).toBe(true);

    const cni = join(dir, '10-cni.yaml');
    await writeFile(cni, fillSecrets(await readFile(join(out, 'kubernetes/10-cni.yaml'), 'utf8'), secrets), { mode: 0o600 });
    await kubectl('apply', '--server-side', '-f', cni);

    let sessions = lab.truth().sessions;
    while (!(sessions.length === 12 && sessions.every((s) => s.state === 'established')) && Date.now() - started < 10_000) {
      await new Promise((r) => setTimeout(r, 25));
      sessions = lab.truth().sessions;
    }
    expect(sessions.filter((s) => s.state !== 'established')).toEqual([]);
    expect(Date.now() - started).toBeLessThan(10_000);
    // Each node with the two anchors of its rack.
    const racks = new Map(lab.world().nodes.map((n) => [n.name, n.rack]));
    for (const s of sessions) expect(s.leaf! <= 102 ? 1 : 2, `${s.node} leaf ${s.leaf}`).toBe(racks.get(s.node));

    // The leaves show them, and their routes: each anchor reaches the pod block of every node of its rack directly.
    const entries = (await apic.query(classQuery('bgpPeerEntry'))).map(attrs);
    expect(entries.filter((e) => e['operSt'] === 'established')).toHaveLength(12);
    const hops = (await apic.query(classQuery('uribv4Nexthop'))).map(attrs);
    for (const node of lab.world().nodes) {
      const anchors = node.rack === 1 ? [101, 102] : [103, 104];
      for (const leaf of anchors) {
        const direct = hops.find(
          (h) => h['dn']!.includes(`/node-${leaf}/`) && h['dn']!.includes(`/rt-[${node.podCidr}]/`) && h['addr'] === `${node.ip}/32`,
        );
        expect(direct, `leaf ${leaf} → ${node.podCidr} via ${node.ip}`).toBeDefined();
      }
    }
    // The plan's BGPConfiguration advertises the service and external subnets from every node (Calico aggregates).
    const svc = lab.truth().routes.find((r) => r.leaf === 101 && r.prefix === '10.96.0.0/16');
    expect(svc?.nextHops.map((h) => h.node).sort()).toEqual(['master-1', 'master-3', 'worker-2']);
  });
});
