import { createPublicKey, createHash } from 'node:crypto';
import { parse } from 'yaml';
import type { KubeObject } from '../../topology/bundle-types';
import type { NodeNetwork } from '../network/node-network';
import type { LabKubeCluster } from './cluster';
import { detachedJws } from './bootstrap-tokens';
import { KubeadmError, parseGoDuration, type KubeadmConfig, type JoinConfiguration } from './kubeadm-config';
import { apiServerSans, decryptCerts, issueApiServerCert, loadOrCreateCa, SHARED_CERTS } from './kubeadm-pki';
import { nodeRequest, NodeDialError, type NodeResponse } from './node-client';
import { MANIFESTS, syncStaticPods } from './static-pods';
import type { MimicMachine } from './machine';

/**
 * `kubeadm join` on a lab machine, through the real wire: token discovery (an insecure fetch of cluster-info,
 * its JWS signature for the token, the CA pinned by its hash, then a TLS-verified fetch against the endpoint),
 * authentication with the bootstrap token, and for a master the certificates from kubeadm-certs decrypted with
 * its certificate key and its own API server. Each failure is kubeadm's, in kubeadm's words.
 */
export interface ClusterRegistry {
  get(name: string): LabKubeCluster | undefined;
  create(name: string, caPem: string): LabKubeCluster;
  remove(name: string): Promise<void>;
  /** The cluster whose API server answers at `endpoint` on the node network, if any. */
  byEndpoint(endpoint: string): LabKubeCluster | undefined;
}

export interface NodeEnv {
  network: NodeNetwork;
  clusters: ClusterRegistry;
  /** How long discovery retries an endpoint that does not answer yet (capped by the configuration's timeout). */
  discoveryRetryMs?: number;
}

type NodeRegistration = NonNullable<JoinConfiguration['nodeRegistration']>;

export function nodeIps(reg: NodeRegistration | undefined, fallback: string): string[] {
  const arg = reg?.kubeletExtraArgs?.find((a) => a.name === 'node-ip')?.value;
  return arg ? arg.split(',') : [fallback];
}

/** The Node the kubelet registers (NotReady until a CNI runs; node readiness takes it from there). */
export function kubeletNode(name: string, ips: string[], version: string, controlPlane: boolean, m: MimicMachine): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        ...(controlPlane
          ? { 'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' }
          : {}),
      },
      annotations: {
        'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///run/containerd/containerd.sock',
        'lab.akb.io/machine': m.id,
        'lab.akb.io/host': m.host,
      },
    },
    spec: controlPlane ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {},
    status: {
      addresses: [...ips.map((address) => ({ type: 'InternalIP', address })), { type: 'Hostname', address: name }],
      nodeInfo: {
        kubeletVersion: `v${version}`,
        containerRuntimeVersion: 'containerd://1.7.24',
        osImage: 'Ubuntu 24.04.1 LTS',
        kernelVersion: '6.8.0-49-generic',
        architecture: 'amd64',
        operatingSystem: 'linux',
      },
      conditions: [],
    },
  } as KubeObject;
}

/** HAProxy + keepalived as static pods on a master: the VRRP master takes the VIP, HAProxy forwards to the masters. */
export async function startLoadBalancer(m: MimicMachine, cluster: LabKubeCluster, node: string, _env: NodeEnv): Promise<void> {
  if (!m.exists(`${MANIFESTS}/haproxy.yaml`) || !m.exists(`${MANIFESTS}/keepalived.yaml`)) return;
  const keepalived = m.read('/etc/keepalived/keepalived.conf') ?? '';
  const haproxy = m.read('/etc/haproxy/haproxy.cfg') ?? '';
  const vip = /virtual_ipaddress\s*\{\s*([^\s}]+)\s*\}/.exec(keepalived)?.[1];
  const port = Number(/^\s*bind\s+\S*:(\d+)/m.exec(haproxy)?.[1]);
  if (!vip || !port) return;
  const backends = [...haproxy.matchAll(/^\s*server\s+\S+\s+(\S+):(\d+)/gm)].map((x) => ({ host: x[1] as string, port: Number(x[2]) }));
  await cluster.holdVip(vip.replace(/\/\d+$/, ''), port, backends, node);
}

const pinOf = (caPem: string) =>
  `sha256:${createHash('sha256')
    .update(createPublicKey(caPem).export({ type: 'spki', format: 'der' }))
    .digest('hex')}`;

interface Discovered {
  caPem: string;
  server: string;
}

async function discover(join: JoinConfiguration, env: NodeEnv): Promise<Discovered> {
  const bt = join.discovery.bootstrapToken;
  if (!bt) throw new KubeadmError('error execution phase preflight: the lab supports token discovery only (discovery.bootstrapToken)');
  const [id, secret] = bt.token.split('.') as [string, string];
  const path = '/api/v1/namespaces/kube-public/configmaps/cluster-info';
  const limit = Math.min(parseGoDuration(join.discovery.timeout ?? '5m0s') ?? 300_000, env.discoveryRetryMs ?? 300_000);
  const deadline = Date.now() + limit;
  let first: NodeResponse | undefined;
  for (;;) {
    try {
      first = await nodeRequest(env.network, { endpoint: bt.apiServerEndpoint, path });
      break;
    } catch (err) {
      // kubeadm retries discovery until its timeout: the first master may still be coming up.
      if (!(err instanceof NodeDialError) || Date.now() > deadline)
        throw new KubeadmError(
          `error execution phase preflight: couldn't validate the identity of the API Server: ${(err as Error).message}`,
        );
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const data = ((first.body as { data?: Record<string, string> })?.data ?? {}) as Record<string, string>;
  const kubeconfig = data.kubeconfig;
  if (first.status !== 200 || kubeconfig === undefined)
    throw new KubeadmError(
      `error execution phase preflight: couldn't validate the identity of the API Server: failed to request the cluster-info ConfigMap: HTTP ${first.status}`,
    );
  const jws = data[`jws-kubeconfig-${id}`];
  if (jws === undefined)
    throw new KubeadmError(
      `error execution phase preflight: couldn't validate the identity of the API Server: could not find a JWS signature in the cluster-info ConfigMap for token ID "${id}"`,
    );
  if (jws !== detachedJws(kubeconfig, id, secret))
    throw new KubeadmError(
      "error execution phase preflight: couldn't validate the identity of the API Server: failed to verify JWS signature of received cluster info object, can't trust this API Server",
    );
  const kc = parse(kubeconfig) as { clusters?: Array<{ cluster?: { server?: string; 'certificate-authority-data'?: string } }> };
  const caPem = Buffer.from(kc.clusters?.[0]?.cluster?.['certificate-authority-data'] ?? '', 'base64').toString('utf8');
  const server = kc.clusters?.[0]?.cluster?.server ?? `https://${bt.apiServerEndpoint}`;
  if (bt.unsafeSkipCAVerification !== true) {
    const pin = pinOf(caPem);
    if (!(bt.caCertHashes ?? []).includes(pin))
      throw new KubeadmError(
        `error execution phase preflight: couldn't validate the identity of the API Server: cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${pin}" are pinned`,
      );
  }
  // The second fetch, now trusting only that CA: the endpoint's serving certificate must hold its address.
  try {
    await nodeRequest(env.network, { endpoint: bt.apiServerEndpoint, path, caPem });
  } catch (err) {
    throw new KubeadmError(`error execution phase preflight: couldn't validate the identity of the API Server: ${(err as Error).message}`);
  }
  return { caPem, server };
}

export async function kubeadmJoin(m: MimicMachine, cfg: KubeadmConfig, env: NodeEnv): Promise<string[]> {
  const join = cfg.join;
  if (!join) throw new KubeadmError('error execution phase preflight: no JoinConfiguration in the configuration');
  const log = ['[preflight] Running pre-flight checks'];
  const nodeName = join.nodeRegistration?.name ?? m.hostname;
  const manifests = m.list(MANIFESTS);
  if (manifests.length > 0)
    throw new KubeadmError(
      `error execution phase preflight: [preflight] Some fatal errors occurred:\n\t[ERROR DirAvailable--etc-kubernetes-manifests]: ${MANIFESTS} is not empty`,
    );
  const bt = join.discovery.bootstrapToken!;
  const found = await discover(join, env);
  log.push('[preflight] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...');
  let kubeadmConfig: NodeResponse;
  try {
    kubeadmConfig = await nodeRequest(env.network, {
      endpoint: bt.apiServerEndpoint,
      path: '/api/v1/namespaces/kube-system/configmaps/kubeadm-config',
      caPem: found.caPem,
      bearer: bt.token,
    });
  } catch (err) {
    throw new KubeadmError(`error execution phase preflight: unable to fetch the kubeadm-config ConfigMap: ${(err as Error).message}`);
  }
  if (kubeadmConfig.status === 401)
    throw new KubeadmError(
      'error execution phase preflight: unable to fetch the kubeadm-config ConfigMap: failed to get config map: Unauthorized',
    );
  const cluster = env.clusters.byEndpoint(bt.apiServerEndpoint);
  if (!cluster) throw new KubeadmError(`error execution phase preflight: the lab has no cluster behind ${bt.apiServerEndpoint}`);
  const cc = parse(((kubeadmConfig.body as { data?: Record<string, string> }).data ?? {}).ClusterConfiguration ?? '{}') as {
    kubernetesVersion?: string;
    controlPlaneEndpoint?: string;
    networking?: { serviceSubnet?: string };
    apiServer?: { certSANs?: string[] };
  };
  const version = (cc.kubernetesVersion ?? 'v1.31.0').replace(/^v/, '');
  const controlPlane = join.controlPlane !== undefined;
  const ip = join.controlPlane?.localAPIEndpoint?.advertiseAddress ?? m.address ?? '';
  if (controlPlane) {
    const key = join.controlPlane?.certificateKey;
    if (!key)
      throw new KubeadmError(
        'error execution phase control-plane-prepare/download-certs: the control-plane join needs certificateKey (or the certificates in place)',
      );
    const secret = await nodeRequest(env.network, {
      endpoint: bt.apiServerEndpoint,
      path: '/api/v1/namespaces/kube-system/secrets/kubeadm-certs',
      caPem: found.caPem,
      bearer: bt.token,
    });
    if (secret.status !== 200)
      throw new KubeadmError(
        'error execution phase control-plane-prepare/download-certs: error downloading certs: error downloading the secret: Secret "kubeadm-certs" was not found in the "kube-system" Namespace. This Secret might have expired. Please, run `kubeadm init phase upload-certs --upload-certs` on a control plane to generate a new one',
      );
    const data = Object.fromEntries(
      Object.entries((secret.body as { data?: Record<string, string> }).data ?? {}).map(([k, v]) => [
        k,
        Buffer.from(v, 'base64').toString('utf8'),
      ]),
    );
    const certs = decryptCerts(data, key);
    for (const [name, path] of SHARED_CERTS)
      if (certs[name] !== undefined) m.write(path, certs[name] as string, name.endsWith('.key') ? 0o600 : 0o644);
    log.push('[download-certs] Downloading the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace');
    const ca = loadOrCreateCa(m, 'ca', 'ca', 'kubernetes', log);
    const endpointHost = (cc.controlPlaneEndpoint ?? '').replace(/:\d+$/, '');
    const serving = issueApiServerCert(
      m,
      ca,
      apiServerSans(nodeName, cc.networking?.serviceSubnet, ip, endpointHost || undefined, cc.apiServer?.certSANs ?? []),
      log,
    );
    await cluster.startApiServer(nodeName, ip, serving);
  }
  cluster.store.create(kubeletNode(nodeName, nodeIps(join.nodeRegistration, ip), version, controlPlane, m));
  m.write('/etc/kubernetes/kubelet.conf', `# kubelet kubeconfig for ${nodeName}, server ${found.server}\n`, 0o600);
  m.joined = { cluster: cluster.name, node: nodeName, controlPlane };
  cluster.reconcile();
  log.push(
    '',
    controlPlane ? 'This node has joined the cluster and a new control plane instance was created.' : 'This node has joined the cluster.',
  );
  return log;
}

/** After each phase: the kubelet runs what is in the manifests directory, and a master may now hold the VIP. */
export async function kubeletSync(m: MimicMachine, env: NodeEnv): Promise<void> {
  if (!m.joined) return;
  const cluster = env.clusters.get(m.joined.cluster);
  if (!cluster) return;
  syncStaticPods(m, cluster.store, m.joined.node, m.address ?? '');
  if (m.joined.controlPlane) await startLoadBalancer(m, cluster, m.joined.node, env);
}
