import { StepRefusedError, type Change, type Step, type StepContext } from '../step';
import type { Manifest } from '../../plan/manifest';
import type { KubeObject } from '../../../lib/topology/bundle-types';
import { APPLYSET_LABELS, type ApplySetParent } from './applyset';
import { conflictsOf, type KubeClient } from './client';
import { desiredObject, withoutPaths } from './desired';
import { appliedPaths, fieldChanges, valueAt } from './object-diff';
import { describeRef, refOf, stepIdOf, type ObjectRef, type ResourceInfo } from './object-ref';
import { readiness, readinessGoal, waitsFor } from './readiness';
import { pathKey, PROVIDER, readKubeRecord, refData, settlePending, type FieldValue, type KubeRecord } from './record';

/**
 * One plan manifest, reconciled by server-side apply as `akb`. Observe reads the live object and asks the server
 * what akb's apply would make of it (a dry run), so the diff is the server's own answer. On an object akb did not
 * create, fields another manager owns with other values are left to it (reported, unless `--adopt`, which forces);
 * akb records each field it sets there with its value before, for destroy. Objects akb creates join the ApplySet.
 */

export interface KubeContext {
  client: KubeClient;
  /** Secret placeholder name → value (in memory only). */
  secrets: Readonly<Record<string, string>>;
  adopt: boolean;
  applySet: ApplySetParent;
  /** How long to wait for a kind to be served or an object to be ready (default 5 min). */
  timeoutMs?: number;
}

/** Kinds akb only ever changes, never creates (a Node is the kubelet's). */
const PATCH_ONLY = new Set(['Node']);

interface Observed {
  info?: ResourceInfo;
  live?: KubeObject;
  /** The body akb applies (secrets filled, conflicting fields left out). */
  body?: KubeObject;
  /** What the server says the object would become. */
  result?: KubeObject;
  member: boolean;
  /** Fields left to other managers, e.g. `.spec.asNumber`. */
  leftToOthers: Array<{ field: string; message: string }>;
  /** The namespace of the object does not exist (yet). */
  namespaceMissing: boolean;
}

export class KubeObjectStep implements Step<Observed> {
  readonly id: string;
  readonly ref: ObjectRef;
  readonly title: string;

  constructor(
    readonly manifest: Manifest,
    readonly dependsOn: string[],
    private readonly k: KubeContext,
    private readonly opts: { waitReady: boolean },
  ) {
    this.ref = refOf(manifest);
    this.id = stepIdOf(this.ref);
    this.title = describeRef(this.ref);
  }

  /** The last observation, for `wait` (one step object lives for one job). */
  #seen?: Observed;

  async observe(ctx: StepContext): Promise<Observed> {
    this.#seen = await this.#observe(ctx);
    return this.#seen;
  }

  async #observe(ctx: StepContext): Promise<Observed> {
    const none: Observed = { member: false, leftToOthers: [], namespaceMissing: false };
    const info = await this.k.client.resourceInfo(this.ref);
    if (!info) return none;
    const live = await this.k.client.get(this.ref, info);
    if (!live && PATCH_ONLY.has(this.ref.kind)) return { ...none, info };
    const record = readKubeRecord(ctx.state.get(this.id));
    const member = !live || record?.member === true || live.metadata.labels?.[APPLYSET_LABELS.partOf] === this.k.applySet.id;
    let body = desiredObject(this.manifest, this.k.secrets, member ? this.k.applySet.id : undefined);
    const leftToOthers: Observed['leftToOthers'] = [];
    for (let attempt = 0; ; attempt++) {
      try {
        const { object } = await this.k.client.apply(body, this.ref, info, { dryRun: true, force: this.k.adopt });
        return { info, live, body, result: object, member, leftToOthers, namespaceMissing: false };
      } catch (err) {
        const conflicts = conflictsOf(err);
        if (conflicts && attempt < 3) {
          // Leave each conflicting field to its owner: drop it from akb's configuration and ask again.
          const paths = appliedPaths(body);
          const drop = paths.filter((p) =>
            conflicts.some((c) => `.${p.join('.')}` === c.field || `.${p.join('.')}`.startsWith(`${c.field}.`)),
          );
          if (drop.length === 0) throw err;
          leftToOthers.push(...conflicts);
          body = withoutPaths(body, drop);
          continue;
        }
        if (!live && this.ref.namespace && isNamespaceNotFound(err)) return { ...none, info, member, namespaceMissing: true };
        throw err;
      }
    }
  }

  diff(o: Observed, ctx: StepContext): Change[] {
    const target = this.title;
    if (!o.info) return [{ action: 'create', target, note: `${this.ref.apiVersion} ${this.ref.kind} is not served yet; akb waits for it` }];
    if (!o.live && PATCH_ONLY.has(this.ref.kind)) {
      ctx.warn(`${target} is not in the cluster: akb does not create ${this.ref.kind}s; its fields are not applied`);
      return [];
    }
    if (o.namespaceMissing) return [{ action: 'create', target, note: `namespace ${this.ref.namespace} does not exist yet` }];
    for (const c of o.leftToOthers) {
      ctx.warn(
        `${target}: ${c.field} is managed by another field manager (${c.message}); left as it is (re-run with --adopt to take it over)`,
      );
    }
    const fields = fieldChanges(o.live, o.result!);
    if (fields.length === 0) return [];
    return [{ action: o.live ? 'update' : 'create', target, fields }];
  }

  async act(o: Observed, _changes: readonly Change[], ctx: StepContext): Promise<void> {
    let seen = o;
    if (!seen.info || seen.namespaceMissing) {
      const what = !seen.info ? `${this.ref.apiVersion} ${this.ref.kind} to be served` : `namespace ${this.ref.namespace} to exist`;
      seen = await ctx.poll(
        what,
        async () => {
          const again = await this.observe(ctx);
          return again.info && !again.namespaceMissing ? { done: true, value: again } : { done: false, status: 'not yet' };
        },
        { timeoutMs: this.k.timeoutMs ?? 300_000, intervalMs: 1000 },
      );
      if (!seen.live && PATCH_ONLY.has(this.ref.kind)) return;
    }
    const { info, live, body } = seen as Required<Pick<Observed, 'info' | 'body'>> & Observed;
    const previous = readKubeRecord(ctx.state.get(this.id));
    // An object akb created (or finds carrying its ApplySet label) is akb's; one it found in the cluster is not.
    const origin = live ? (seen.member ? 'created' : 'existing') : 'created';
    const paths = appliedPaths(body);
    const record: KubeRecord = {
      ref: refData(this.ref),
      member: seen.member,
      // The value before akb's first change to each field it sets: kept across later applies.
      before: origin === 'existing' ? mergeBefore(previous?.before ?? [], live!, paths) : [],
      applied: paths.map((path) => fieldValue(body, path)),
    };
    await ctx.state.put(this.id, { provider: PROVIDER, origin, status: 'pending', job: ctx.job, data: record });
    const { created } = await this.k.client.apply(body, this.ref, info, { force: this.k.adopt });
    await ctx.state.put(this.id, {
      provider: PROVIDER,
      origin: created ? 'created' : origin,
      status: 'applied',
      job: ctx.job,
      data: record,
    });
  }

  async wait(ctx: StepContext): Promise<void> {
    // An object akb found and did not need to change is recorded as not akb's (not an ApplySet member), with nothing
    // to put back: the ApplySet parent then stops listing its kind for it.
    const seen = this.#seen;
    if (ctx.mode === 'apply') await settlePending(ctx.state, this.id, ctx.job, Boolean(seen?.live));
    if (ctx.mode === 'apply' && seen?.live && !seen.member && !ctx.state.get(this.id))
      await ctx.state.put(this.id, {
        provider: PROVIDER,
        origin: 'existing',
        status: 'applied',
        job: ctx.job,
        data: { ref: refData(this.ref), member: false, before: [], applied: [] },
      });
    if (!this.opts.waitReady || !waitsFor(this.ref.kind)) return;
    const info = await this.k.client.resourceInfo(this.ref);
    if (!info) throw new StepRefusedError(`${this.ref.apiVersion} ${this.ref.kind} is not served`);
    await ctx.poll(`${this.title} to be ${readinessGoal(this.ref.kind)}`, async () => readiness(await this.k.client.get(this.ref, info)), {
      timeoutMs: this.k.timeoutMs ?? 300_000,
      intervalMs: 500,
    });
  }
}

function isNamespaceNotFound(err: unknown): boolean {
  return (
    err instanceof Error && 'statusCode' in err && (err as { statusCode: number }).statusCode === 404 && /namespaces?\b/.test(err.message)
  );
}

function fieldValue(o: unknown, path: string[]): FieldValue {
  const v = valueAt(o, path);
  return v === undefined ? { path, absent: true } : { path, value: v };
}

function mergeBefore(previous: FieldValue[], live: KubeObject, paths: string[][]): FieldValue[] {
  const known = new Set(previous.map((f) => pathKey(f.path)));
  return [...previous, ...paths.filter((p) => !known.has(pathKey(p))).map((p) => fieldValue(live, p))];
}
