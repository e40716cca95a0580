import type { Manifest } from '../../plan/manifest';

/**
 * How the provider names a Kubernetes object: its group, version, kind, namespace and name, the stable step ID
 * built from them (`k8s:<group>/<Kind>/<namespace>/<name>`, `core` for the core group, `-` for no namespace), and
 * its API paths once discovery has told whether the kind is namespaced and what it is called in URLs.
 */
export interface ObjectRef {
  apiVersion: string;
  group: string;
  version: string;
  kind: string;
  namespace?: string;
  name: string;
}

export function refOf(m: Pick<Manifest, 'apiVersion' | 'kind' | 'metadata'>): ObjectRef {
  const slash = m.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : m.apiVersion.slice(0, slash);
  const version = slash < 0 ? m.apiVersion : m.apiVersion.slice(slash + 1);
  return {
    apiVersion: m.apiVersion,
    group,
    version,
    kind: m.kind,
    ...(m.metadata.namespace ? { namespace: m.metadata.namespace } : {}),
    name: m.metadata.name,
  };
}

/** `k8s:apps/Deployment/akb/akb`, `k8s:core/Namespace/-/akb`. */
export function stepIdOf(r: ObjectRef): string {
  return `k8s:${r.group || 'core'}/${r.kind}/${r.namespace ?? '-'}/${r.name}`;
}

/** `Deployment akb/akb`, `BGPPeer rack-1-leaf-101-ipv4` for messages. */
export function describeRef(r: ObjectRef): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

/** `Kind.group` (`Deployment.apps`, `Secret`): the ApplySet's group-kind notation. */
export function groupKind(r: Pick<ObjectRef, 'group' | 'kind'>): string {
  return r.group ? `${r.kind}.${r.group}` : r.kind;
}

/** What discovery says about a kind at a group-version. */
export interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}

export function collectionUrl(r: Pick<ObjectRef, 'group' | 'version' | 'namespace'>, info: ResourceInfo): string {
  const gv = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return `${gv}${info.namespaced && r.namespace ? `/namespaces/${encodeURIComponent(r.namespace)}` : ''}/${info.plural}`;
}

export function objectUrl(r: ObjectRef, info: ResourceInfo): string {
  return `${collectionUrl(r, info)}/${encodeURIComponent(r.name)}`;
}
