import { stringify } from 'yaml';
import { issueCertificate } from '../../pki/x509';
import type { KubeObject } from '../../topology/bundle-types';
import type { LabKubeCluster } from './cluster';
import { tokenSecret } from './bootstrap-tokens';
import { KubeadmError, parseGoDuration, type KubeadmConfig } from './kubeadm-config';
import { apiServerSans, encryptCerts, ensureServiceAccountKey, issueApiServerCert, loadOrCreateCa, PKI } from './kubeadm-pki';
import { nodeRequest, NodeDialError } from './node-client';
import { kubeletNode, nodeIps, startLoadBalancer, type NodeEnv } from './node-join';
import { controlPlaneManifests, MANIFESTS, syncStaticPods } from './static-pods';
import type { MimicMachine } from './machine';

/**
 * `kubeadm init` on a lab machine: the certs phase on the CAs akb placed (or new ones), the control plane as
 * static pods, the cluster's API server started with the serving certificate issued from that CA, the load
 * balancer on the VIP when the node carries its static pods, then what kubeadm uploads through the control-plane
 * endpoint (with TLS checked against it, so an endpoint outside the certificate fails here as it would), the
 * bootstrap token, cluster-info for discovery and the kubeadm-certs Secret for the other masters.
 */
const CORE_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function ensure(store: LabKubeCluster['store'], obj: KubeObject): void {
  const plural =
    obj.kind === 'Namespace' ? 'namespaces' : obj.kind === 'ConfigMap' ? 'configmaps' : obj.kind === 'Secret' ? 'secrets' : undefined;
  if (plural && store.tryGet(plural, obj.metadata.name, obj.metadata.namespace)) store.update(obj);
  else store.create(obj);
}

export async function kubeadmInit(m: MimicMachine, cfg: KubeadmConfig, uploadCerts: boolean, env: NodeEnv): Promise<string[]> {
  const log: string[] = [];
  const init = cfg.init ?? { apiVersion: 'kubeadm.k8s.io/v1beta4', kind: 'InitConfiguration' as const };
  const cc = cfg.cluster;
  const nodeName = init.nodeRegistration?.name ?? m.hostname;
  const advertise = init.localAPIEndpoint?.advertiseAddress ?? m.address;
  if (!advertise)
    throw new KubeadmError('error execution phase preflight: unable to select an IP from the default route: no default routes found');
  const version = (cc?.kubernetesVersion ?? 'v1.31.0').replace(/^v/, '');
  const clusterName = cc?.clusterName ?? 'kubernetes';
  const endpoint = cc?.controlPlaneEndpoint ?? `${advertise}:${init.localAPIEndpoint?.bindPort ?? 6443}`;
  const serviceSubnet = cc?.networking?.serviceSubnet ?? '10.96.0.0/12';

  log.push(`[init] Using Kubernetes version: v${version}`, '[preflight] Running pre-flight checks');
  if (m.exists(`${MANIFESTS}/kube-apiserver.yaml`))
    throw new KubeadmError(
      `error execution phase preflight: [preflight] Some fatal errors occurred:\n\t[ERROR FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml]: ${MANIFESTS}/kube-apiserver.yaml already exists`,
    );
  if (env.clusters.get(clusterName)?.nodes().length)
    throw new KubeadmError(
      `error execution phase preflight: the lab already runs a cluster named ${clusterName}: give this cluster another clusterName`,
    );

  const ca = loadOrCreateCa(m, 'ca', 'ca', 'kubernetes', log);
  loadOrCreateCa(m, 'front-proxy-ca', 'front-proxy-ca', 'front-proxy-ca', log);
  loadOrCreateCa(m, 'etcd/ca', 'etcd/ca', 'etcd-ca', log);
  ensureServiceAccountKey(m, log);
  const endpointHost = endpoint.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const serving = issueApiServerCert(
    m,
    ca,
    apiServerSans(nodeName, serviceSubnet, advertise, endpointHost, cc?.apiServer?.certSANs ?? []),
    log,
  );
  const admin = issueCertificate(ca, {
    commonName: 'kubernetes-admin',
    organizations: ['kubeadm:cluster-admins'],
    days: 365,
    usage: 'client',
  });
  m.write('/etc/kubernetes/admin.conf', kubeconfig(clusterName, endpoint, ca.certPem, admin), 0o600);
  m.write('/etc/kubernetes/kubelet.conf', kubeconfig(clusterName, endpoint, ca.certPem, admin), 0o600);
  log.push('[kubeconfig] Writing "admin.conf" kubeconfig file', '[kubeconfig] Writing "kubelet.conf" kubeconfig file');
  for (const [file, text] of Object.entries(controlPlaneManifests(version, advertise, serviceSubnet, cc?.networking?.podSubnet)))
    m.write(`${MANIFESTS}/${file}`, text, 0o600);
  log.push(`[control-plane] Using manifest folder "${MANIFESTS}"`);

  const cluster = env.clusters.create(clusterName, ca.certPem);
  for (const ns of CORE_NAMESPACES) ensure(cluster.store, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await cluster.startApiServer(nodeName, advertise, serving);
  await startLoadBalancer(m, cluster, nodeName, env);
  log.push('[api-check] The API server is healthy');

  // Through the control-plane endpoint, TLS verified, as kubeadm's upload-config does with admin.conf.
  const clusterConfiguration = stringify(cc ?? {});
  try {
    const r = await nodeRequest(env.network, {
      endpoint,
      method: 'POST',
      path: '/api/v1/namespaces/kube-system/configmaps',
      caPem: ca.certPem,
      client: admin,
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kubeadm-config', namespace: 'kube-system' },
        data: { ClusterConfiguration: clusterConfiguration },
      },
    });
    if (r.status >= 300 && r.status !== 409)
      throw new KubeadmError(
        `error execution phase upload-config/kubeadm: error uploading the kubeadm ClusterConfiguration: HTTP ${r.status}`,
      );
  } catch (err) {
    await env.clusters.remove(clusterName);
    if (err instanceof NodeDialError)
      throw new KubeadmError(
        `error execution phase upload-config/kubeadm: error uploading the kubeadm ClusterConfiguration: ${err.message}`,
      );
    throw err;
  }
  log.push('[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace');

  const store = cluster.store;
  store.create(kubeletNode(nodeName, nodeIps(init.nodeRegistration, advertise), version, true, m));
  log.push(
    `[mark-control-plane] Marking the node ${nodeName} as control-plane by adding the labels: [node-role.kubernetes.io/control-plane]`,
  );
  if (uploadCerts) {
    if (!init.certificateKey)
      throw new KubeadmError('error execution phase upload-certs: --upload-certs needs a certificate key (certificateKey)');
    ensure(store, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'kubeadm-certs', namespace: 'kube-system' },
      type: 'Opaque',
      data: Object.fromEntries(
        Object.entries(encryptCerts(m, init.certificateKey)).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      ),
    } as KubeObject);
    log.push('[upload-certs] Storing the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace');
  }
  for (const t of init.bootstrapTokens ?? []) {
    const ttl = t.ttl === undefined ? 24 * 3_600_000 : parseGoDuration(t.ttl);
    if (ttl === undefined) throw new KubeadmError(`bootstrapTokens.ttl: Invalid value: "${t.ttl}": not a duration`);
    ensure(
      store,
      tokenSecret(t.token, ttl, t.usages ?? ['signing', 'authentication'], t.groups ?? ['system:bootstrappers:kubeadm:default-node-token']),
    );
  }
  log.push('[bootstrap-token] Configuring bootstrap tokens, cluster-info ConfigMap, RBAC Roles');
  ensure(store, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cluster-info', namespace: 'kube-public' },
    data: {
      kubeconfig: stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: '',
            cluster: { server: `https://${endpoint}`, 'certificate-authority-data': Buffer.from(ca.certPem).toString('base64') },
          },
        ],
      }),
    },
  } as KubeObject);
  // kubeadm also binds kubeadm:cluster-admins to cluster-admin; the lab grants that group write access itself
  // (LabKubeCluster.authorize), and its store refuses ':' in object names that real RBAC objects may carry.
  addons(store, init.skipPhases ?? [], version);
  log.push('[addons] Applied essential addon: CoreDNS');
  if (!(init.skipPhases ?? []).includes('addon/kube-proxy')) log.push('[addons] Applied essential addon: kube-proxy');
  syncStaticPods(m, store, nodeName, advertise);
  cluster.reconcile();
  m.joined = { cluster: clusterName, node: nodeName, controlPlane: true };
  log.push('', 'Your Kubernetes control-plane has initialized successfully!');
  return log;
}

function kubeconfig(cluster: string, endpoint: string, caPem: string, client: { certPem: string; keyPem: string }): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: `https://${endpoint}`, 'certificate-authority-data': b64(caPem) } }],
    users: [{ name: 'kubernetes-admin', user: { 'client-certificate-data': b64(client.certPem), 'client-key-data': b64(client.keyPem) } }],
    contexts: [{ name: `kubernetes-admin@${cluster}`, context: { cluster, user: 'kubernetes-admin' } }],
    'current-context': `kubernetes-admin@${cluster}`,
  });
}

/** CoreDNS and kube-proxy, as kubeadm's addon phase installs them (they run once nodes are Ready). */
function addons(store: LabKubeCluster['store'], skip: string[], version: string): void {
  const labels = { 'k8s-app': 'kube-dns' };
  store.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'coredns', namespace: 'kube-system', labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.3' }],
          tolerations: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
        },
      },
    },
  } as KubeObject);
  if (skip.includes('addon/kube-proxy')) return;
  const proxyLabels = { 'k8s-app': 'kube-proxy' };
  store.create({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: proxyLabels },
    spec: {
      selector: { matchLabels: proxyLabels },
      template: {
        metadata: { labels: proxyLabels },
        spec: {
          hostNetwork: true,
          containers: [{ name: 'kube-proxy', image: `registry.k8s.io/kube-proxy:v${version}` }],
          tolerations: [{ operator: 'Exists' }],
        },
      },
    },
  } as KubeObject);
}

export { PKI };
