import { arr, asn, rec, type CniReader, type NodePeer, type UnusedPeer } from '../cluster-types';
import type { AdvertiseConfig } from '../../model/advertise';

/** `--name=value` or `--name value` from a container's args. */
function arg(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
    if (a === `--${name}`) return args[i + 1]?.startsWith('--') === false ? args[i + 1] : 'true';
  }
  return undefined;
}

const list = (v: string | undefined): string[] =>
  v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : [];

/** kube-router: --cluster-asn and --peer-router-* flags on its DaemonSet, per-node annotations (passwords base64). */
export const kubeRouterPeers: CniReader = (_objs, ds, nodes) => {
  const container = rec(
    arr(rec(rec(rec(ds.spec).template).spec).containers).find((c) => rec(c).name === 'kube-router') ??
      arr(rec(rec(rec(ds.spec).template).spec).containers)[0],
  );
  const args = arr(container.args).filter((a): a is string => typeof a === 'string');
  const flag = (name: string, dflt: boolean): boolean => {
    const v = arg(args, name);
    return v === undefined ? dflt : v !== 'false';
  };
  const clusterAs = asn(arg(args, 'cluster-asn'));
  const advertise: AdvertiseConfig = {
    podCidr: flag('advertise-pod-cidr', true),
    aggregates: [],
    aggregating: false,
    clusterIPs: flag('advertise-cluster-ip', false),
    externalIPs: flag('advertise-external-ip', false),
    loadBalancerIPs: flag('advertise-loadbalancer-ip', false),
  };
  // Global peers from the DaemonSet's flags; per-node ones from the node's annotations (passwords base64).
  const globalIps = list(arg(args, 'peer-router-ips'));
  const globalAsns = list(arg(args, 'peer-router-asns'));
  const globalPasswords = list(arg(args, 'peer-router-passwords'));
  const asSource = clusterAs !== undefined ? 'kube-router --cluster-asn' : 'no --cluster-asn';
  const unused: UnusedPeer[] = [];
  const out = nodes.map((n) => {
    const ann = n.annotations;
    const nodeAs = asn(ann['kube-router.io/node.asn']) ?? clusterAs;
    const peers: NodePeer[] = [];
    const add = (ips: string[], asns: string[], passwords: string[], source: string, decode: boolean): void =>
      ips.forEach((ip, i) => {
        const raw = passwords[i] ?? '';
        peers.push({
          peerIp: ip,
          ...(asn(asns[i]) !== undefined ? { remoteAs: asn(asns[i]) } : {}),
          localAs: nodeAs ?? 0,
          password: decode && raw ? Buffer.from(raw, 'base64').toString('utf8') : raw,
          source,
          ...(nodeAs === undefined ? { problem: 'kube-router has no --cluster-asn and the node no kube-router.io/node.asn' } : {}),
        });
      });
    add(globalIps, globalAsns, globalPasswords, 'kube-router --peer-router-ips', false);
    add(
      list(ann['kube-router.io/peer.ips']),
      list(ann['kube-router.io/peer.asns']),
      list(ann['kube-router.io/peer.passwords']),
      `node ${n.name}'s kube-router.io/peer.ips annotation`,
      true,
    );
    return { ...n, asSource: ann['kube-router.io/node.asn'] ? `node ${n.name}'s kube-router.io/node.asn` : asSource, peers, advertise };
  });
  return { nodes: out, unused };
};
