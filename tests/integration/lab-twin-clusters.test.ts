import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeStore } from '../../lib/lab/k8s';
import { startLab, type Lab } from '../../lib/lab';
import type { SessionTruth } from '../../lib/lab/model';
import { annotatedWire, HOST_ANNOTATION } from '../../lib/lab/twin';
import { kubectlFor } from '../support/kubectl';

/**
 * The twin follows whatever configuration the clusters hold, whichever cluster it is: a cluster whose API server
 * appears after the lab started, Cilium's v2alpha1 API, and the lab's own events, which reach it as the
 * configuration or link change a real fabric would see.
 */

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const established = (sessions: readonly SessionTruth[], node: string) =>
  sessions.filter((s) => s.node === node && s.state === 'established');

describe('a cluster that appears later', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ scenario: 'esxi' });
  });
  afterAll(async () => lab?.stop());

  it('peers as soon as its store is handed to the twin, with its own config and wire, and stops when removed', async () => {
    const store = new KubeStore();
    store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'calico-system' } });
    store.create({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'calico-node', namespace: 'calico-system' },
      spec: { selector: {}, template: { spec: { containers: [{ name: 'calico-node' }] } } },
    });
    store.create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'new-1', labels: { 'akb.io/rack': '1' }, annotations: { [HOST_ANNOTATION]: 'esxi-1.lab.local' } },
      spec: { podCIDR: '10.250.0.0/26' },
      status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '192.168.35.77' }] },
    });
    store.create({
      apiVersion: 'crd.projectcalico.org/v1',
      kind: 'BGPConfiguration',
      metadata: { name: 'default' },
      spec: { asNumber: 65003 },
    });
    store.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'pw', namespace: 'calico-system' },
      stringData: { p: 'lab-bgp-secret' },
    } as never);
    for (const [name, ip] of [
      ['a', '192.168.35.201'],
      ['b', '192.168.35.202'],
    ] as const)
      store.create({
        apiVersion: 'crd.projectcalico.org/v1',
        kind: 'BGPPeer',
        metadata: { name },
        spec: { peerIP: ip, asNumber: 65002, nodeSelector: "akb.io/rack == '1'", password: { secretKeyRef: { name: 'pw', key: 'p' } } },
      });

    const seen: Array<readonly SessionTruth[]> = [];
    const unlisten = lab.twin.onSessions((_prev, next) => seen.push(next));
    const remove = lab.twin.addCluster({
      name: 'second',
      store,
      wire: annotatedWire(store, () => lab.world().scenario),
      services: () => [],
    });
    const up = await until('new-1 established', () => {
      const s = established(lab.truth().sessions, 'new-1');
      return s.length === 2 ? s : undefined;
    });
    expect(up.map((s) => s.leaf).sort()).toEqual([101, 102]);
    expect(seen.some((next) => established(next, 'new-1').length === 2)).toBe(true);
    // Its pod block is installed on the anchors it peers with, next to the lab's own cluster, which is untouched.
    expect(
      lab
        .truth()
        .routes.find((r) => r.leaf === 101 && r.prefix === '10.250.0.0/26')
        ?.nextHops.map((h) => h.addr),
    ).toEqual(['192.168.35.77']);
    expect(
      lab
        .truth()
        .sessions.filter((s) => s.node !== 'new-1')
        .every((s) => s.state === 'established'),
    ).toBe(true);

    // Its own configuration drives it: a wrong AS in its BGPConfiguration drops only its sessions.
    store.patch('bgpconfigurations', 'default', { spec: { asNumber: 65009 } }, 'application/merge-patch+json');
    await until('new-1 down', () => (established(lab.truth().sessions, 'new-1').length === 0 ? true : undefined));
    expect(
      lab
        .truth()
        .sessions.filter((s) => s.node === 'new-1')
        .map((s) => s.reason),
    ).toEqual(['node-as-mismatch', 'node-as-mismatch']);

    remove();
    await until('new-1 gone', () => (lab.truth().sessions.some((s) => s.node === 'new-1') ? undefined : true));
    expect(lab.truth().routes.some((r) => r.prefix === '10.250.0.0/26')).toBe(false);
    unlisten();
  });
});

describe('Cilium v2alpha1', () => {
  let lab: Lab;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'akb-twin-cilium-'));
    lab = await startLab({ scenario: 'cilium', labDir: join(dir, 'lab') });
  });
  afterAll(async () => {
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('peers from CiliumBGPClusterConfig/CiliumBGPPeerConfig applied as cilium.io/v2alpha1 with kubectl', async () => {
    const kubectl = kubectlFor(join(dir, 'lab', 'kubeconfig'), join(dir, 'home'));
    expect(lab.truth().sessions.every((s) => s.state === 'established')).toBe(true);
    // Take rack 2's cluster config away: its nodes no longer peer.
    await kubectl('delete', 'ciliumbgpclusterconfigs.cilium.io', 'rack-2');
    await until('rack 2 down', () => (established(lab.truth().sessions, 'worker-1').length === 0 ? true : undefined));
    const file = join(dir, 'rack-2.yaml');
    await writeFile(
      file,
      [
        'apiVersion: cilium.io/v2alpha1',
        'kind: CiliumBGPClusterConfig',
        'metadata: { name: rack-2-v2alpha1 }',
        'spec:',
        '  nodeSelector: { matchLabels: { rack_id: "2" } }',
        '  bgpInstances:',
        '    - name: instance-65003',
        '      localASN: 65003',
        '      peers:',
        '        - { name: leaf-103, peerAddress: 192.168.35.203, peerASN: 65002, peerConfigRef: { name: fabric-v2alpha1 } }',
        '        - { name: leaf-104, peerAddress: 192.168.35.204, peerASN: 65002, peerConfigRef: { name: fabric-v2alpha1 } }',
        '---',
        'apiVersion: cilium.io/v2alpha1',
        'kind: CiliumBGPPeerConfig',
        'metadata: { name: fabric-v2alpha1 }',
        'spec:',
        '  families: [{ afi: ipv4, safi: unicast, advertisements: { matchLabels: { advertise: bgp } } }]',
        '',
      ].join('\n'),
    );
    await kubectl('apply', '--server-side', '-f', file);
    await until('rack 2 up again', () => (lab.truth().sessions.every((s) => s.state === 'established') ? true : undefined));
    expect(
      established(lab.truth().sessions, 'worker-1')
        .map((s) => s.leaf)
        .sort(),
    ).toEqual([103, 104]);
  });
});

describe('lab events reach the twin as the configuration or link changes a fabric would see', () => {
  let lab: Lab;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'akb-twin-events-'));
    lab = await startLab({ scenario: 'demo', labDir: join(dir, 'lab') });
  });
  afterAll(async () => {
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('misconfigure-session edits the rack’s BGPPeers in the Kubernetes API; the sessions follow from that edit', async () => {
    const kubectl = kubectlFor(join(dir, 'lab', 'kubeconfig'), join(dir, 'home'));
    await lab.event({ kind: 'misconfigure-session', rack: 2, what: 'as', as: 65077 });
    const peers = JSON.parse(await kubectl('get', 'bgppeers.crd.projectcalico.org', '-o', 'json')) as {
      items: Array<{ metadata: { name: string }; spec: { asNumber: number; nodeSelector: string } }>;
    };
    expect(peers.items.filter((p) => p.spec.nodeSelector === 'rack_id == "2"').every((p) => p.spec.asNumber === 65077)).toBe(true);
    const down = lab.truth().sessions.filter((s) => s.state !== 'established');
    expect(down.length).toBeGreaterThan(0);
    expect(down.every((s) => s.reason === 'fabric-as-mismatch' && s.detail.includes('expects AS 65077'))).toBe(true);
    // Putting the objects right by hand is enough: the lab does not need its own fix event.
    for (const p of peers.items.filter((x) => x.spec.asNumber === 65077))
      await kubectl('patch', 'bgppeers.crd.projectcalico.org', p.metadata.name, '--type', 'merge', '-p', '{"spec":{"asNumber":65002}}');
    await until('all up', () => (lab.truth().sessions.every((s) => s.state === 'established') ? true : undefined));
  });

  it('session-down cuts BGP on the wire between one leaf and one node, and nothing else', async () => {
    await lab.event({ kind: 'session-down', leaf: 101, node: 'worker-1' });
    const down = lab.truth().sessions.filter((s) => s.state !== 'established');
    expect(down.map((s) => [s.node, s.leaf, s.state, s.reason])).toEqual([['worker-1', 101, 'idle', 'admin-down']]);
    await lab.event({ kind: 'session-up', leaf: 101, node: 'worker-1' });
    expect(lab.truth().sessions.every((s) => s.state === 'established')).toBe(true);
  });

  it('fail-node makes the Node NotReady in the API, and the twin reads that', async () => {
    await lab.event({ kind: 'fail-node', node: 'worker-2' });
    expect(lab.k8s.store.get('nodes', 'worker-2').status).toMatchObject({
      conditions: [expect.objectContaining({ type: 'Ready', status: 'Unknown' })],
    });
    const down = lab.truth().sessions.filter((s) => s.state !== 'established');
    expect(new Set(down.map((s) => s.node))).toEqual(new Set(['worker-2']));
    expect(down.every((s) => s.reason === 'node-not-ready')).toBe(true);
    await lab.event({ kind: 'recover-node', node: 'worker-2' });
    expect(lab.truth().sessions.every((s) => s.state === 'established')).toBe(true);
  });
});
