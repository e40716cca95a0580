import type { KubeObject } from '../../k8s/models/object';
import { loadBalancerPool } from './services';
import { meta } from './k8s-meta';
import type { PeerSpec } from './schema';
import { cniNamespace, type LabWorld } from './world';

const BGP_SECRET = 'bgp-secrets';

function secretKey(peer: PeerSpec): string {
  return `rack-${peer.rack}-${peer.ip.replace(/\./g, '-')}`;
}

function peerName(w: LabWorld, peer: PeerSpec): string {
  const anchor = w.scenario.l3out.anchors.find((a) => a.ip === peer.ip);
  return anchor ? `${anchor.leaf}` : peer.ip.replace(/\./g, '-');
}

/** The Secret holding BGP passwords (Calico and Cilium reference it; kube-router carries base64 in node annotations). */
function passwordSecret(w: LabWorld): KubeObject[] {
  const peers = w.scenario.cluster.cni.peers.filter((p) => p.password !== undefined);
  if (peers.length === 0 || w.scenario.cluster.cni.kind === 'kube-router') return [];
  const data = Object.fromEntries(peers.map((p) => [secretKey(p), Buffer.from(p.password!).toString('base64')]));
  return [{ apiVersion: 'v1', kind: 'Secret', metadata: meta(w, 'Secret', cniNamespace(w.scenario), BGP_SECRET), type: 'Opaque', data }];
}

function calico(w: LabWorld): Record<string, KubeObject[]> {
  const c = w.scenario.cluster;
  const adv = c.cni.advertise;
  const ippool: KubeObject = {
    apiVersion: 'crd.projectcalico.org/v1',
    kind: 'IPPool',
    metadata: meta(w, 'IPPool', undefined, 'default-ipv4-ippool'),
    spec: {
      cidr: c.podSubnet,
      blockSize: c.podBlockPrefix,
      ipipMode: 'Never',
      vxlanMode: 'Never',
      natOutgoing: false,
      nodeSelector: 'all()',
    },
  };
  const crd = (kind: string, name: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'crd.projectcalico.org/v1',
    kind,
    metadata: meta(w, kind, undefined, name),
    spec,
  });
  const operator: Record<string, KubeObject[]> =
    c.cni.install === 'operator'
      ? {
          installations: [
            {
              apiVersion: 'operator.tigera.io/v1',
              kind: 'Installation',
              metadata: meta(w, 'Installation', undefined, 'default'),
              spec: {
                calicoNetwork: {
                  bgp: 'Enabled',
                  ipPools: [
                    {
                      cidr: c.podSubnet,
                      blockSize: c.podBlockPrefix,
                      encapsulation: 'None',
                      natOutgoing: 'Disabled',
                      nodeSelector: 'all()',
                    },
                  ],
                },
              },
            },
          ],
          apiservers: [
            { apiVersion: 'operator.tigera.io/v1', kind: 'APIServer', metadata: meta(w, 'APIServer', undefined, 'default'), spec: {} },
          ],
        }
      : {};
  // A cluster whose nodes peer with nobody yet has no BGP configuration at all: Calico's defaults apply.
  if (c.cni.peers.length === 0) return { ...operator, ippools: [ippool] };
  return {
    ...operator,
    bgpconfigurations: [
      crd('BGPConfiguration', 'default', {
        asNumber: c.cni.as,
        logSeverityScreen: 'Info',
        nodeToNodeMeshEnabled: false,
        listenPort: 179,
        ...(adv.clusterIPs ? { serviceClusterIPs: [{ cidr: c.serviceSubnet }] } : {}),
        ...(adv.externalIPs ? { serviceExternalIPs: [{ cidr: c.externalSubnet }] } : {}),
        ...(adv.loadBalancerIPs ? { serviceLoadBalancerIPs: [{ cidr: loadBalancerPool(w).cidr }] } : {}),
      }),
    ],
    bgppeers: c.cni.peers.map((p) =>
      crd('BGPPeer', peerName(w, p), {
        peerIP: p.ip,
        asNumber: p.as,
        nodeSelector: `rack_id == "${p.rack}"`,
        ...(p.password !== undefined ? { password: { secretKeyRef: { name: BGP_SECRET, key: secretKey(p) } } } : {}),
      }),
    ),
    ippools: [ippool],
  };
}

/** Cilium BGP control plane v2 API: one cluster config per rack, one peer config per rack, one advertisement. */
function cilium(w: LabWorld): Record<string, KubeObject[]> {
  const c = w.scenario.cluster;
  const racks = [...new Set(c.cni.peers.map((p) => p.rack))].sort((a, b) => a - b);
  const obj = (kind: string, name: string, spec: Record<string, unknown>, labels?: Record<string, string>): KubeObject => ({
    apiVersion: 'cilium.io/v2',
    kind,
    metadata: meta(w, kind, undefined, name, labels),
    spec,
  });
  const addresses = [
    ...(c.cni.advertise.clusterIPs ? ['ClusterIP'] : []),
    ...(c.cni.advertise.externalIPs ? ['ExternalIP'] : []),
    ...(c.cni.advertise.loadBalancerIPs ? ['LoadBalancerIP'] : []),
  ];
  return {
    ciliumbgpclusterconfigs: racks.map((rack) =>
      obj('CiliumBGPClusterConfig', `rack-${rack}`, {
        nodeSelector: { matchLabels: { rack_id: String(rack) } },
        bgpInstances: [
          {
            name: `instance-${c.cni.as}`,
            localASN: c.cni.as,
            peers: c.cni.peers
              .filter((p) => p.rack === rack)
              .map((p) => ({
                name: `leaf-${peerName(w, p)}`,
                peerAddress: p.ip,
                peerASN: p.as,
                peerConfigRef: { name: `fabric-rack-${rack}` },
              })),
          },
        ],
      }),
    ),
    ciliumbgppeerconfigs: racks.map((rack) => {
      const withPassword = c.cni.peers.find((p) => p.rack === rack && p.password !== undefined);
      return obj('CiliumBGPPeerConfig', `fabric-rack-${rack}`, {
        ...(withPassword ? { authSecretRef: BGP_SECRET } : {}),
        families: [{ afi: 'ipv4', safi: 'unicast', advertisements: { matchLabels: { advertise: 'bgp' } } }],
      });
    }),
    ciliumbgpadvertisements: [
      obj(
        'CiliumBGPAdvertisement',
        'bgp-advertisements',
        {
          advertisements: [
            { advertisementType: 'PodCIDR' },
            {
              advertisementType: 'Service',
              service: { addresses },
              selector: { matchExpressions: [{ key: 'bgp-lab/no-advertise', operator: 'DoesNotExist' }] },
            },
          ],
        },
        { advertise: 'bgp' },
      ),
    ],
  };
}

/** The CNI's own custom resources (kube-router has none: its config is DaemonSet args and node annotations). */
export function deriveCniResources(w: LabWorld): Record<string, KubeObject[]> {
  const kind = w.scenario.cluster.cni.kind;
  const own = kind === 'calico' ? calico(w) : kind === 'cilium' ? cilium(w) : {};
  return { ...own, secrets: passwordSecret(w) };
}
