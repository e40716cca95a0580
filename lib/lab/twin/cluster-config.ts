import type { KubeObject } from '../../topology/bundle-types';
import type { AdvertiseConfig } from '../model/advertise';
import { calicoPeers } from './cni/calico';
import { ciliumPeers } from './cni/cilium';
import { kubeRouterPeers } from './cni/kube-router';
import { nodeFacts, type ClusterConfig, type ClusterObjects, type CniKind } from './cluster-types';

export type { ClusterConfig, ClusterObjects, CniKind, NodeBgpConfig, NodePeer, UnusedPeer } from './cluster-types';

/** The CNI running in the cluster: the first of its node agents' DaemonSets found. */
export function detectCni(daemonSets: readonly KubeObject[]): { kind: CniKind; ds: KubeObject } | undefined {
  for (const [kind, name] of [
    ['calico', 'calico-node'],
    ['kube-router', 'kube-router'],
    ['cilium', 'cilium'],
  ] as const) {
    const ds = daemonSets.find((d) => d.metadata.name === name);
    if (ds) return { kind, ds };
  }
  return undefined;
}

export function readClusterConfig(objs: ClusterObjects): ClusterConfig {
  const cni = detectCni(objs.daemonSets);
  const base = objs.nodes.map(nodeFacts);
  if (!cni) return { nodes: base.map((n) => ({ ...n, asSource: 'no BGP-speaking CNI', peers: [], advertise: NONE })), unused: [] };
  const read = cni.kind === 'calico' ? calicoPeers : cni.kind === 'kube-router' ? kubeRouterPeers : ciliumPeers;
  return { cni: cni.kind, ...read(objs, cni.ds, base) };
}

const NONE: AdvertiseConfig = {
  podCidr: false,
  aggregates: [],
  aggregating: false,
  clusterIPs: false,
  externalIPs: false,
  loadBalancerIPs: false,
};
