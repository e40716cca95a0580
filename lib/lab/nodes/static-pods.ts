import { createHash } from 'node:crypto';
import { parse, stringify } from 'yaml';
import type { KubeObject } from '../../topology/bundle-types';
import type { KubeStore } from '../k8s';
import type { MimicMachine } from './machine';

/**
 * The kubelet's static pods: every manifest in /etc/kubernetes/manifests on a node runs there, and appears in
 * the API as a mirror pod `<name>-<node>` (annotation kubernetes.io/config.mirror, owned by the Node). kubeadm's
 * control plane and akb's HAProxy/keepalived are such pods; a manifest that is removed stops its pod.
 */
export const MANIFESTS = '/etc/kubernetes/manifests';

/** The control-plane manifests kubeadm writes (trimmed to what a reader looks at: image, host network, flags). */
export function controlPlaneManifests(
  version: string,
  advertise: string,
  serviceSubnet: string,
  podSubnet: string | undefined,
): Record<string, string> {
  const pod = (name: string, image: string, command: string[]) =>
    stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'kube-system', labels: { component: name, tier: 'control-plane' } },
      spec: { hostNetwork: true, priorityClassName: 'system-node-critical', containers: [{ name, image, command }] },
    });
  const reg = 'registry.k8s.io';
  return {
    'etcd.yaml': pod('etcd', `${reg}/etcd:3.5.15-0`, [
      'etcd',
      `--advertise-client-urls=https://${advertise}:2379`,
      '--data-dir=/var/lib/etcd',
    ]),
    'kube-apiserver.yaml': pod('kube-apiserver', `${reg}/kube-apiserver:v${version}`, [
      'kube-apiserver',
      `--advertise-address=${advertise}`,
      `--service-cluster-ip-range=${serviceSubnet}`,
      '--client-ca-file=/etc/kubernetes/pki/ca.crt',
      '--tls-cert-file=/etc/kubernetes/pki/apiserver.crt',
      '--enable-bootstrap-token-auth=true',
    ]),
    'kube-controller-manager.yaml': pod('kube-controller-manager', `${reg}/kube-controller-manager:v${version}`, [
      'kube-controller-manager',
      ...(podSubnet ? ['--allocate-node-cidrs=true', `--cluster-cidr=${podSubnet}`] : []),
      '--cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt',
    ]),
    'kube-scheduler.yaml': pod('kube-scheduler', `${reg}/kube-scheduler:v${version}`, [
      'kube-scheduler',
      '--kubeconfig=/etc/kubernetes/scheduler.conf',
    ]),
  };
}

/** Brings the node's mirror pods in line with its manifests directory. */
export function syncStaticPods(m: MimicMachine, store: KubeStore, nodeName: string, nodeIp: string): void {
  const node = store.tryGet('nodes', nodeName);
  if (!node) return;
  const wanted = new Map<string, KubeObject>();
  for (const path of m.list(MANIFESTS).filter((p) => p.endsWith('.yaml') || p.endsWith('.yml'))) {
    const text = m.read(path) ?? '';
    let doc: KubeObject;
    try {
      doc = parse(text) as KubeObject;
    } catch {
      continue; // the kubelet logs and skips a manifest it cannot parse
    }
    if (doc?.kind !== 'Pod' || !doc.metadata?.name) continue;
    const ns = doc.metadata.namespace ?? 'default';
    const name = `${doc.metadata.name}-${nodeName}`;
    const hash = createHash('sha256').update(text).digest('hex').slice(0, 32);
    wanted.set(`${ns}/${name}`, {
      ...doc,
      metadata: {
        ...doc.metadata,
        name,
        namespace: ns,
        annotations: {
          ...(doc.metadata.annotations ?? {}),
          'kubernetes.io/config.mirror': hash,
          'kubernetes.io/config.source': 'file',
          'kubernetes.io/config.hash': hash,
        },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: String(node.metadata.uid ?? ''), controller: true }],
      },
      spec: { ...(doc.spec as Record<string, unknown>), nodeName },
      status: {
        phase: 'Running',
        podIP: nodeIp,
        podIPs: [{ ip: nodeIp }],
        hostIP: nodeIp,
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: ((doc.spec as { containers?: Array<{ name: string; image: string }> })?.containers ?? []).map((c) => ({
          name: c.name,
          image: c.image,
          ready: true,
          restartCount: 0,
          state: { running: {} },
        })),
      },
    } as KubeObject);
  }
  const existing = store
    .list('pods')
    .items.filter(
      (p) =>
        p.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined && (p.spec as { nodeName?: string })?.nodeName === nodeName,
    );
  for (const p of existing) {
    const key = `${p.metadata.namespace}/${p.metadata.name}`;
    const want = wanted.get(key);
    if (!want) store.delete('pods', p.metadata.name, p.metadata.namespace);
    else if (p.metadata.annotations?.['kubernetes.io/config.mirror'] === want.metadata.annotations?.['kubernetes.io/config.mirror'])
      wanted.delete(key);
    else {
      store.delete('pods', p.metadata.name, p.metadata.namespace);
    }
  }
  for (const pod of wanted.values()) store.create(pod);
}
