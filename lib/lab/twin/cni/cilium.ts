import { matchesLabelSelector } from '../../../k8s/models/selectors';
import { arr, asn, peerAddress, rec, secretValue, str, type CniReader, type NodePeer, type UnusedPeer } from '../cluster-types';
import type { AdvertiseConfig } from '../../model/advertise';

/** Cilium's BGP control plane (v2 and v2alpha1 serve the same objects): cluster configs select nodes, peer configs hold auth and families. */
export const ciliumPeers: CniReader = (objs, _ds, nodes) => {
  const peerConfigs = new Map(objs.ciliumPeerConfigs.map((p) => [p.metadata.name, rec(p.spec)]));
  const unused: UnusedPeer[] = [];
  const peersOf = new Map<string, NodePeer[]>(nodes.map((n) => [n.name, []]));
  const asOf = new Map<string, string>();
  const advertisedTypes = new Set<string>();
  for (const cc of objs.ciliumClusterConfigs) {
    const spec = rec(cc.spec);
    const selector = spec.nodeSelector as Parameters<typeof matchesLabelSelector>[0];
    const selected = nodes.filter((n) => matchesLabelSelector(selector, n.labels));
    for (const inst of arr(spec.bgpInstances).map(rec)) {
      const localAs = asn(inst.localASN);
      for (const p of arr(inst.peers).map(rec)) {
        const source = `CiliumBGPClusterConfig ${cc.metadata.name} peer ${str(p.name) ?? '?'}`;
        const peerIp = peerAddress(str(p.peerAddress) ?? '');
        const refName = str(rec(p.peerConfigRef).name);
        const pc = refName !== undefined ? peerConfigs.get(refName) : undefined;
        for (const fam of arr(pc?.families).map(rec)) {
          const sel = rec(fam.advertisements).matchLabels as Record<string, string> | undefined;
          for (const adv of objs.ciliumAdvertisements)
            if (matchesLabelSelector({ matchLabels: sel ?? {} }, (adv.metadata.labels as Record<string, string>) ?? {}))
              for (const a of arr(rec(adv.spec).advertisements).map(rec)) {
                if (a.advertisementType === 'PodCIDR') advertisedTypes.add('PodCIDR');
                if (a.advertisementType === 'Service') for (const t of arr(rec(a.service).addresses)) advertisedTypes.add(String(t));
              }
        }
        const authRef = str(pc?.authSecretRef);
        // Cilium reads BGP auth Secrets from its BGP secrets namespace (kube-system by default), key "password".
        const secret = authRef ? secretValue(objs, 'kube-system', authRef, 'password') : { value: '' };
        const problem =
          refName !== undefined && !pc
            ? `${source}'s peerConfigRef ${refName} does not exist`
            : localAs === undefined
              ? `${source}'s instance has no localASN`
              : 'problem' in secret
                ? `${source}'s password: ${secret.problem}`
                : undefined;
        const peer: NodePeer = {
          peerIp,
          ...(asn(p.peerASN) !== undefined ? { remoteAs: asn(p.peerASN) } : {}),
          localAs: localAs ?? 0,
          password: 'value' in secret ? secret.value : '',
          source,
          ...(problem ? { problem } : {}),
        };
        if (selected.length === 0)
          unused.push({ source, peerIp, why: `CiliumBGPClusterConfig ${cc.metadata.name}'s nodeSelector selects no node` });
        for (const n of selected) {
          peersOf.get(n.name)!.push(peer);
          asOf.set(n.name, `CiliumBGPClusterConfig ${cc.metadata.name}`);
        }
      }
    }
  }
  const advertise: AdvertiseConfig = {
    podCidr: advertisedTypes.has('PodCIDR'),
    aggregates: [],
    aggregating: false,
    clusterIPs: advertisedTypes.has('ClusterIP'),
    externalIPs: advertisedTypes.has('ExternalIP'),
    loadBalancerIPs: advertisedTypes.has('LoadBalancerIP'),
  };
  return {
    nodes: nodes.map((n) => ({
      ...n,
      asSource: asOf.get(n.name) ?? 'no CiliumBGPClusterConfig selects it',
      peers: peersOf.get(n.name)!,
      advertise,
    })),
    unused,
  };
};
