import { parseAllDocuments, parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { AKB_SECRETS } from './akb';
import { buildPlan } from './index';
import { planFiles } from '../output/files';
import { resolvedOf, workedExampleDoc } from '../test-support/fixtures';

type Loose = ReturnType<typeof workedExampleDoc> & { [k: string]: unknown };

function variant(edit: (d: Loose & { fabric: Record<string, never>; cluster: Record<string, unknown> }) => void) {
  const doc = workedExampleDoc() as Loose & { fabric: Record<string, never>; cluster: Record<string, unknown> };
  edit(doc);
  return buildPlan(resolvedOf(doc));
}

/** Every YAML file of a plan, parsed; each document must be a Kubernetes object. */
function kubeDocs(
  files: Map<string, string>,
): Array<{ apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown }> {
  const out = [];
  for (const [path, text] of files) {
    if (!path.startsWith('kubernetes/') || path.endsWith('-values.yaml')) continue;
    for (const d of parseAllDocuments(text)) {
      expect(d.errors, path).toEqual([]);
      out.push(d.toJSON());
    }
  }
  return out;
}

function expectKubeObjects(docs: ReturnType<typeof kubeDocs>): void {
  expect(docs.length).toBeGreaterThan(0);
  for (const d of docs) {
    expect(typeof d.apiVersion).toBe('string');
    expect(typeof d.kind).toBe('string');
    expect(typeof d.metadata?.name).toBe('string');
  }
}

describe('Kubernetes manifests and node data', () => {
  it('Calico: BGP config, pools, one peer per rack anchor and family, password by reference', () => {
    const plan = variant(() => {});
    const docs = kubeDocs(planFiles(plan));
    expectKubeObjects(docs);
    const bgp = docs.find((d) => d.kind === 'BGPConfiguration') as { spec: Record<string, unknown> } | undefined;
    expect(bgp?.spec).toMatchObject({ asNumber: 65003, nodeToNodeMeshEnabled: false });
    const peers = docs.filter((d) => d.kind === 'BGPPeer') as unknown as Array<{
      spec: { peerIP: string; asNumber: number; nodeSelector: string; password: unknown };
    }>;
    expect(peers.map((p) => p.spec.peerIP).sort()).toEqual(['192.168.35.201', '192.168.35.202', '2001:db8:35::201', '2001:db8:35::202']);
    for (const p of peers)
      expect(p.spec).toMatchObject({
        asNumber: 65002,
        nodeSelector: "akb.io/rack == '1'",
        password: { secretKeyRef: { name: 'akb-bgp-password', key: 'password' } },
      });
    const pools = docs.filter((d) => d.kind === 'IPPool') as unknown as Array<{ spec: { cidr: string; blockSize: number } }>;
    expect(pools.map((p) => [p.spec.cidr, p.spec.blockSize])).toEqual([
      ['192.168.36.0/24', 26],
      ['2001:db8:35:100::/56', 122],
    ]);
    const secret = docs.find((d) => d.kind === 'Secret' && d.metadata.name === 'akb-bgp-password') as
      { stringData: { password: string } } | undefined;
    expect(secret?.stringData.password).toBe('{{akb.secret:bgp-password}}');
  });

  it('akb visualiser: deploy/base with the spec values — read-only ClusterRole, probes, Ingress', () => {
    const docs = kubeDocs(planFiles(variant(() => {})));
    const role = docs.find((d) => d.kind === 'ClusterRole' && d.metadata.name === 'akb-reader') as
      { rules: Array<{ verbs: string[] }> } | undefined;
    expect(role?.rules.length).toBeGreaterThan(0);
    expect(role?.rules.flatMap((r) => r.verbs).every((v) => ['get', 'list', 'watch'].includes(v))).toBe(true);
    expect(docs.find((d) => d.kind === 'Ingress')).toMatchObject({ spec: { rules: [{ host: 'akb.example.com' }] } });
    expect(docs.filter((d) => d.metadata.namespace === 'akb').map((d) => d.kind)).toEqual([
      'ServiceAccount',
      'ConfigMap',
      'Secret',
      'Secret',
      'Service',
      'Deployment',
      'PodDisruptionBudget',
      'Ingress',
      'NetworkPolicy',
    ]);
    const deployment = docs.find((d) => d.kind === 'Deployment') as unknown as {
      spec: { template: { spec: { containers: Array<{ image: string; readinessProbe: { httpGet: { path: string } } }> } } };
    };
    expect(deployment.spec.template.spec.containers[0]).toMatchObject({
      image: 'ghcr.io/akb/akb:0.1.0',
      readinessProbe: { httpGet: { path: '/readyz' } },
    });
  });

  it('user data: gateway is the L3Out secondary IP, kubeadm init on the first master, join elsewhere', () => {
    const plan = variant(() => {});
    expect(plan.nodes.map((n) => n.node)).toEqual(['nkt-master-1', 'nkt-master-2', 'nkt-master-3', 'nkt-worker-1']);
    const first = parse(plan.nodes[0]!.userData) as { write_files: Array<{ path: string; content: string }>; runcmd: string[][] };
    const script = (u: { write_files: Array<{ path: string; content?: string }> }) =>
      u.write_files.find((f) => f.path === '/usr/local/lib/akb/bootstrap.sh')!.content!;
    const netplan = parse(first.write_files.find((f) => f.path === '/etc/netplan/60-akb.yaml')!.content);
    expect(netplan.network.ethernets.ens192).toMatchObject({
      mtu: 9000,
      routes: [
        { to: 'default', via: '192.168.35.253' },
        { to: 'default', via: '2001:db8:35:ff:ffff:ffff:ffff:fffd' },
      ],
    });
    // cloud-init runs the same bootstrap script akb runs over SSH; kubeadm init is its kubeadm phase.
    expect(first.runcmd).toEqual([['/usr/local/lib/akb/bootstrap.sh', 'all']]);
    expect(script(first)).toContain('kubeadm init --config /etc/akb/kubeadm.yaml --upload-certs');
    expect(script(first)).not.toContain('kubeadm join');
    const kubeadm = parseAllDocuments(first.write_files.find((f) => f.path === '/etc/akb/kubeadm.yaml')!.content).map((d) => d.toJSON());
    expect(kubeadm.map((d) => d.kind)).toEqual(['InitConfiguration', 'ClusterConfiguration', 'KubeletConfiguration']);
    expect(kubeadm[1]).toMatchObject({
      controlPlaneEndpoint: '192.168.35.252:8443',
      networking: { podSubnet: '192.168.36.0/24,2001:db8:35:100::/56' },
    });
    expect(kubeadm[1].controllerManager.extraArgs).toEqual([
      { name: 'node-cidr-mask-size-ipv4', value: '26' },
      { name: 'node-cidr-mask-size-ipv6', value: '122' },
    ]);
    expect(first.write_files.map((f) => f.path)).toContain('/etc/kubernetes/manifests/keepalived.yaml');
    const worker = parse(plan.nodes[3]!.userData) as { write_files: Array<{ path: string; content?: string }>; runcmd: string[][] };
    expect(script(worker)).toContain('kubeadm join --config /etc/akb/kubeadm.yaml');
    expect(script(worker)).not.toContain('kubeadm init');
    expect(worker.write_files.map((f) => f.path)).not.toContain('/etc/kubernetes/manifests/keepalived.yaml');
  });

  it('kube-router: peers every anchor of the rack through node annotations and skips kube-proxy', () => {
    const plan = variant((d) => (d.cluster.cni = 'kube-router'));
    const docs = kubeDocs(planFiles(plan));
    expectKubeObjects(docs);
    const ds = docs.find((d) => d.kind === 'DaemonSet') as
      { spec: { template: { spec: { containers: Array<{ args: string[] }> } } } } | undefined;
    expect(ds?.spec.template.spec.containers[0]?.args).toEqual(
      expect.arrayContaining(['--cluster-asn=65003', '--enable-ipv6=true', '--advertise-pod-cidr=true']),
    );
    const nodes = docs.filter((d) => d.kind === 'Node') as unknown as Array<{ metadata: { annotations: Record<string, string> } }>;
    expect(nodes).toHaveLength(4);
    expect(nodes[0]?.metadata.annotations['kube-router.io/peer.ips']).toBe(
      '192.168.35.201,2001:db8:35::201,192.168.35.202,2001:db8:35::202',
    );
    expect(nodes[0]?.metadata.annotations['kube-router.io/peer.asns']).toBe('65002,65002,65002,65002');
    const init = parseAllDocuments(
      (parse(plan.nodes[0]!.userData) as { write_files: Array<{ path: string; content: string }> }).write_files.find(
        (f) => f.path === '/etc/akb/kubeadm.yaml',
      )!.content,
    )[0]!.toJSON();
    expect(init.skipPhases).toEqual(['addon/kube-proxy']);
  });

  it('Cilium: BGP cluster config per rack, peer config with the password secret, helm values', () => {
    const plan = variant((d) => (d.cluster.cni = 'cilium'));
    const files = planFiles(plan);
    const docs = kubeDocs(files);
    expectKubeObjects(docs);
    const cfg = docs.find((d) => d.kind === 'CiliumBGPClusterConfig') as
      { spec: { bgpInstances: Array<{ localASN: number; peers: Array<{ peerAddress: string; peerASN: number }> }> } } | undefined;
    expect(cfg?.spec.bgpInstances[0]?.localASN).toBe(65003);
    expect(cfg?.spec.bgpInstances[0]?.peers.map((p) => p.peerAddress)).toEqual([
      '192.168.35.201',
      '2001:db8:35::201',
      '192.168.35.202',
      '2001:db8:35::202',
    ]);
    expect(docs.find((d) => d.kind === 'CiliumBGPPeerConfig')).toMatchObject({ spec: { authSecretRef: 'akb-bgp-password' } });
    const values = parse(files.get('kubernetes/cilium-values.yaml')!);
    expect(values).toMatchObject({
      kubeProxyReplacement: true,
      routingMode: 'native',
      bgpControlPlane: { enabled: true },
      ipv6: { enabled: true },
      k8sServiceHost: '192.168.35.252',
    });
  });

  it('ACI-only mode: no nodes or kubeadm, but the ACI payloads and the CNI manifests to apply by hand', () => {
    const plan = variant((d) => {
      d.mode = 'aci-only';
      d.cluster.nodes = [];
    });
    const files = planFiles(plan);
    expect(plan.nodes).toEqual([]);
    expect([...files.keys()].some((k) => k.startsWith('nodes/'))).toBe(false);
    // The akb Secrets' placeholders (apic-password, ui-token) are listed too once plan/index.ts adds akbSecretUses.
    expect(plan.secrets.map((s) => s.name).filter((n) => !(Object.values(AKB_SECRETS) as string[]).includes(n))).toEqual(['bgp-password']);
    expect(plan.aci.payloads.length).toBeGreaterThan(0);
    const docs = kubeDocs(files);
    expectKubeObjects(docs);
    expect(docs.filter((d) => d.kind === 'BGPPeer')).toHaveLength(4);
    expect(files.get('summary.txt')).toContain('none (ACI only: apply the manifests by hand)');
  });

  it('single master: no VIP, no keepalived, endpoint is the master', () => {
    const plan = variant((d) => {
      const nodes = d.cluster.nodes as Array<{ role: string }>;
      nodes[1]!.role = 'worker';
      nodes[2]!.role = 'worker';
    });
    const first = parse(plan.nodes[0]!.userData) as { write_files: Array<{ path: string; content: string }> };
    expect(first.write_files.map((f) => f.path)).not.toContain('/etc/keepalived/keepalived.conf');
    expect(first.write_files.find((f) => f.path === '/etc/akb/kubeadm.yaml')!.content).toContain('controlPlaneEndpoint: 192.168.35.1:6443');
    expect(plan.secrets.map((s) => s.name)).not.toContain('keepalived-password');
  });
});
