import { StepRefusedError, type Change, type FieldChange, type Step, type StepContext } from '../step';
import type { KubeObject } from '../../../lib/topology/bundle-types';
import type { StateStore } from '../step';
import {
  AKB_TOOLING,
  APPLYSET_ANNOTATIONS,
  memberAnnotations,
  PARENT_CRD,
  PARENT_INFO,
  parentManifest,
  parseList,
  type ApplySetParent,
} from './applyset';
import type { KubeClient } from './client';
import { refOf, stepIdOf, type ObjectRef, type ResourceInfo } from './object-ref';
import { readiness } from './readiness';
import { PROVIDER, refData, settlePending } from './record';

export const CRD_INFO: ResourceInfo = { plural: 'customresourcedefinitions', namespaced: false };
export const PARENT_CRD_REF = refOf(PARENT_CRD);
export const PARENT_CRD_ID = stepIdOf(PARENT_CRD_REF);

/** The annotations the parent must carry: `superset` keeps what it lists already (kubectl's "before apply" update). */
export function parentAnnotations(live: KubeObject | undefined, members: readonly ObjectRef[], superset: boolean) {
  const planned = memberAnnotations(members);
  if (!superset || !live) return planned;
  const union = (key: string, add: string) =>
    [...new Set([...parseList(live.metadata.annotations?.[key]), ...parseList(add)])].sort().join(',');
  return {
    groupKinds: union(APPLYSET_ANNOTATIONS.groupKinds, planned.groupKinds),
    namespaces: union(APPLYSET_ANNOTATIONS.namespaces, planned.namespaces),
  };
}

/** akb changes only an ApplySet it manages, as kubectl does. */
export function checkTooling(live: KubeObject | undefined, p: ApplySetParent): void {
  const tooling = live?.metadata.annotations?.[APPLYSET_ANNOTATIONS.tooling];
  if (live && tooling !== undefined && tooling.split('/')[0] !== AKB_TOOLING.split('/')[0])
    throw new StepRefusedError(
      `the ApplySet ${p.ref.kind}.${p.ref.group}/${p.name} is managed by "${tooling}", not akb; akb does not take it over`,
    );
}

interface Observed {
  crd?: KubeObject;
  parent?: KubeObject;
}

/**
 * The ApplySet parent (and its CRD on first use), brought to the superset of the kinds and namespaces it listed and
 * those the plan adds, before any member is applied, so an interrupted apply never leaves a member its parent does
 * not list (kubectl's order too).
 */
export class ApplySetParentStep implements Step<Observed> {
  readonly id: string;
  readonly dependsOn: string[] = [];
  readonly title: string;

  constructor(
    private readonly client: KubeClient,
    private readonly parent: ApplySetParent,
    /** The plan's objects that are or will be members (objects akb found in the cluster never are). */
    private readonly members: (state: StateStore) => readonly ObjectRef[],
    private readonly timeoutMs = 120_000,
  ) {
    this.id = stepIdOf(parent.ref);
    this.title = `ApplySet ${parent.ref.kind}.${parent.ref.group}/${parent.name}`;
  }

  /** The last observation, for `wait`. */
  #seen?: Observed;

  async observe(): Promise<Observed> {
    const crd = await this.client.get(PARENT_CRD_REF, CRD_INFO);
    const info = crd ? await this.client.resourceInfo(this.parent.ref) : undefined;
    this.#seen = { ...(crd ? { crd } : {}), ...(info ? { parent: await this.client.get(this.parent.ref, info) } : {}) };
    return this.#seen;
  }

  /** Settles the records a killed run left pending, from the last observation (an act of this run confirmed its own). */
  async wait(ctx: StepContext): Promise<void> {
    if (ctx.mode !== 'apply') return;
    await settlePending(ctx.state, PARENT_CRD_ID, ctx.job, Boolean(this.#seen?.crd));
    await settlePending(ctx.state, this.id, ctx.job, Boolean(this.#seen?.parent));
  }

  #desired(live: KubeObject | undefined, state: StateStore): KubeObject {
    return parentManifest(this.parent, parentAnnotations(live, this.members(state), true));
  }

  diff(o: Observed, ctx: StepContext): Change[] {
    checkTooling(o.parent, this.parent);
    const out: Change[] = [];
    if (!o.crd)
      out.push({
        action: 'create',
        target: `CustomResourceDefinition ${PARENT_CRD.metadata.name}`,
        note: "the type of akb's ApplySet parents",
      });
    const want = this.#desired(o.parent, ctx.state).metadata;
    const fields: FieldChange[] = [];
    for (const [kind, wanted, live] of [
      ['labels', want.labels ?? {}, o.parent?.metadata.labels ?? {}],
      ['annotations', want.annotations ?? {}, o.parent?.metadata.annotations ?? {}],
    ] as const) {
      for (const [k, v] of Object.entries(wanted))
        if (live[k] !== v) fields.push({ path: `metadata.${kind}.${k}`, to: v, ...(live[k] !== undefined ? { from: live[k] } : {}) });
    }
    if (fields.length > 0) out.push({ action: o.parent ? 'update' : 'create', target: this.title, fields });
    return out;
  }

  async act(o: Observed, _c: readonly Change[], ctx: StepContext): Promise<void> {
    const record = (ref: ObjectRef) => ({ ref: refData(ref), member: false, before: [], applied: [] });
    if (!o.crd) {
      await ctx.state.put(PARENT_CRD_ID, {
        provider: PROVIDER,
        origin: 'created',
        status: 'pending',
        job: ctx.job,
        data: record(PARENT_CRD_REF),
      });
      await this.client.apply(PARENT_CRD, PARENT_CRD_REF, CRD_INFO);
      await ctx.state.put(PARENT_CRD_ID, {
        provider: PROVIDER,
        origin: 'created',
        status: 'applied',
        job: ctx.job,
        data: record(PARENT_CRD_REF),
      });
      await ctx.poll(
        `CustomResourceDefinition ${PARENT_CRD.metadata.name} to be Established`,
        async () => readiness(await this.client.get(PARENT_CRD_REF, CRD_INFO)),
        {
          timeoutMs: this.timeoutMs,
        },
      );
    }
    await ctx.poll(
      `${this.parent.ref.apiVersion} ${this.parent.ref.kind} to be served`,
      async () =>
        (await this.client.resourceInfo(this.parent.ref))
          ? { done: true, value: undefined }
          : { done: false, status: 'not in discovery yet' },
      { timeoutMs: this.timeoutMs },
    );
    await ctx.state.put(this.id, { provider: PROVIDER, origin: 'created', status: 'pending', job: ctx.job, data: record(this.parent.ref) });
    await this.client.apply(this.#desired(o.parent, ctx.state), this.parent.ref, PARENT_INFO);
    await ctx.state.put(this.id, { provider: PROVIDER, origin: 'created', status: 'applied', job: ctx.job, data: record(this.parent.ref) });
  }
}
