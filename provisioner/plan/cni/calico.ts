import type { ResolvedSpec } from '../../spec/defaults';
import { formatCidr } from '../../../lib/net/ip';
import { manifest, type Manifest } from '../manifest';
import { anchorsByRack, bgpPasswordSecret, RACK_LABEL, rackLabels, rackToken } from './common';

const V3 = 'projectcalico.org/v3';
const SECRET = { namespace: 'calico-system', name: 'akb-bgp-password', key: 'password' } as const;

/**
 * Calico in BGP mode without overlay: no node mesh (the leaves reflect routes thanks to as-override),
 * service cluster and external IPs advertised, one peer per anchor leaf selecting the nodes of its rack.
 * The tigera-operator itself is installed from upstream; `calicoNetwork.ipPools: []` keeps it from
 * creating default pools so the IPPools below are the only ones.
 */
export function calicoManifests(r: ResolvedSpec): Manifest[] {
  const out: Manifest[] = [
    manifest(
      'operator.tigera.io/v1',
      'Installation',
      { name: 'default' },
      {
        spec: { calicoNetwork: { bgp: 'Enabled', mtu: r.spec.fabric.mtu, ipPools: [], linuxDataplane: 'Iptables' } },
      },
    ),
    // The Calico API server serves projectcalico.org/v3, so the objects below apply with plain kubectl.
    manifest('operator.tigera.io/v1', 'APIServer', { name: 'default' }, { spec: {} }),
    ...r.families.map((f) =>
      manifest(
        V3,
        'IPPool',
        { name: `akb-${f.family}-pods` },
        {
          spec: {
            cidr: formatCidr(f.podSubnet),
            blockSize: f.podBlockSize,
            ipipMode: 'Never',
            vxlanMode: 'Never',
            // Pod addresses are routed by the fabric; NAT, if any, belongs to the external L3Out.
            natOutgoing: false,
            nodeSelector: 'all()',
          },
        },
      ),
    ),
    manifest(
      V3,
      'BGPConfiguration',
      { name: 'default' },
      {
        spec: {
          asNumber: r.clusterAsn,
          nodeToNodeMeshEnabled: false,
          listenPort: 179,
          logSeverityScreen: 'Info',
          serviceClusterIPs: r.families.map((f) => ({ cidr: formatCidr(f.serviceSubnet) })),
          serviceExternalIPs: r.families.map((f) => ({ cidr: formatCidr(f.externalServiceSubnet) })),
        },
      },
    ),
  ];
  const secret = bgpPasswordSecret(r, SECRET.namespace, SECRET.name, SECRET.key);
  if (secret) {
    out.push(
      secret,
      // calico-node reads the password itself; give it access to this one Secret only.
      manifest(
        'rbac.authorization.k8s.io/v1',
        'Role',
        { name: 'akb-bgp-password-reader', namespace: SECRET.namespace },
        {
          rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [SECRET.name], verbs: ['watch', 'list', 'get'] }],
        },
      ),
      manifest(
        'rbac.authorization.k8s.io/v1',
        'RoleBinding',
        { name: 'akb-bgp-password-reader', namespace: SECRET.namespace },
        {
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'akb-bgp-password-reader' },
          subjects: [{ kind: 'ServiceAccount', name: 'calico-node', namespace: SECRET.namespace }],
        },
      ),
    );
  }
  // A BGPPeer has one peerIP, so a rack gets one peer per anchor leaf and family, all selecting that rack's nodes.
  for (const [rack, anchors] of anchorsByRack(r)) {
    for (const a of anchors) {
      for (const f of r.families) {
        out.push(
          manifest(
            V3,
            'BGPPeer',
            { name: `rack-${rackToken(rack)}-leaf-${a.nodeId}-${f.family}` },
            {
              spec: {
                nodeSelector: `${RACK_LABEL} == '${rack}'`,
                peerIP: a[f.family],
                asNumber: r.spec.fabric.asn,
                ...(secret ? { password: { secretKeyRef: { name: SECRET.name, key: SECRET.key } } } : {}),
              },
            },
          ),
        );
      }
    }
  }
  return [...out, ...rackLabels(r)];
}
