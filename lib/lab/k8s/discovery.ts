import type { ResourceRegistry } from './registry';
import { hasScale } from './scale';
import { groupVersion, type ResourceDef } from './resources';

/**
 * Legacy (aggregated-less) discovery documents (WIRE.md B6.4). Clients that ask for apidiscovery v2 get these
 * as plain application/json and fall back to legacy discovery, as they do against older apiservers.
 */
const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
/** The built-in resources `kubectl get all` lists (their discovery category `all`). */
const ALL_CATEGORY = new Set(['/pods', '/services', 'apps/deployments', 'apps/daemonsets', 'apps/replicasets']);

/** What `/version` reports; kubectl's dispatcher here picks its 1.32 binary from it. */
export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T16:02:27Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function apiVersions(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(name: string, versions: string[]): unknown {
  const list = versions.map((version) => ({ groupVersion: groupVersion(name, version), version }));
  return { name, versions: list, preferredVersion: list[0] };
}

export function apiGroupList(registry: ResourceRegistry): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: registry.groups().map((g) => apiGroup(g.name, g.versions)) };
}

export function apiGroupDoc(registry: ResourceRegistry, group: string): unknown | undefined {
  const g = registry.groups().find((x) => x.name === group);
  return g && { kind: 'APIGroup', apiVersion: 'v1', ...(apiGroup(g.name, g.versions) as object) };
}

function resourceEntries(d: ResourceDef): unknown[] {
  const main = {
    name: d.plural,
    singularName: d.singular,
    namespaced: d.namespaced,
    kind: d.kind,
    verbs: VERBS,
    ...(d.shortNames.length ? { shortNames: d.shortNames } : {}),
    ...(d.categories?.length ? { categories: d.categories } : ALL_CATEGORY.has(`${d.group}/${d.plural}`) ? { categories: ['all'] } : {}),
  };
  const status = {
    name: `${d.plural}/status`,
    singularName: '',
    namespaced: d.namespaced,
    kind: d.kind,
    verbs: ['get', 'patch', 'update'],
  };
  const scale = {
    name: `${d.plural}/scale`,
    singularName: '',
    namespaced: d.namespaced,
    group: 'autoscaling',
    version: 'v1',
    kind: 'Scale',
    verbs: ['get', 'patch', 'update'],
  };
  const pods = d.group === '' && d.plural === 'pods';
  const podSubresources = [
    { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
    { name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] },
  ];
  return [main, ...(d.statusSubresource ? [status] : []), ...(hasScale(d) ? [scale] : []), ...(pods ? podSubresources : [])];
}

export function apiResourceList(registry: ResourceRegistry, group: string, version: string): unknown | undefined {
  const defs = registry.resourcesAt(group, version);
  if (defs.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion(group, version),
    resources: defs.flatMap(resourceEntries),
  };
}
