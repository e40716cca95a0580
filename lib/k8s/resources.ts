/**
 * The Kubernetes resources akb reads, keyed exactly as the bundle's `k8s` section (CONTRACTS.md §1).
 * Core and apps resources are always present; custom resources are optional and discovered.
 */
export interface ClusterResource {
  /** The bundle `k8s` key (lower-case plural; unique). */
  key: string;
  /** API group; `''` for the core group. */
  group: string;
  /** Versions in order of preference; discovery picks the first one the server serves. */
  versions: readonly string[];
  plural: string;
  namespaced: boolean;
  /** False for resources every cluster has (never rediscovered, always watched). */
  optional: boolean;
}

export const CLUSTER_RESOURCES: readonly ClusterResource[] = [
  { key: 'nodes', group: '', versions: ['v1'], plural: 'nodes', namespaced: false, optional: false },
  { key: 'pods', group: '', versions: ['v1'], plural: 'pods', namespaced: true, optional: false },
  { key: 'services', group: '', versions: ['v1'], plural: 'services', namespaced: true, optional: false },
  { key: 'endpointslices', group: 'discovery.k8s.io', versions: ['v1'], plural: 'endpointslices', namespaced: true, optional: false },
  // kube-router runs as a DaemonSet whose container args carry --cluster-asn (AS detection).
  { key: 'daemonsets', group: 'apps', versions: ['v1'], plural: 'daemonsets', namespaced: true, optional: false },
  {
    key: 'bgpconfigurations',
    group: 'crd.projectcalico.org',
    versions: ['v1'],
    plural: 'bgpconfigurations',
    namespaced: false,
    optional: true,
  },
  { key: 'bgppeers', group: 'crd.projectcalico.org', versions: ['v1'], plural: 'bgppeers', namespaced: false, optional: true },
  { key: 'ippools', group: 'crd.projectcalico.org', versions: ['v1'], plural: 'ippools', namespaced: false, optional: true },
  // Cilium: v2 since 1.18; v2alpha1 on older releases (and still served by newer ones).
  {
    key: 'ciliumbgpclusterconfigs',
    group: 'cilium.io',
    versions: ['v2', 'v2alpha1'],
    plural: 'ciliumbgpclusterconfigs',
    namespaced: false,
    optional: true,
  },
  {
    key: 'ciliumbgppeerconfigs',
    group: 'cilium.io',
    versions: ['v2', 'v2alpha1'],
    plural: 'ciliumbgppeerconfigs',
    namespaced: false,
    optional: true,
  },
  {
    key: 'ciliumbgpadvertisements',
    group: 'cilium.io',
    versions: ['v2', 'v2alpha1'],
    plural: 'ciliumbgpadvertisements',
    namespaced: false,
    optional: true,
  },
  {
    key: 'nodefabricnetworkattachments',
    group: 'aci.fabricattachment',
    versions: ['v1'],
    plural: 'nodefabricnetworkattachments',
    namespaced: true,
    optional: true,
  },
  {
    key: 'virtualmachineinstances',
    group: 'kubevirt.io',
    versions: ['v1'],
    plural: 'virtualmachineinstances',
    namespaced: true,
    optional: true,
  },
];

/** The cluster-wide collection path of a resource at a version: `/api/v1/pods`, `/apis/cilium.io/v2/ciliumbgpclusterconfigs`. */
export function collectionPath(r: Pick<ClusterResource, 'group' | 'plural'>, version: string): string {
  return r.group === '' ? `/api/${version}/${r.plural}` : `/apis/${r.group}/${version}/${r.plural}`;
}

/** The discovery document path of a group-version: `/api/v1`, `/apis/apps/v1`. */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}
