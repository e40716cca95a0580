import type { Change, Step, StepContext } from '../step';
import type { StateStore } from '../step';
import type { KubeObject } from '../../../lib/topology/bundle-types';
import { APPLYSET_LABELS, PARENT_INFO, type ApplySetParent } from './applyset';
import { PARENT_CRD_ID } from './applyset-step';
import type { KubeClient } from './client';
import { deleteOwned } from './delete';
import { describeRef, stepIdOf, type ObjectRef } from './object-ref';
import { kubeRecords, type KubeRecord } from './record';
import { restoreObject } from './restore';

/**
 * Destroy on the Kubernetes side: only objects the state records, and only as the cluster shows them. An object
 * akb created is deleted if it still carries akb's ApplySet label; one akb changed but did not create gets akb's
 * changes undone; anything else is left and reported. Contents go before their namespace or CRD; the ApplySet
 * parent goes last, and its CRD with it when no other install's ApplySet is left.
 */

type Role = 'member' | 'foreign' | 'parent' | 'parent-crd';

interface Observed {
  live?: KubeObject;
}

export const DESTROY_PREFIX = 'destroy:';

export class KubeDestroyStep implements Step<Observed> {
  readonly id: string;
  readonly title: string;
  readonly ref: ObjectRef;

  constructor(
    private readonly client: KubeClient,
    private readonly recordId: string,
    private readonly record: KubeRecord,
    private readonly role: Role,
    private readonly applySet: ApplySetParent,
    readonly dependsOn: string[],
    private readonly left: string[],
    private readonly timeoutMs = 120_000,
  ) {
    this.ref = record.ref;
    this.id = `${DESTROY_PREFIX}${recordId}`;
    this.title = describeRef(this.ref);
  }

  async observe(): Promise<Observed> {
    const info = await this.client.resourceInfo(this.ref);
    return info ? { live: await this.client.get(this.ref, info) } : {};
  }

  /** Whether the cluster shows the object as akb's (the ApplySet labels), or why it is left. */
  async #ours(live: KubeObject): Promise<string | undefined> {
    const labels = live.metadata.labels ?? {};
    if (this.role === 'parent') return labels[APPLYSET_LABELS.id] === this.applySet.id ? undefined : 'no longer carries its ApplySet ID';
    if (this.role === 'parent-crd') {
      const others = (await this.client.list(this.applySet.ref, PARENT_INFO)).filter((o) => o.metadata.name !== this.applySet.name);
      return others.length === 0 ? undefined : `other installs' ApplySets still use it (${others.map((o) => o.metadata.name).join(', ')})`;
    }
    return labels[APPLYSET_LABELS.partOf] === this.applySet.id ? undefined : "no longer carries akb's ApplySet label";
  }

  async diff(o: Observed, ctx: StepContext): Promise<Change[]> {
    if (!o.live) return [];
    // An object akb found and never changed: nothing to put back.
    if (this.role === 'foreign' && this.record.applied.length === 0) return [];
    if (this.role === 'foreign')
      return [
        {
          action: 'restore',
          target: this.title,
          fields: this.record.before.map((f) => ({
            path: f.path.join('.'),
            ...(f.absent ? { to: '(absent)' } : { to: JSON.stringify(f.value) }),
          })),
        },
      ];
    const why = await this.#ours(o.live);
    if (why) {
      if (ctx.mode === 'destroy') {
        ctx.warn(`${this.title} is left in place: ${why}`);
        this.left.push(`${this.title} (${why})`);
      }
      return [];
    }
    return [{ action: 'delete', target: this.title }];
  }

  async act(o: Observed, _c: readonly Change[], ctx: StepContext): Promise<void> {
    const info = await this.client.resourceInfo(this.ref);
    if (!info || !o.live) return;
    if (this.role === 'foreign') {
      const r = await restoreObject(this.client, this.ref, info, this.record, ctx);
      for (const f of r.keptChanged) this.left.push(`${this.title}: ${f} (changed by someone else since akb set it)`);
    } else if (this.role === 'member') {
      if ((await deleteOwned(this.client, this.ref, info, this.applySet.id, ctx, this.timeoutMs)) === 'not-akbs')
        this.left.push(this.title);
    } else await this.client.delete(this.ref, info);
    await ctx.state.remove(this.recordId);
  }

  async verify(): Promise<void> {
    if (this.role === 'foreign') return;
    const o = await this.observe();
    if (o.live && !this.left.some((l) => l.startsWith(this.title))) throw new Error(`${this.title} is still there`);
  }

  /** A record whose object is gone (deleted by someone, or never created by a killed run), or that holds nothing akb did, is forgotten. */
  async wait(ctx: StepContext): Promise<void> {
    if (ctx.mode !== 'destroy') return;
    if ((this.role === 'foreign' && this.record.applied.length === 0) || !(await this.observe()).live)
      await ctx.state.remove(this.recordId);
  }
}

/** Destroy steps for every Kubernetes object the state records: contents before containers, the ApplySet last. */
export function kubeDestroySteps(
  client: KubeClient,
  state: StateStore,
  applySet: ApplySetParent,
  left: string[],
  timeoutMs?: number,
): Step[] {
  const records = kubeRecords(state);
  const parentId = stepIdOf(applySet.ref);
  const idOf = (id: string) => `${DESTROY_PREFIX}${id}`;
  const ordinary = records.filter((r) => r.id !== parentId && r.id !== PARENT_CRD_ID);
  return records.map((r) => {
    const ref = r.data.ref;
    const deps: string[] = [];
    let role: Role = r.record.origin === 'existing' ? 'foreign' : 'member';
    if (r.id === parentId) {
      role = 'parent';
      deps.push(...ordinary.map((o) => idOf(o.id)));
    } else if (r.id === PARENT_CRD_ID) {
      role = 'parent-crd';
      deps.push(...records.filter((o) => o.id !== PARENT_CRD_ID).map((o) => idOf(o.id)));
    } else if (ref.kind === 'Namespace') deps.push(...ordinary.filter((o) => o.data.ref.namespace === ref.name).map((o) => idOf(o.id)));
    else if (ref.kind === 'CustomResourceDefinition') {
      const group = ref.name.split('.').slice(1).join('.');
      deps.push(
        ...ordinary.filter((o) => o.data.ref.group === group && o.data.ref.kind !== 'CustomResourceDefinition').map((o) => idOf(o.id)),
      );
    }
    return new KubeDestroyStep(client, r.id, r.data, role, applySet, deps, left, timeoutMs);
  });
}
