import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApicClient, classQuery } from '../../lib/aci';
import type { WireMo } from '../../lib/aci/mo';
import { labControlRequest, readLabControl } from '../../lib/lab/events';
import { startLab, type Lab } from '../../lib/lab';
import type { GroundTruth, SessionTruth } from '../../lib/lab/model';
import { kubectlFor, type KubectlRunner } from '../support/kubectl';

/**
 * Each single fault, made the way a user would make it (an APIC POST with akb's client, a kubectl patch, or the lab
 * event for what happens on the wire), leaves exactly the affected sessions down with a reason naming it; undoing it
 * brings them back. The lab runs the esxi scenario: 6 Calico nodes in 2 racks, anchors 101/102 (rack 1) and 103/104.
 */

let lab: Lab;
let apic: ApicClient;
let kubectl: KubectlRunner;
let dir: string;

const OUT = 'uni/tn-k8s/out-K8s_L3OUT/lnodep-node_profile_FL3out/lifp-int_profile_FL3out';
const vlifp = (leaf: number) => `${OUT}/vlifp-[topology/pod-1/node-${leaf}]-[vlan-12]`;
const peerP = (leaf: number) => `${vlifp(leaf)}/peerP-[192.168.35.0/24]`;
const RACK1 = ['master-1', 'worker-2', 'worker-4'];
const RACK2 = ['worker-1', 'worker-3', 'worker-5'];
const key = (s: Pick<SessionTruth, 'node' | 'peerIp'>) => `${s.node} ${s.peerIp}`;
const attrs = (mo: WireMo) => Object.values(mo)[0]!.attributes;

/** The control API's truth (with the lab directory's token), which is what tools outside the process see. */
async function truth(): Promise<GroundTruth> {
  const res = await labControlRequest(await readLabControl(join(dir, 'lab')), '/truth');
  if (res.status !== 200) throw new Error(`GET /truth: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as GroundTruth;
}

/** Waits (the twin recomputes on the next tick after a change on either server) until `check` holds. */
async function until(what: string, check: (t: GroundTruth) => boolean, timeoutMs = 5000): Promise<GroundTruth> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t = await truth();
    if (check(t)) return t;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(t.sessions.filter((s) => s.state !== 'established'))}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const allUp = (t: GroundTruth) => t.sessions.length === 12 && t.sessions.every((s) => s.state === 'established');

/**
 * Applies a fault, checks that exactly `affected` (node × peer address) went down in `state` with a reason matching
 * `detail`, that the leaves show that state without the reason, then undoes it and checks everything is back.
 */
async function fault(
  expected: {
    affected: string[];
    state: SessionTruth['state'];
    reason: SessionTruth['reason'];
    detail: RegExp;
    /** What the leaf shows: the entry in that state, or none (it never hears from a node it does not accept). */
    wire: 'state' | 'absent';
  },
  make: () => Promise<unknown>,
  undo: () => Promise<unknown>,
): Promise<GroundTruth> {
  await until('all sessions up before the fault', allUp);
  let t: GroundTruth;
  try {
    await make();
    t = await until('the fault to show', (x) => x.sessions.some((s) => s.state !== 'established'));
    const down = t.sessions.filter((s) => s.state !== 'established' && s.leaf !== null);
    expect(down.map(key).sort()).toEqual([...expected.affected].sort());
    for (const s of down) {
      expect(s.state).toBe(expected.state);
      expect(s.reason).toBe(expected.reason);
      expect(s.detail).toMatch(expected.detail);
    }
    // The leaves show the state as NX-OS would, and never the reason.
    const entries = (await apic.query(classQuery('bgpPeerEntry'))).map(attrs);
    for (const s of down) {
      const e = entries.find((x) => x['addr'] === s.nodeIp && x['dn']!.includes(`/node-${s.leaf}/`));
      expect(e?.['operSt'], key(s)).toBe(expected.wire === 'state' ? s.state : undefined);
    }
    const wire = JSON.stringify(entries);
    for (const s of down) expect(wire).not.toContain(s.detail);
  } finally {
    await undo();
  }
  await until('all sessions up after the fault is undone', allUp);
  return t;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'akb-twin-faults-'));
  lab = await startLab({ scenario: 'esxi', labDir: join(dir, 'lab'), apic: { http: true } });
  apic = new ApicClient({
    controllers: lab.apicConnection.urls,
    auth: { type: 'password', user: lab.apicConnection.user, password: lab.apicConnection.password },
  });
  kubectl = kubectlFor(join(dir, 'lab', 'kubeconfig'), join(dir, 'home'));
});

afterAll(async () => {
  await apic?.close();
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

const mergePatch = (kind: string, name: string, patch: unknown, ns?: string) =>
  kubectl(...(ns ? ['-n', ns] : []), 'patch', kind, name, '--type', 'merge', '-p', JSON.stringify(patch));

describe('each single fault leaves exactly the affected sessions down, with the reason naming it', () => {
  it('a wrong remote AS on the leaf', async () => {
    await fault(
      {
        affected: RACK1.map((n) => `${n} 192.168.35.201`),
        state: 'idle',
        reason: 'node-as-mismatch',
        wire: 'state',
        detail: /^leaf 101 expects AS 65004 from 192\.168\.35\.\d+, the node's BGPConfiguration default says 65003$/,
      },
      () => apic.post(`${peerP(101)}/as`, { bgpAsP: { attributes: { asn: '65004' } } }),
      () => apic.post(`${peerP(101)}/as`, { bgpAsP: { attributes: { asn: '65003' } } }),
    );
  });

  it('a wrong asNumber in a BGPPeer', async () => {
    await fault(
      {
        affected: RACK2.map((n) => `${n} 192.168.35.203`),
        state: 'idle',
        reason: 'fabric-as-mismatch',
        wire: 'state',
        detail: /^BGPPeer 103 expects AS 65099 from 192\.168\.35\.203, leaf 103 is in AS 65002$/,
      },
      () => mergePatch('bgppeers.crd.projectcalico.org', '103', { spec: { asNumber: 65099 } }),
      () => mergePatch('bgppeers.crd.projectcalico.org', '103', { spec: { asNumber: 65002 } }),
    );
  });

  it('a peer IP that is not the leaf’s address', async () => {
    const t = await fault(
      {
        affected: RACK1.map((n) => `${n} 192.168.35.202`),
        state: 'idle',
        reason: 'no-node-peer',
        wire: 'absent',
        detail: /^node \S+ has no BGP peer for 192\.168\.35\.202 \(leaf 102\)/,
      },
      () => mergePatch('bgppeers.crd.projectcalico.org', '102', { spec: { peerIP: '192.168.35.250' } }),
      () => mergePatch('bgppeers.crd.projectcalico.org', '102', { spec: { peerIP: '192.168.35.202' } }),
    );
    // The nodes try the wrong address, which no leaf holds: nothing shows on the fabric for it.
    const stray = t.sessions.filter((s) => s.leaf === null);
    expect(stray.map(key).sort()).toEqual(RACK1.map((n) => `${n} 192.168.35.250`).sort());
    expect(stray.every((s) => s.state === 'active' && /^no leaf has address 192\.168\.35\.250: BGPPeer 102/.test(s.detail))).toBe(true);
  });

  it('a password on one side only', async () => {
    await fault(
      {
        affected: RACK2.map((n) => `${n} 192.168.35.204`),
        state: 'active',
        reason: 'password-mismatch',
        wire: 'state',
        detail: /^TCP-MD5 mismatch between leaf 104 and 192\.168\.35\.\d+: BGPPeer 104 sets a password, leaf 104's bgpPeerP sets none$/,
      },
      () => apic.post(peerP(104), { bgpPeerP: { attributes: { password: '' } } }),
      () => apic.post(peerP(104), { bgpPeerP: { attributes: { password: 'lab-bgp-secret' } } }),
    );
  });

  it('different passwords on both sides', async () => {
    await fault(
      {
        affected: RACK1.map((n) => `${n} 192.168.35.201`),
        state: 'active',
        reason: 'password-mismatch',
        wire: 'state',
        detail: /leaf 101's bgpPeerP and BGPPeer 101 set different passwords$/,
      },
      () => mergePatch('secret', 'bgp-secrets', { stringData: { 'rack-1-192-168-35-201': 'not-the-fabric-one' } }, 'kube-system'),
      () => mergePatch('secret', 'bgp-secrets', { stringData: { 'rack-1-192-168-35-201': 'lab-bgp-secret' } }, 'kube-system'),
    );
  });

  it('a node address outside the floating subnet', async () => {
    await fault(
      {
        affected: ['worker-2 192.168.35.201', 'worker-2 192.168.35.202'],
        state: 'idle',
        reason: 'outside-subnet',
        wire: 'absent',
        detail: /^node worker-2's address 192\.168\.36\.3 is outside leaf 10[12]'s floating SVI subnet 192\.168\.35\.0\/24$/,
      },
      () => lab.event({ kind: 'set-node-network', node: 'worker-2', ip: '192.168.36.3' }),
      () => lab.event({ kind: 'set-node-network', node: 'worker-2', ip: '192.168.35.3' }),
    );
  });

  it('a VLAN mismatch', async () => {
    await fault(
      {
        affected: ['worker-3 192.168.35.203', 'worker-3 192.168.35.204'],
        state: 'idle',
        reason: 'vlan-mismatch',
        wire: 'state',
        detail: /^leaf 10[34]'s floating SVI is on VLAN 12, node worker-3 is on VLAN 13$/,
      },
      () => lab.event({ kind: 'set-node-network', node: 'worker-3', vlan: 13 }),
      () => lab.event({ kind: 'set-node-network', node: 'worker-3', vlan: 12 }),
    );
  });

  it('a node NotReady', async () => {
    await fault(
      {
        affected: ['worker-5 192.168.35.203', 'worker-5 192.168.35.204'],
        state: 'idle',
        reason: 'node-not-ready',
        detail: /^node worker-5 is NotReady$/,
        wire: 'state',
      },
      async () => {
        await lab.event({ kind: 'fail-node', node: 'worker-5' });
        // The Node object says so too: the twin read it from the Kubernetes API.
        expect(await kubectl('get', 'node', 'worker-5', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')).toBe('Unknown');
      },
      () => lab.event({ kind: 'recover-node', node: 'worker-5' }),
    );
  });

  it('a BGPPeer whose selector matches no node', async () => {
    await fault(
      {
        affected: RACK1.map((n) => `${n} 192.168.35.201`),
        state: 'idle',
        reason: 'no-node-peer',
        wire: 'absent',
        detail: /has no BGP peer for 192\.168\.35\.201 \(leaf 101\): BGPPeer 101's nodeSelector "rack_id == "9"" selects no node$/,
      },
      () => mergePatch('bgppeers.crd.projectcalico.org', '101', { spec: { nodeSelector: 'rack_id == "9"' } }),
      () => mergePatch('bgppeers.crd.projectcalico.org', '101', { spec: { nodeSelector: 'rack_id == "1"' } }),
    );
  });
});

describe('routes follow maxEcmp', () => {
  it('lowering maxEcmp from 16 to 2 leaves 2 installed paths per prefix, and raising it restores them', async () => {
    const policy = 'uni/tn-k8s/bgpCtxAfP-K8s_L3OUT';
    const before = (await until('all up', allUp)).routes;
    const wide = before.filter((r) => r.candidates > 2);
    expect(wide.length).toBeGreaterThan(0);
    expect(wide.every((r) => r.nextHops.length === r.candidates)).toBe(true);
    await apic.post(policy, { bgpCtxAfPol: { attributes: { maxEcmp: '2', maxEcmpIbgp: '2' } } });
    const t = await until('maxEcmp 2', (x) => x.routes.every((r) => r.nextHops.length <= 2));
    expect(t.routes.map((r) => r.nextHops.length)).toEqual(t.routes.map((r) => Math.min(2, r.candidates)));
    // On the wire, every installed route of every leaf has at most 2 next hops, and the wide ones exactly 2.
    const hops = (await apic.query(classQuery('uribv4Nexthop'))).map(attrs);
    const perRoute = new Map<string, number>();
    for (const h of hops) {
      const route = h['dn']!.slice(0, h['dn']!.indexOf('/nh-'));
      perRoute.set(route, (perRoute.get(route) ?? 0) + 1);
    }
    expect(Math.max(...perRoute.values())).toBe(2);
    await apic.post(policy, { bgpCtxAfPol: { attributes: { maxEcmp: '16', maxEcmpIbgp: '16' } } });
    const back = await until('maxEcmp 16', (x) => x.routes.some((r) => r.nextHops.length > 2));
    expect(back.routes.map((r) => `${r.leaf} ${r.prefix} ${r.nextHops.length}`).sort()).toEqual(
      before.map((r) => `${r.leaf} ${r.prefix} ${r.nextHops.length}`).sort(),
    );
  });
});
