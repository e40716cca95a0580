import type { ResolvedSpec } from '../../spec/defaults';
import { manifest, type Manifest } from '../manifest';
import { secretPlaceholder } from '../secrets';
import { anchorsByRack, rackLabels } from './common';
import { controlPlaneEndpoint } from '../cluster/kubeadm';

export const KUBE_ROUTER_IMAGE = 'docker.io/cloudnativelabs/kube-router:v2.5.0';
const NS = 'kube-system';

/**
 * Bridge CNI with host-local IPAM; kube-router writes each node's podCIDR(s) into it. The bridge and
 * host-local binaries come with the kubernetes-cni package that kubeadm's packages depend on.
 */
const CNI_CONF = {
  cniVersion: '0.3.0',
  name: 'kube-router',
  plugins: [
    { name: 'kubernetes', type: 'bridge', bridge: 'kube-bridge', isDefaultGateway: true, ipam: { type: 'host-local' } },
    { type: 'portmap', capabilities: { portMappings: true }, snat: true },
  ],
};
const INSTALL_CNI =
  'set -e; if [ ! -f /etc/cni/net.d/10-kuberouter.conflist ]; then ' +
  'cp /etc/kube-router/cni-conf.json /etc/cni/net.d/.10-kuberouter.conflist.tmp && ' +
  'mv /etc/cni/net.d/.10-kuberouter.conflist.tmp /etc/cni/net.d/10-kuberouter.conflist; fi';

/**
 * kube-router as CNI, service proxy and BGP speaker. Peers are per node (annotations), listing every
 * anchor leaf of the node's rack — the previous tool hard-coded exactly two.
 */
export function kubeRouterManifests(r: ResolvedSpec): Manifest[] {
  const racks = anchorsByRack(r);
  const [apiHost = '', apiPort = ''] = controlPlaneEndpoint(r).split(':');
  const annotations = (rack: string): Record<string, string> => {
    const anchors = racks.get(rack) ?? [];
    const ips = anchors.flatMap((a) => r.families.map((f) => a[f.family]!));
    const out: Record<string, string> = {
      'kube-router.io/peer.ips': ips.join(','),
      'kube-router.io/peer.asns': ips.map(() => String(r.spec.fabric.asn)).join(','),
    };
    // kube-router reads per-node passwords only from this annotation (base64 each); the applier fills it.
    if (r.spec.fabric.bgpPassword !== undefined)
      out['kube-router.io/peer.passwords'] = ips.map(() => secretPlaceholder('bgp-password-base64')).join(',');
    return out;
  };
  const args = [
    '--run-router=true',
    '--run-firewall=true',
    '--run-service-proxy=true',
    '--bgp-graceful-restart=true',
    '--bgp-holdtime=3s',
    `--cluster-asn=${r.clusterAsn}`,
    '--enable-ibgp=false',
    '--enable-overlay=false',
    '--enable-pod-egress=false',
    '--override-nexthop=true',
    '--advertise-cluster-ip=true',
    '--advertise-external-ip=true',
    '--advertise-loadbalancer-ip=true',
    '--advertise-pod-cidr=true',
    '--enable-ipv4=true',
    `--enable-ipv6=${r.families.length === 2}`,
  ];
  return [
    manifest('v1', 'ServiceAccount', { name: 'kube-router', namespace: NS }),
    manifest(
      'rbac.authorization.k8s.io/v1',
      'ClusterRole',
      { name: 'kube-router' },
      {
        rules: [
          { apiGroups: [''], resources: ['namespaces', 'pods', 'services', 'nodes', 'endpoints'], verbs: ['list', 'get', 'watch'] },
          { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['list', 'get', 'watch'] },
          { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'get', 'watch'] },
          { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
          { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
        ],
      },
    ),
    manifest(
      'rbac.authorization.k8s.io/v1',
      'ClusterRoleBinding',
      { name: 'kube-router' },
      {
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kube-router' },
        subjects: [{ kind: 'ServiceAccount', name: 'kube-router', namespace: NS }],
      },
    ),
    manifest(
      'v1',
      'ConfigMap',
      { name: 'kube-router-cfg', namespace: NS },
      { data: { 'cni-conf.json': `${JSON.stringify(CNI_CONF, null, 2)}\n` } },
    ),
    manifest(
      'apps/v1',
      'DaemonSet',
      { name: 'kube-router', namespace: NS, labels: { 'k8s-app': 'kube-router' } },
      {
        spec: {
          selector: { matchLabels: { 'k8s-app': 'kube-router' } },
          template: {
            metadata: { labels: { 'k8s-app': 'kube-router' } },
            spec: {
              serviceAccountName: 'kube-router',
              hostNetwork: true,
              priorityClassName: 'system-node-critical',
              tolerations: [{ operator: 'Exists' }],
              initContainers: [
                {
                  name: 'install-cni',
                  image: KUBE_ROUTER_IMAGE,
                  command: ['/bin/sh', '-c', INSTALL_CNI],
                  volumeMounts: [
                    { name: 'cni-conf-dir', mountPath: '/etc/cni/net.d' },
                    { name: 'kube-router-cfg', mountPath: '/etc/kube-router' },
                  ],
                },
              ],
              containers: [
                {
                  name: 'kube-router',
                  image: KUBE_ROUTER_IMAGE,
                  args,
                  // kube-proxy is skipped, so the kubernetes Service IP is not routable until kube-router itself
                  // proxies it: reach the API server through the control-plane endpoint instead.
                  // (ACI-only mode knows no endpoint: the existing cluster's kube-proxy serves until replaced.)
                  env: [
                    { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                    ...(r.spec.mode === 'full'
                      ? [
                          { name: 'KUBERNETES_SERVICE_HOST', value: apiHost },
                          { name: 'KUBERNETES_SERVICE_PORT', value: apiPort },
                        ]
                      : []),
                  ],
                  securityContext: { privileged: true },
                  volumeMounts: [
                    { name: 'lib-modules', mountPath: '/lib/modules', readOnly: true },
                    { name: 'cni-conf-dir', mountPath: '/etc/cni/net.d' },
                    { name: 'kube-router-cfg', mountPath: '/etc/kube-router' },
                  ],
                },
              ],
              volumes: [
                { name: 'lib-modules', hostPath: { path: '/lib/modules' } },
                { name: 'cni-conf-dir', hostPath: { path: '/etc/cni/net.d' } },
                { name: 'kube-router-cfg', configMap: { name: 'kube-router-cfg' } },
              ],
            },
          },
        },
      },
    ),
    ...rackLabels(r, annotations),
  ];
}
