import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { ClusterSource, listClusterResources, loadKubeConfig } from '../../lib/k8s';
import { adminKubeconfig } from '../../provisioner/bootstrap/index';
import { MachineError } from '../../provisioner/providers/machines';
import { kubectlFor, type KubectlRunner } from '../support/kubectl';
import { startMachinesLab, type MachinesLab } from './machines-lab-support';

/**
 * The node mimic building a cluster from akb's own artefacts, driven by akb's SSH provider through the lab's SSH
 * host twins and gateway proxy, then read with the real kubectl and the kubeconfig akb mints (proxy-url to the
 * gateway, server the VIP, certificates from akb's CA).
 */
let lab: MachinesLab;
let dir: string;
let kubectl: KubectlRunner;

beforeAll(async () => {
  lab = await startMachinesLab();
  dir = await mkdtemp(join(tmpdir(), 'akb-mimic-'));
  // The first master first (kubeadm init), then the others, as the engine orders them.
  for (const n of ['nkt-master-1', 'nkt-master-2', 'nkt-master-3', 'nkt-worker-1']) await lab.bootstrap(n);
  await writeFile(join(dir, 'kubeconfig'), adminKubeconfig(lab.r, lab.secrets, { proxyUrl: lab.proxy.socksUrl }), { mode: 0o600 });
  kubectl = kubectlFor(join(dir, 'kubeconfig'), dir);
}, 120_000);

afterAll(async () => {
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

interface NodeList {
  items: Array<{
    metadata: { name: string; labels: Record<string, string> };
    status: { conditions: Array<{ type: string; status: string; reason: string }>; addresses: Array<{ type: string; address: string }> };
  }>;
}
const ready = (n: NodeList['items'][number]) => n.status.conditions.find((c) => c.type === 'Ready');

// Clusters are built and joined in these tests: generous timeouts for a loaded machine.
vi.setConfig({ testTimeout: 120_000 });

describe('a cluster built by the node mimic from akb’s artefacts', () => {
  it('the real kubectl, with akb’s kubeconfig through the SOCKS5 gateway to the VIP, lists 3 masters and the worker', async () => {
    const nodes = JSON.parse(await kubectl('get', 'nodes', '-o', 'json')) as NodeList;
    expect(nodes.items.map((n) => n.metadata.name).sort()).toEqual(['nkt-master-1', 'nkt-master-2', 'nkt-master-3', 'nkt-worker-1']);
    expect(
      nodes.items
        .filter((n) => 'node-role.kubernetes.io/control-plane' in n.metadata.labels)
        .map((n) => n.metadata.name)
        .sort(),
    ).toEqual(['nkt-master-1', 'nkt-master-2', 'nkt-master-3']);
    const w = nodes.items.find((n) => n.metadata.name === 'nkt-worker-1')!;
    expect(w.status.addresses).toContainEqual({ type: 'InternalIP', address: '192.168.35.4' });
    expect(w.status.addresses).toContainEqual({ type: 'InternalIP', address: '2001:db8:35::4' });
    // No CNI yet: NotReady, as the kubelet reports it on a fresh kubeadm cluster.
    expect(nodes.items.map((n) => ready(n)?.reason)).toEqual(['KubeletNotReady', 'KubeletNotReady', 'KubeletNotReady', 'KubeletNotReady']);
  });

  it('HAProxy, keepalived and the control plane run as static pods on every master', async () => {
    const pods = JSON.parse(await kubectl('get', 'pods', '-n', 'kube-system', '-o', 'json')) as {
      items: Array<{ metadata: { name: string; annotations?: Record<string, string> }; spec: { nodeName: string } }>;
    };
    const mirror = pods.items.filter((p) => p.metadata.annotations?.['kubernetes.io/config.mirror']).map((p) => p.metadata.name);
    for (const m of ['nkt-master-1', 'nkt-master-2', 'nkt-master-3'])
      for (const c of ['haproxy', 'keepalived']) expect(mirror, `${c}-${m}`).toContain(`${c}-${m}`);
    for (const c of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) expect(mirror).toContain(`${c}-nkt-master-1`);
    expect(mirror.some((n) => n.endsWith('-nkt-worker-1'))).toBe(false);
  });

  it('nodes become Ready once a CNI runs, and get their pod CIDRs from the pod subnet', async () => {
    const ds = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'calico-node', namespace: 'kube-system' },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'calico-node' } },
        template: {
          metadata: { labels: { 'k8s-app': 'calico-node' } },
          spec: { hostNetwork: true, containers: [{ name: 'calico-node', image: 'calico/node' }], tolerations: [{ operator: 'Exists' }] },
        },
      },
    };
    await writeFile(join(dir, 'cni.yaml'), stringify(ds));
    await kubectl('apply', '--server-side', '-f', join(dir, 'cni.yaml'));
    await expect
      .poll(async () => (JSON.parse(await kubectl('get', 'nodes', '-o', 'json')) as NodeList).items.map((n) => ready(n)?.status), {
        timeout: 10_000,
      })
      .toEqual(['True', 'True', 'True', 'True']);
    const cidrs = (JSON.parse(await kubectl('get', 'nodes', '-o', 'json')) as { items: Array<{ spec: { podCIDRs: string[] } }> }).items.map(
      (n) => n.spec.podCIDRs,
    );
    for (const c of cidrs)
      expect(c).toEqual([expect.stringMatching(/^192\.168\.36\.\d+\/28$/), expect.stringMatching(/^2001:db8:35:1[0-9a-f]{2}:.*\/122$/)]);
  });

  it('the VIP and each master serve certificates from akb’s CA; a client trusting another CA fails its TLS check', async () => {
    const kc = parse(adminKubeconfig(lab.r, lab.secrets, { proxyUrl: lab.proxy.httpUrl })) as {
      clusters: Array<{ cluster: Record<string, string> }>;
    };
    // Straight to master-2's API server (6443) through the HTTP CONNECT gateway.
    kc.clusters[0]!.cluster.server = 'https://192.168.35.2:6443';
    await writeFile(join(dir, 'm2.kubeconfig'), stringify(kc), { mode: 0o600 });
    const m2 = kubectlFor(join(dir, 'm2.kubeconfig'), dir);
    expect(await m2('get', 'nodes', '-o', 'name')).toContain('node/nkt-master-2');
    const other = await startMachinesLab();
    try {
      await writeFile(join(dir, 'wrong-ca.kubeconfig'), adminKubeconfig(lab.r, other.secrets, { proxyUrl: lab.proxy.socksUrl }), {
        mode: 0o600,
      });
      await expect(kubectlFor(join(dir, 'wrong-ca.kubeconfig'), dir)('get', 'nodes')).rejects.toThrow(
        /x509: certificate signed by unknown authority/,
      );
    } finally {
      await other.stop();
    }
  });

  it.each(['socks', 'http'] as const)(
    'akb’s own Kubernetes client lists and watches the new cluster through the %s gateway (proxy-url)',
    async (kind) => {
      const file = join(dir, `akb-${kind}.kubeconfig`);
      await writeFile(file, adminKubeconfig(lab.r, lab.secrets, { proxyUrl: kind === 'socks' ? lab.proxy.socksUrl : lab.proxy.httpUrl }), {
        mode: 0o600,
      });
      const kc = loadKubeConfig({ path: file });
      const listing = await listClusterResources(kc);
      expect((listing.k8s.nodes ?? []).map((n) => n.metadata.name).sort()).toEqual([
        'nkt-master-1',
        'nkt-master-2',
        'nkt-master-3',
        'nkt-worker-1',
      ]);
      const source = new ClusterSource({ kubeConfig: kc, resyncIntervalMs: 0 });
      try {
        void source.start();
        await expect.poll(() => source.status().state, { timeout: 20_000 }).toBe('synced');
        await kubectl('label', 'node', 'nkt-worker-1', `seen-through=${kind}`, '--overwrite');
        await expect
          .poll(() => (source.snapshot().nodes ?? []).find((n) => n.metadata.name === 'nkt-worker-1')?.metadata.labels?.['seen-through'], {
            timeout: 20_000,
          })
          .toBe(kind);
      } finally {
        source.stop();
      }
    },
  );

  it('a second run of every node changes nothing: phases are skipped, no node is added twice', async () => {
    const before = lab.twins.get('nkt-master-1')!.commands.length;
    for (const n of ['nkt-master-1', 'nkt-worker-1']) await lab.bootstrap(n);
    const cmds = lab.twins.get('nkt-master-1')!.commands.slice(before);
    expect(cmds.every((c) => c.endsWith(' status; fi'))).toBe(true);
    expect(JSON.parse(await kubectl('get', 'nodes', '-o', 'json')).items).toHaveLength(4);
  });
});

describe('broken artefacts are refused as kubeadm would refuse them', () => {
  const edited = (node: string, edit: (kubeadmYaml: string) => string) => {
    const boot = lab.boot(node);
    const f = boot.files.find((x) => x.path === '/etc/akb/kubeadm.yaml')!;
    f.content = edit(f.content);
    return boot;
  };
  const failure = (p: Promise<void>) =>
    p.then(
      () => 'joined',
      (e: unknown) => e,
    );

  it('a wrong CA hash: discovery finds the CA not pinned; the job error names the node, the phase and kubeadm’s reason', async () => {
    await lab.addWorker('nkt-worker-2', '192.168.35.5', '2001:db8:35::5');
    const boot = edited('nkt-worker-2', (y) => y.replace(/sha256:[0-9a-f]{64}/, `sha256:${'0'.repeat(64)}`));
    const err = await failure(lab.bootstrap('nkt-worker-2', boot));
    expect(err).toBeInstanceOf(MachineError);
    expect(err).toMatchObject({ node: 'nkt-worker-2', phase: 'kubeadm' });
    expect((err as Error).message).toMatch(
      /cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "sha256:[0-9a-f]{64}" are pinned/,
    );
    expect(JSON.parse(await kubectl('get', 'nodes', '-o', 'json')).items).toHaveLength(4);
  });

  it('an expired token: the bootstrap signer has withdrawn its signature, so discovery refuses it', async () => {
    const id = lab.secrets.token.split('.')[0]!;
    const past = Buffer.from('2020-01-01T00:00:00Z').toString('base64');
    await kubectl(
      'patch',
      'secret',
      '-n',
      'kube-system',
      `bootstrap-token-${id}`,
      '--type=merge',
      '-p',
      JSON.stringify({ data: { expiration: past } }),
    );
    try {
      await lab.addWorker('nkt-worker-3', '192.168.35.6', '2001:db8:35::6');
      const err = await failure(lab.bootstrap('nkt-worker-3'));
      expect(err).toMatchObject({ node: 'nkt-worker-3', phase: 'kubeadm' });
      expect((err as Error).message).toContain(`could not find a JWS signature in the cluster-info ConfigMap for token ID "${id}"`);
    } finally {
      const future = Buffer.from(new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z')).toString('base64');
      await kubectl(
        'patch',
        'secret',
        '-n',
        'kube-system',
        `bootstrap-token-${id}`,
        '--type=merge',
        '-p',
        JSON.stringify({ data: { expiration: future } }),
      );
    }
    // The same worker joins once the token is valid again (the run resumes at the kubeadm phase).
    await lab.bootstrap('nkt-worker-3');
    expect(
      JSON.parse(await kubectl('get', 'nodes', '-o', 'json')).items.map((n: { metadata: { name: string } }) => n.metadata.name),
    ).toContain('nkt-worker-3');
  });

  it('a malformed token is refused by kubeadm config validate before anything is contacted', async () => {
    const boot = edited('nkt-worker-2', (y) => y.replace(/token: "[a-z0-9]{6}\.[a-z0-9]{16}"/, 'token: "NOT-A-TOKEN"'));
    const err = await failure(lab.bootstrap('nkt-worker-2', boot));
    expect((err as Error).message).toContain('was not of the form "\\A([a-z0-9]{6})\\.([a-z0-9]{16})\\z"');
    expect((err as Error).message).not.toContain('NOT-A-TOKEN'.slice(4));
  });

  it('a wrong certificate key: a master released and joining again cannot decrypt kubeadm-certs', async () => {
    const m3 = lab.ref('nkt-master-3');
    expect(await lab.provider.destroy(m3, lab.context())).toEqual({ node: 'nkt-master-3', done: true });
    await expect.poll(async () => (await kubectl('get', 'nodes', '-o', 'name')).includes('nkt-master-3')).toBe(false);
    const boot = edited('nkt-master-3', (y) => y.replace(/certificateKey: "[0-9a-f]{64}"/, `certificateKey: "${'a'.repeat(64)}"`));
    const err = await failure(lab.bootstrap('nkt-master-3', boot));
    expect(err).toMatchObject({ node: 'nkt-master-3', phase: 'kubeadm' });
    expect((err as Error).message).toContain(
      'error downloading certs: error decoding secret data with provided key: cipher: message authentication failed',
    );
    await lab.bootstrap('nkt-master-3');
    expect(await kubectl('get', 'nodes', '-o', 'name')).toContain('node/nkt-master-3');
  });
});

describe('a serving certificate without the VIP among its SANs', () => {
  let broken: MachinesLab;
  beforeAll(async () => {
    broken = await startMachinesLab();
  }, 60_000);
  afterAll(async () => {
    await broken?.stop();
  });

  it('fails the TLS check of a node joining through the VIP, and of the real kubectl with akb’s kubeconfig', async () => {
    // The first master's configuration as if written for another endpoint: its own address, no VIP in certSANs.
    const boot = broken.boot('nkt-master-1');
    const f = boot.files.find((x) => x.path === '/etc/akb/kubeadm.yaml')!;
    f.content = f.content
      .replace('controlPlaneEndpoint: 192.168.35.252:8443', 'controlPlaneEndpoint: 192.168.35.1:6443')
      .replace(/\n\s+- "?192\.168\.35\.252"?/, '');
    expect(f.content).not.toContain('192.168.35.252');
    await broken.bootstrap('nkt-master-1', boot);

    const err = await broken.bootstrap('nkt-worker-1').then(
      () => 'joined',
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ node: 'nkt-worker-1', phase: 'kubeadm' });
    expect((err as Error).message).toMatch(/x509: certificate is valid for .*192\.168\.35\.1.*, not 192\.168\.35\.252/);

    const file = join(dir, 'broken.kubeconfig');
    await writeFile(file, adminKubeconfig(broken.r, broken.secrets, { proxyUrl: broken.proxy.socksUrl }), { mode: 0o600 });
    await expect(kubectlFor(file, dir)('get', 'nodes')).rejects.toThrow(/x509: certificate is valid for .*, not 192\.168\.35\.252/);
  });
});
