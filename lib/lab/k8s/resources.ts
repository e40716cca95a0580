import { z } from 'zod';
import type { KubeObject } from '../../k8s/models/object';

/** One API resource (group + plural), served at one or more versions. Objects are stored once per resource. */
export interface ResourceDef {
  group: string;
  /** Served versions; the first is the one stored objects carry. */
  versions: string[];
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  /** True when `/status` is a subresource: then the main endpoint keeps status and `/status` keeps the rest. */
  statusSubresource: boolean;
  /** True for resources defined by a CustomResourceDefinition object in the store. */
  custom: boolean;
  /** A custom resource's discovery categories (`all` puts it in `kubectl get all`), from its CRD. */
  categories?: string[];
  /** A custom resource's `openAPIV3Schema` per served version (what OpenAPI and `kubectl explain` show). */
  schemas?: Record<string, unknown>;
}

function def(
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced: boolean,
  shortNames: string[] = [],
  statusSubresource = false,
): ResourceDef {
  return {
    group,
    versions: [version],
    plural,
    singular: kind.toLowerCase(),
    kind,
    listKind: `${kind}List`,
    namespaced,
    shortNames,
    statusSubresource,
    custom: false,
  };
}

/** Built-in resources of a Kubernetes 1.32 cluster that akb reads or the lab controllers write. */
export const BUILTIN_RESOURCES: readonly ResourceDef[] = [
  def('', 'v1', 'namespaces', 'Namespace', false, ['ns'], true),
  def('', 'v1', 'nodes', 'Node', false, ['no'], true),
  def('', 'v1', 'pods', 'Pod', true, ['po'], true),
  def('', 'v1', 'services', 'Service', true, ['svc'], true),
  def('', 'v1', 'endpoints', 'Endpoints', true, ['ep']),
  def('', 'v1', 'secrets', 'Secret', true),
  def('', 'v1', 'configmaps', 'ConfigMap', true, ['cm']),
  def('', 'v1', 'serviceaccounts', 'ServiceAccount', true, ['sa']),
  def('', 'v1', 'events', 'Event', true, ['ev']),
  // The same Event objects through the newer API (a view: see event-versions.ts).
  def('events.k8s.io', 'v1', 'events', 'Event', true, ['ev']),
  def('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true),
  def('apps', 'v1', 'deployments', 'Deployment', true, ['deploy'], true),
  def('apps', 'v1', 'daemonsets', 'DaemonSet', true, ['ds'], true),
  def('apps', 'v1', 'replicasets', 'ReplicaSet', true, ['rs'], true),
  def('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true),
  def('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true),
  def('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false),
  def('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false),
  def('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, ['ing'], true),
  def('coordination.k8s.io', 'v1', 'leases', 'Lease', true),
  def('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true, ['netpol']),
  def('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, ['pdb'], true),
  def('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false, ['crd', 'crds'], true),
];

interface CatalogueEntry {
  group: string;
  versions: string[];
  plural: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  status?: boolean;
}

/** The CRDs akb knows (Calico, Cilium BGP, ACI CNI fabric attachments, KubeVirt), installable by plural. */
const CRD_CATALOGUE: readonly CatalogueEntry[] = [
  { group: 'crd.projectcalico.org', versions: ['v1'], plural: 'bgpconfigurations', kind: 'BGPConfiguration', namespaced: false },
  { group: 'crd.projectcalico.org', versions: ['v1'], plural: 'bgppeers', kind: 'BGPPeer', namespaced: false },
  { group: 'crd.projectcalico.org', versions: ['v1'], plural: 'ippools', kind: 'IPPool', namespaced: false },
  { group: 'crd.projectcalico.org', versions: ['v1'], plural: 'nodes', kind: 'Node', namespaced: false },
  // Cilium serves both; v2 is the storage version since 1.18, v2alpha1 remains served.
  {
    group: 'cilium.io',
    versions: ['v2', 'v2alpha1'],
    plural: 'ciliumbgpclusterconfigs',
    kind: 'CiliumBGPClusterConfig',
    namespaced: false,
    shortNames: ['cbgpcluster'],
    status: true,
  },
  {
    group: 'cilium.io',
    versions: ['v2', 'v2alpha1'],
    plural: 'ciliumbgppeerconfigs',
    kind: 'CiliumBGPPeerConfig',
    namespaced: false,
    status: true,
  },
  {
    group: 'cilium.io',
    versions: ['v2', 'v2alpha1'],
    plural: 'ciliumbgpadvertisements',
    kind: 'CiliumBGPAdvertisement',
    namespaced: false,
    shortNames: ['cbgpadvert'],
  },
  {
    group: 'aci.fabricattachment',
    versions: ['v1'],
    plural: 'nodefabricnetworkattachments',
    kind: 'NodeFabricNetworkAttachment',
    namespaced: true,
    status: true,
  },
  {
    group: 'kubevirt.io',
    versions: ['v1'],
    plural: 'virtualmachineinstances',
    kind: 'VirtualMachineInstance',
    namespaced: true,
    shortNames: ['vmi', 'vmis'],
    status: true,
  },
];

/**
 * What a tigera-operator install of Calico adds: the operator's own resources, and the projectcalico.org/v3 API
 * the Calico API server serves next to the crd.projectcalico.org/v1 CRDs (the lab serves it as CRDs of its own:
 * an object written through one group is not seen through the other; the twin reads both, v3 first).
 */
const CALICO_OPERATOR_CATALOGUE: readonly CatalogueEntry[] = [
  { group: 'operator.tigera.io', versions: ['v1'], plural: 'installations', kind: 'Installation', namespaced: false, status: true },
  { group: 'operator.tigera.io', versions: ['v1'], plural: 'apiservers', kind: 'APIServer', namespaced: false, status: true },
  { group: 'projectcalico.org', versions: ['v3'], plural: 'bgpconfigurations', kind: 'BGPConfiguration', namespaced: false },
  { group: 'projectcalico.org', versions: ['v3'], plural: 'bgppeers', kind: 'BGPPeer', namespaced: false },
  { group: 'projectcalico.org', versions: ['v3'], plural: 'ippools', kind: 'IPPool', namespaced: false },
];

/** `plural` and `plural.group` names of every catalogue CRD (the default of `installedCrds`). */
export const KNOWN_CRDS: readonly string[] = CRD_CATALOGUE.map((c) => `${c.plural}.${c.group}`);

/** The CRDs of a tigera-operator Calico install (installed on top of KNOWN_CRDS when a scenario says so). */
export const CALICO_OPERATOR_CRDS: readonly string[] = CALICO_OPERATOR_CATALOGUE.map((c) => `${c.plural}.${c.group}`);

/** A CustomResourceDefinition manifest for a catalogue entry, named by `plural` or `plural.group`. */
export function crdManifest(name: string): KubeObject {
  const entry =
    CRD_CATALOGUE.find((c) => c.plural === name || `${c.plural}.${c.group}` === name) ??
    CALICO_OPERATOR_CATALOGUE.find((c) => `${c.plural}.${c.group}` === name);
  if (!entry) throw new Error(`unknown CRD "${name}"; known: ${[...KNOWN_CRDS, ...CALICO_OPERATOR_CRDS].join(', ')}`);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${entry.plural}.${entry.group}` },
    spec: {
      group: entry.group,
      scope: entry.namespaced ? 'Namespaced' : 'Cluster',
      names: {
        plural: entry.plural,
        singular: entry.kind.toLowerCase(),
        kind: entry.kind,
        listKind: `${entry.kind}List`,
        ...(entry.shortNames ? { shortNames: entry.shortNames } : {}),
      },
      versions: entry.versions.map((v, i) => ({
        name: v,
        served: true,
        storage: i === 0,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        ...(entry.status ? { subresources: { status: {} } } : {}),
      })),
    },
  };
}

const dnsLabel = z.string().regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'must be a lower-case DNS label');
const crdSpecSchema = z.object({
  group: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a DNS subdomain'),
  scope: z.enum(['Namespaced', 'Cluster']),
  names: z.object({
    plural: dnsLabel,
    singular: dnsLabel.optional(),
    kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'must be a CamelCase kind'),
    listKind: z.string().optional(),
    shortNames: z.array(z.string()).optional(),
    categories: z.array(z.string()).optional(),
  }),
  versions: z
    .array(
      z.looseObject({
        name: dnsLabel,
        served: z.boolean(),
        storage: z.boolean(),
        subresources: z.looseObject({ status: z.looseObject({}).optional() }).optional(),
        schema: z.looseObject({ openAPIV3Schema: z.looseObject({}).optional() }).optional(),
      }),
    )
    .min(1, 'at least one version is required'),
});

export interface CrdProblem {
  field: string;
  message: string;
}

/** Validates a CRD object and derives the resource it defines, or lists what is wrong with field paths. */
export function resourceFromCrd(crd: KubeObject): ResourceDef | CrdProblem[] {
  const parsed = crdSpecSchema.safeParse(crd.spec);
  if (!parsed.success) {
    return parsed.error.issues.map((i) => ({ field: ['spec', ...i.path.map(String)].join('.'), message: i.message }));
  }
  const spec = parsed.data;
  const expectedName = `${spec.names.plural}.${spec.group}`;
  if (crd.metadata.name !== expectedName) {
    return [{ field: 'metadata.name', message: `must be spec.names.plural+"."+spec.group ("${expectedName}")` }];
  }
  const served = spec.versions.filter((v) => v.served);
  const storage = served.find((v) => v.storage) ?? served[0];
  if (!storage) return [{ field: 'spec.versions', message: 'at least one version must be served' }];
  return {
    group: spec.group,
    versions: [storage.name, ...served.filter((v) => v !== storage).map((v) => v.name)],
    plural: spec.names.plural,
    singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
    kind: spec.names.kind,
    listKind: spec.names.listKind ?? `${spec.names.kind}List`,
    namespaced: spec.scope === 'Namespaced',
    shortNames: spec.names.shortNames ?? [],
    statusSubresource: served.some((v) => v.subresources?.status !== undefined),
    custom: true,
    ...(spec.names.categories ? { categories: spec.names.categories } : {}),
    schemas: Object.fromEntries(served.flatMap((v) => (v.schema?.openAPIV3Schema ? [[v.name, v.schema.openAPIV3Schema]] : []))),
  };
}

export function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}
