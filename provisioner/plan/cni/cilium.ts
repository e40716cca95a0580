import type { ResolvedSpec } from '../../spec/defaults';
import { formatCidr } from '../../../lib/net/ip';
import { controlPlaneEndpoint } from '../cluster/kubeadm';
import { manifest, type Manifest } from '../manifest';
import { anchorsByRack, bgpPasswordSecret, RACK_LABEL, rackLabels, rackToken } from './common';

/** Cilium ≥ 1.18 serves the BGP control-plane v2 API (cluster config, peer config, advertisement) as cilium.io/v2. */
const API = 'cilium.io/v2';
const SECRET = { namespace: 'kube-system', name: 'akb-bgp-password', key: 'password' } as const;

/** Helm values for the cilium chart: native routing, no masquerade, kube-proxy replacement, BGP control plane. */
export function ciliumHelmValues(r: ResolvedSpec): Record<string, unknown> {
  const [host, port] = controlPlaneEndpoint(r).split(':');
  const v4 = r.families[0];
  const v6 = r.families[1];
  return {
    kubeProxyReplacement: true,
    // Without kube-proxy, Cilium must reach the API server directly. In ACI-only mode akb does not know
    // the existing cluster's endpoint: set k8sServiceHost/k8sServicePort when installing.
    ...(r.spec.mode === 'full' ? { k8sServiceHost: host, k8sServicePort: Number(port) } : {}),
    routingMode: 'native',
    ipv4NativeRoutingCIDR: formatCidr(v4.podSubnet),
    ...(v6 ? { ipv6NativeRoutingCIDR: formatCidr(v6.podSubnet) } : {}),
    ipv4: { enabled: true },
    ipv6: { enabled: v6 !== undefined },
    enableIPv4Masquerade: false,
    enableIPv6Masquerade: false,
    mtu: r.spec.fabric.mtu,
    bgpControlPlane: { enabled: true },
    ipam: {
      mode: 'cluster-pool',
      operator: {
        clusterPoolIPv4PodCIDRList: [formatCidr(v4.podSubnet)],
        clusterPoolIPv4MaskSize: v4.podBlockSize,
        ...(v6 ? { clusterPoolIPv6PodCIDRList: [formatCidr(v6.podSubnet)], clusterPoolIPv6MaskSize: v6.podBlockSize } : {}),
      },
    },
  };
}

export function ciliumManifests(r: ResolvedSpec): Manifest[] {
  const secret = bgpPasswordSecret(r, SECRET.namespace, SECRET.name, SECRET.key);
  const afs = r.families.map((f) => ({ afi: f.family, safi: 'unicast', advertisements: { matchLabels: { 'akb.io/bgp': 'fabric' } } }));
  const out: Manifest[] = [
    manifest(
      API,
      'CiliumBGPPeerConfig',
      { name: 'akb-anchor-leaf' },
      {
        spec: {
          timers: { holdTimeSeconds: 3, keepAliveTimeSeconds: 1 },
          gracefulRestart: { enabled: true, restartTimeSeconds: 120 },
          ...(secret ? { authSecretRef: SECRET.name } : {}),
          families: afs,
        },
      },
    ),
    manifest(
      API,
      'CiliumBGPAdvertisement',
      { name: 'akb-fabric', labels: { 'akb.io/bgp': 'fabric' } },
      {
        spec: {
          advertisements: [
            { advertisementType: 'PodCIDR' },
            {
              advertisementType: 'Service',
              service: { addresses: ['ClusterIP', 'ExternalIP', 'LoadBalancerIP'] },
              selector: { matchExpressions: [{ key: 'akb.io/no-advertise', operator: 'DoesNotExist' }] },
            },
          ],
        },
      },
    ),
  ];
  if (secret) out.push(secret);
  for (const [rack, anchors] of anchorsByRack(r)) {
    out.push(
      manifest(
        API,
        'CiliumBGPClusterConfig',
        { name: `akb-rack-${rackToken(rack)}` },
        {
          spec: {
            nodeSelector: { matchLabels: { [RACK_LABEL]: rack } },
            bgpInstances: [
              {
                name: `rack-${rackToken(rack)}`,
                localASN: r.clusterAsn,
                peers: anchors.flatMap((a) =>
                  r.families.map((f) => ({
                    name: `leaf-${a.nodeId}-${f.family}`,
                    peerAddress: a[f.family],
                    peerASN: r.spec.fabric.asn,
                    peerConfigRef: { name: 'akb-anchor-leaf' },
                  })),
                ),
              },
            ],
          },
        },
      ),
    );
  }
  return [...out, ...rackLabels(r)];
}
