import type { ResolvedSpec } from '../../spec/defaults';
import type { ClusterNode } from '../../spec/schema';
import { formatCidr } from '../../../lib/net/ip';
import { secretPlaceholder } from '../secrets';

/** kubeadm v1beta4 documents (InitConfiguration / JoinConfiguration / ClusterConfiguration / KubeletConfiguration). */
export type KubeadmDoc = Record<string, unknown> & { apiVersion: string; kind: string };

const API = 'kubeadm.k8s.io/v1beta4';
const CRI_SOCKET = 'unix:///run/containerd/containerd.sock';

/** With one master there is no VIP: the API endpoint is the master itself. */
export function controlPlaneEndpoint(r: ResolvedSpec): string {
  const masters = r.spec.cluster.nodes.filter((n) => n.role === 'master');
  if (masters.length === 3) return `${r.vip.toString()}:${r.spec.cluster.controlPlane.port}`;
  return `${masters[0]?.ipv4 ?? r.vip.toString()}:6443`;
}

const nodeIps = (n: ClusterNode) => [n.ipv4, ...(n.ipv6 !== undefined ? [n.ipv6] : [])].join(',');

function nodeRegistration(n: ClusterNode) {
  // node-ip must list both families on a dual-stack node, or the kubelet reports only the IPv4 one.
  return { name: n.name, criSocket: CRI_SOCKET, kubeletExtraArgs: [{ name: 'node-ip', value: nodeIps(n) }] };
}

export function clusterConfiguration(r: ResolvedSpec): KubeadmDoc {
  const c = r.spec.cluster;
  const join = (pick: (f: ResolvedSpec['families'][number]) => string) => r.families.map(pick).join(',');
  const masks = r.families.map((f) => ({ name: `node-cidr-mask-size-${f.family}`, value: String(f.podBlockSize) }));
  const masters = c.nodes.filter((n) => n.role === 'master');
  // The VIP is served only in front of three masters; with one, validation leaves its address free for a node,
  // which must not end up named in the API server's certificate.
  const vip = masters.length === 3 ? [r.vip.toString()] : [];
  const doc: KubeadmDoc = {
    apiVersion: API,
    kind: 'ClusterConfiguration',
    clusterName: c.name,
    kubernetesVersion: `v${c.kubernetesVersion}`,
    controlPlaneEndpoint: controlPlaneEndpoint(r),
    networking: {
      podSubnet: join((f) => formatCidr(f.podSubnet)),
      serviceSubnet: join((f) => formatCidr(f.serviceSubnet)),
      dnsDomain: 'cluster.local',
    },
    apiServer: { certSANs: [...vip, ...masters.map((n) => n.ipv4)] },
    // Per-family node CIDR sizes: the previous tool set none in dual stack, so only one node got an IPv4 podCIDR.
    controllerManager: { extraArgs: masks },
  };
  return doc;
}

export function initConfiguration(r: ResolvedSpec, n: ClusterNode): KubeadmDoc {
  const doc: KubeadmDoc = {
    apiVersion: API,
    kind: 'InitConfiguration',
    bootstrapTokens: [
      {
        token: secretPlaceholder('kubeadm-token'),
        ttl: '2h0m0s',
        usages: ['signing', 'authentication'],
        groups: ['system:bootstrappers:kubeadm:default-node-token'],
      },
    ],
    certificateKey: secretPlaceholder('kubeadm-certificate-key'),
    localAPIEndpoint: { advertiseAddress: n.ipv4, bindPort: 6443 },
    nodeRegistration: nodeRegistration(n),
  };
  // kube-router and Cilium replace kube-proxy (previous tool: only on its dev branch, #241).
  if (r.spec.cluster.cni !== 'calico') doc.skipPhases = ['addon/kube-proxy'];
  return doc;
}

export function joinConfiguration(r: ResolvedSpec, n: ClusterNode): KubeadmDoc {
  const doc: KubeadmDoc = {
    apiVersion: API,
    kind: 'JoinConfiguration',
    discovery: {
      bootstrapToken: {
        apiServerEndpoint: controlPlaneEndpoint(r),
        token: secretPlaceholder('kubeadm-token'),
        caCertHashes: [secretPlaceholder('kubeadm-ca-cert-hash')],
      },
    },
    nodeRegistration: nodeRegistration(n),
  };
  if (n.role === 'master') {
    doc.controlPlane = {
      localAPIEndpoint: { advertiseAddress: n.ipv4, bindPort: 6443 },
      certificateKey: secretPlaceholder('kubeadm-certificate-key'),
    };
  }
  return doc;
}

export const kubeletConfiguration: KubeadmDoc = {
  apiVersion: 'kubelet.config.k8s.io/v1beta1',
  kind: 'KubeletConfiguration',
  cgroupDriver: 'systemd',
};
