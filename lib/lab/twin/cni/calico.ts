import { calicoSelector } from '../../../k8s/models/selectors';
import { CALICO_DEFAULT_AS } from '../cluster-types';
import {
  arr,
  asn,
  peerAddress,
  rec,
  secretValue,
  str,
  type CniReader,
  type NodeBase,
  type NodePeer,
  type UnusedPeer,
} from '../cluster-types';
import type { AdvertiseConfig } from '../../model/advertise';

/**
 * Calico: the node AS from BGPConfiguration default (Calico's 64512 without one), one peer per BGPPeer selecting the
 * node (`node`, `nodeSelector`, or every node), its password from a Secret in calico-node's namespace.
 */
export const calicoPeers: CniReader = (objs, ds, nodes) => {
  const cfg = objs.bgpConfigurations.find((c) => c.metadata.name === 'default');
  const spec = rec(cfg?.spec);
  const nodeAs = asn(spec.asNumber) ?? CALICO_DEFAULT_AS;
  const asSource = cfg ? `BGPConfiguration default` : `Calico's default AS ${CALICO_DEFAULT_AS} (no BGPConfiguration default)`;
  const cidrs = (k: string): string[] => arr(spec[k]).flatMap((e) => str(rec(e).cidr) ?? []);
  const advertise: AdvertiseConfig = {
    podCidr: true,
    aggregates: [...cidrs('serviceClusterIPs'), ...cidrs('serviceExternalIPs'), ...cidrs('serviceLoadBalancerIPs')],
    aggregating: true,
    clusterIPs: cidrs('serviceClusterIPs').length > 0,
    externalIPs: cidrs('serviceExternalIPs').length > 0,
    loadBalancerIPs: cidrs('serviceLoadBalancerIPs').length > 0,
  };
  // calico-node reads BGP passwords from Secrets in its own namespace.
  const ns = ds.metadata.namespace ?? 'kube-system';
  const peersOf = new Map<string, NodePeer[]>(nodes.map((n) => [n.name, []]));
  const unused: UnusedPeer[] = [];
  for (const p of objs.bgpPeers) {
    const ps = rec(p.spec);
    const peerIp = peerAddress(str(ps.peerIP) ?? '');
    if (ps.peerSelector !== undefined || !peerIp) continue; // node-to-node peerings, not the fabric
    const source = `BGPPeer ${p.metadata.name}`;
    const node = str(ps.node);
    const selectorText = str(ps.nodeSelector);
    const select = node !== undefined ? (n: NodeBase) => n.name === node : calicoSelector(selectorText);
    if (!select) {
      unused.push({ source, peerIp, why: `${source}'s nodeSelector "${selectorText}" uses syntax the lab does not evaluate` });
      continue;
    }
    const ref = rec(rec(ps.password).secretKeyRef);
    const secret = str(ref.name) && str(ref.key) ? secretValue(objs, ns, str(ref.name)!, str(ref.key)!) : { value: '' };
    const peer: NodePeer = {
      peerIp,
      ...(asn(ps.asNumber) !== undefined ? { remoteAs: asn(ps.asNumber) } : {}),
      localAs: asn(ps.localASNumber) ?? nodeAs,
      password: 'value' in secret ? secret.value : '',
      source,
      ...('problem' in secret ? { problem: `${source}'s password: ${secret.problem}` } : {}),
    };
    const selected = nodes.filter((n) => (node !== undefined ? n.name === node : (select as (l: NodeBase['labels']) => boolean)(n.labels)));
    if (selected.length === 0)
      unused.push({
        source,
        peerIp,
        why:
          node !== undefined
            ? `${source}'s node "${node}" is not a node of the cluster`
            : `${source}'s nodeSelector "${selectorText ?? ''}" selects no node`,
      });
    for (const n of selected) peersOf.get(n.name)!.push(peer);
  }
  return { nodes: nodes.map((n) => ({ ...n, asSource, peers: peersOf.get(n.name)!, advertise })), unused };
};
