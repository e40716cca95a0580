import { createHash } from 'node:crypto';
import type { Manifest } from '../../plan/manifest';
import { groupKind, type ObjectRef, type ResourceInfo } from './object-ref';

/**
 * kubectl's ApplySet convention (KEP-3659), so that `kubectl apply --prune --applyset` and akb agree on which
 * objects belong to a cluster's install: a parent object labelled with the set's ID, members labelled
 * `applyset.kubernetes.io/part-of=<ID>`, and the parent's annotations listing the member group-kinds and their
 * namespaces. The ID is kubectl's: base64url(sha256(<name>.<namespace>.<kind>.<group>)).
 *
 * The parent is a cluster-scoped custom resource (`ApplySet.akb.io`, its CRD labelled as an ApplySet parent type,
 * which kubectl accepts): akb's members live in several namespaces, and kubectl only handles that with a
 * cluster-scoped parent (with a namespaced one, every object must be in the parent's namespace).
 * Only objects akb created are members: pruning never deletes an object akb found in the cluster.
 */

export const APPLYSET_LABELS = {
  id: 'applyset.kubernetes.io/id',
  partOf: 'applyset.kubernetes.io/part-of',
  parentType: 'applyset.kubernetes.io/is-parent-type',
} as const;
export const APPLYSET_ANNOTATIONS = {
  tooling: 'applyset.kubernetes.io/tooling',
  groupKinds: 'applyset.kubernetes.io/contains-group-kinds',
  namespaces: 'applyset.kubernetes.io/additional-namespaces',
} as const;

/** The tooling annotation akb writes. kubectl refuses to change an ApplySet of another tool, and so does akb. */
export const AKB_TOOLING = 'akb/v0.1.0';

export const PARENT_GROUP = 'akb.io';
export const PARENT_KIND = 'ApplySet';
export const PARENT_INFO: ResourceInfo = { plural: 'applysets', namespaced: false };

/** The CRD of akb's ApplySet parents. */
export const PARENT_CRD: Manifest = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${PARENT_INFO.plural}.${PARENT_GROUP}`, labels: { [APPLYSET_LABELS.parentType]: 'true' } },
  spec: {
    group: PARENT_GROUP,
    scope: 'Cluster',
    names: { plural: PARENT_INFO.plural, singular: 'applyset', kind: PARENT_KIND, listKind: `${PARENT_KIND}List` },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        // The set is its labels and annotations; the object holds nothing else.
        schema: { openAPIV3Schema: { type: 'object', description: "An akb install's ApplySet parent (KEP-3659)" } },
      },
    ],
  },
};

export interface ApplySetParent {
  name: string;
  id: string;
  ref: ObjectRef;
}

export function applySetId(p: { name: string; namespace: string; kind: string; group: string }): string {
  const digest = createHash('sha256').update(`${p.name}.${p.namespace}.${p.kind}.${p.group}`).digest('base64url');
  return `applyset-${digest}-v1`;
}

/** The parent of a cluster's install: `ApplySet.akb.io/<cluster>`. */
export function applySetParent(cluster: string): ApplySetParent {
  return {
    name: cluster,
    id: applySetId({ name: cluster, namespace: '', kind: PARENT_KIND, group: PARENT_GROUP }),
    ref: { apiVersion: `${PARENT_GROUP}/v1`, group: PARENT_GROUP, version: 'v1', kind: PARENT_KIND, name: cluster },
  };
}

/** The members' group-kinds and namespaces, sorted and joined as kubectl writes them. */
export function memberAnnotations(members: readonly ObjectRef[]): { groupKinds: string; namespaces: string } {
  const gks = [...new Set(members.map(groupKind))].sort();
  const nss = [...new Set(members.flatMap((m) => (m.namespace ? [m.namespace] : [])))].sort();
  return { groupKinds: gks.join(','), namespaces: nss.join(',') };
}

export function parseList(annotation: string | undefined): string[] {
  return (annotation ?? '').split(',').filter((s) => s !== '');
}

/** The parent as akb applies it. */
export function parentManifest(p: ApplySetParent, a: { groupKinds: string; namespaces: string }): Manifest {
  return {
    apiVersion: p.ref.apiVersion,
    kind: PARENT_KIND,
    metadata: {
      name: p.name,
      labels: { [APPLYSET_LABELS.id]: p.id },
      annotations: {
        [APPLYSET_ANNOTATIONS.tooling]: AKB_TOOLING,
        [APPLYSET_ANNOTATIONS.groupKinds]: a.groupKinds,
        [APPLYSET_ANNOTATIONS.namespaces]: a.namespaces,
      },
    },
  };
}
