import type { Change, Step, StepContext } from '../step';
import type { KubeObject } from '../../../lib/topology/bundle-types';
import { APPLYSET_ANNOTATIONS, APPLYSET_LABELS, PARENT_INFO, parentManifest, parseList, type ApplySetParent } from './applyset';
import { parentAnnotations } from './applyset-step';
import type { KubeClient } from './client';
import { deleteOwned, deletionRank } from './delete';
import { describeRef, stepIdOf, type ObjectRef } from './object-ref';
import { kubeRecords } from './record';
import { restoreObject } from './restore';

/**
 * Pruning, as `kubectl apply --prune --applyset` does it: every object labelled as a member of akb's ApplySet, of a
 * kind the parent lists, in a namespace it lists, that the plan no longer has, is deleted; then the parent is set to
 * list exactly what remains. Objects akb found in the cluster and changed are not members: what akb changed on those
 * that left the plan is put back instead.
 */

interface Observed {
  parent?: KubeObject;
  /** Members in the cluster that the plan no longer has. */
  stale: ObjectRef[];
  /** Objects akb changed but did not create, no longer in the plan. */
  foreign: Array<{ id: string; ref: ObjectRef }>;
  latest: { groupKinds: string; namespaces: string };
}

export function parseGroupKind(gk: string): { group: string; kind: string } {
  const dot = gk.indexOf('.');
  return dot < 0 ? { group: '', kind: gk } : { group: gk.slice(dot + 1), kind: gk.slice(0, dot) };
}

export class KubePruneStep implements Step<Observed> {
  readonly id = 'k8s:prune';
  readonly title = 'objects akb created that left the plan (ApplySet prune)';

  constructor(
    private readonly client: KubeClient,
    private readonly parent: ApplySetParent,
    /** Every object of the plan (members or not). */
    private readonly planned: readonly ObjectRef[],
    readonly dependsOn: string[],
    private readonly timeoutMs = 120_000,
  ) {}

  async observe(ctx: StepContext): Promise<Observed> {
    const parent = (await this.client.resourceInfo(this.parent.ref)) ? await this.client.get(this.parent.ref, PARENT_INFO) : undefined;
    const plannedIds = new Set(this.planned.map(stepIdOf));
    const stale: ObjectRef[] = [];
    if (parent) {
      const namespaces = parseList(parent.metadata.annotations?.[APPLYSET_ANNOTATIONS.namespaces]);
      for (const gk of parseList(parent.metadata.annotations?.[APPLYSET_ANNOTATIONS.groupKinds])) {
        const { group, kind } = parseGroupKind(gk);
        const version = await this.client.preferredVersion(group);
        const info = version ? await this.client.resourceInfo({ group, version, kind }) : undefined;
        if (!version || !info) continue; // the kind is gone (its CRD was deleted): so are its objects
        const selector = `${APPLYSET_LABELS.partOf}=${this.parent.id}`;
        for (const ns of info.namespaced ? namespaces : [undefined]) {
          for (const o of await this.client.list({ group, version, ...(ns ? { namespace: ns } : {}) }, info, selector)) {
            const ref: ObjectRef = {
              apiVersion: group ? `${group}/${version}` : version,
              group,
              version,
              kind,
              ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
              name: o.metadata.name,
            };
            if (!plannedIds.has(stepIdOf(ref))) stale.push(ref);
          }
        }
      }
    }
    const records = kubeRecords(ctx.state);
    const foreign = records
      .filter((r) => !r.data.member && r.record.origin === 'existing' && !plannedIds.has(r.id) && r.data.applied.length > 0)
      .map((r) => ({ id: r.id, ref: r.data.ref as ObjectRef }));
    const members = records.filter((r) => r.data.member && plannedIds.has(r.id)).map((r) => r.data.ref as ObjectRef);
    return { ...(parent ? { parent } : {}), stale, foreign, latest: parentAnnotations(undefined, members, false) };
  }

  diff(o: Observed): Change[] {
    const out: Change[] = [
      ...o.stale
        .sort((a, b) => deletionRank(a) - deletionRank(b))
        .map((r): Change => ({ action: 'delete', target: describeRef(r), note: 'no longer in the plan' })),
      ...o.foreign.map((f): Change => ({
        action: 'restore',
        target: describeRef(f.ref),
        note: "no longer in the plan: akb's changes are undone",
      })),
    ];
    const now = {
      groupKinds: o.parent?.metadata.annotations?.[APPLYSET_ANNOTATIONS.groupKinds] ?? '',
      namespaces: o.parent?.metadata.annotations?.[APPLYSET_ANNOTATIONS.namespaces] ?? '',
    };
    if (o.parent && (now.groupKinds !== o.latest.groupKinds || now.namespaces !== o.latest.namespaces))
      out.push({
        action: 'update',
        target: `ApplySet ${this.parent.ref.kind}.${this.parent.ref.group}/${this.parent.name}`,
        fields: [
          {
            path: 'metadata.annotations',
            from: `${now.groupKinds} | ${now.namespaces}`,
            to: `${o.latest.groupKinds} | ${o.latest.namespaces}`,
          },
        ],
      });
    return out;
  }

  async act(o: Observed, _c: readonly Change[], ctx: StepContext): Promise<void> {
    for (const ref of [...o.stale].sort((a, b) => deletionRank(a) - deletionRank(b))) {
      const info = await this.client.resourceInfo(ref);
      if (info) await deleteOwned(this.client, ref, info, this.parent.id, ctx, this.timeoutMs);
      await ctx.state.remove(stepIdOf(ref));
    }
    for (const f of o.foreign) {
      const record = kubeRecords(ctx.state).find((r) => r.id === f.id);
      const info = await this.client.resourceInfo(f.ref);
      if (record && info) await restoreObject(this.client, f.ref, info, record.data, ctx);
      await ctx.state.remove(f.id);
    }
    if (o.parent) await this.client.apply(parentManifest(this.parent, o.latest), this.parent.ref, PARENT_INFO);
  }
}
