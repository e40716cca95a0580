import type { KubeObject } from '../../topology/bundle-types';
import type { AdvertiseConfig } from '../model/advertise';

/**
 * The node side of BGP, read from a cluster's objects the way each CNI's BGP speaker reads them: which peers each
 * node opens, in which AS, with which password, and what it advertises. Pure: the objects come from a ClusterIndex.
 */

export type CniKind = 'calico' | 'kube-router' | 'cilium';

/** One BGP neighbour a node's speaker is configured with. */
export interface NodePeer {
  peerIp: string;
  /** The AS the node expects the neighbour in. */
  remoteAs?: number;
  /** The AS the node speaks in towards it. */
  localAs: number;
  /** '' for none. */
  password: string;
  /** What configured it, for reasons: `BGPPeer rack-1-leaf-101`, `annotation kube-router.io/peer.ips`. */
  source: string;
  /** Set when the speaker cannot use the peer (a password Secret it cannot read). */
  problem?: string;
}

export interface NodeBgpConfig {
  name: string;
  ready: boolean;
  /** InternalIP. */
  ip?: string;
  podCidr?: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  /** Where the node's local AS comes from (`BGPConfiguration default`), for reasons. */
  asSource: string;
  peers: NodePeer[];
  advertise: AdvertiseConfig;
}

/** A peering object that configures nobody, for reasons (`BGPPeer x: nodeSelector ... selects no node`). */
export interface UnusedPeer {
  source: string;
  peerIp: string;
  why: string;
}

export interface ClusterConfig {
  cni?: CniKind;
  nodes: NodeBgpConfig[];
  unused: UnusedPeer[];
}

/** What the readers need of a cluster; one entry per object, whatever API group served it. */
export interface ClusterObjects {
  nodes: readonly KubeObject[];
  daemonSets: readonly KubeObject[];
  secret(namespace: string, name: string): KubeObject | undefined;
  /** Calico resources from crd.projectcalico.org/v1 and projectcalico.org/v3, merged by name (v3 wins). */
  bgpConfigurations: readonly KubeObject[];
  bgpPeers: readonly KubeObject[];
  ciliumClusterConfigs: readonly KubeObject[];
  ciliumPeerConfigs: readonly KubeObject[];
  ciliumAdvertisements: readonly KubeObject[];
}

export type Obj = Record<string, unknown>;
export const rec = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const asn = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

/** Calico's default AS when no BGPConfiguration sets one. */
export const CALICO_DEFAULT_AS = 64512;

/** `10.0.0.1`, `10.0.0.1:179`, `[fd00::1]:179` → the address. */
export function peerAddress(text: string): string {
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (v6) return v6[1]!;
  const m = /^([\d.]+)(?::\d+)?$/.exec(text);
  return m ? m[1]! : text.split('/')[0]!;
}

export function nodeFacts(o: KubeObject): Pick<NodeBgpConfig, 'name' | 'ready' | 'ip' | 'podCidr' | 'labels' | 'annotations'> {
  const status = rec(o.status);
  const ready = arr(status.conditions).some((c) => rec(c).type === 'Ready' && rec(c).status === 'True');
  const ip = str(rec(arr(status.addresses).find((a) => rec(a).type === 'InternalIP')).address);
  const podCidr = str(rec(o.spec).podCIDR);
  return {
    name: o.metadata.name,
    ready,
    ...(ip ? { ip } : {}),
    ...(podCidr ? { podCidr } : {}),
    labels: (o.metadata.labels as Record<string, string> | undefined) ?? {},
    annotations: (o.metadata.annotations as Record<string, string> | undefined) ?? {},
  };
}

/** A key of a Secret, decoded (`data` is base64; `stringData` as written), or why it cannot be read. */
export function secretValue(objs: ClusterObjects, namespace: string, name: string, key: string): { value: string } | { problem: string } {
  const s = objs.secret(namespace, name);
  if (!s) return { problem: `Secret ${namespace}/${name} does not exist` };
  const data = rec((s as Obj).data);
  const plain = rec((s as Obj).stringData);
  if (typeof data[key] === 'string') return { value: Buffer.from(data[key] as string, 'base64').toString('utf8') };
  if (typeof plain[key] === 'string') return { value: plain[key] as string };
  return { problem: `Secret ${namespace}/${name} has no key "${key}"` };
}

export type NodeBase = ReturnType<typeof nodeFacts>;
/** A CNI's reader: its nodes' peers and advertisements from the cluster's objects. */
export type CniReader = (objs: ClusterObjects, ds: KubeObject, nodes: NodeBase[]) => Omit<ClusterConfig, 'cni'>;
