import { createHmac } from 'node:crypto';
import type { ApicClient } from '../../../lib/aci/client';
import { ApicError } from '../../../lib/aci/errors';
import type { WireMo } from '../../../lib/aci/mo';
import { StepRefusedError, type Change, type FieldChange, type Step, type StepContext } from '../step';
import type { AciPayload, FlatMo } from '../../plan/aci/tree';
import { fillSecrets } from '../../plan/secrets';
import { dnKey, flattenWire, parentDn, type MoRecordLike } from './mo-tree';
import { aciId, ACI_PROVIDER, ANNOTATION, readAciRecord, type AciRecord } from './record';

/**
 * One APIC payload of the plan (a policy, the L3Out subtree, a VRF relation), reconciled: read what exists below
 * its DN (`config-only`), compare only the properties akb manages (plus its `annotation`), and POST only the objects
 * that differ, in one payload (APIC applies a payload whole or not at all). An existing object at a planned DN that
 * akb did not create is refused, naming it, unless `--adopt`. Write-only properties (passwords) are compared by a
 * keyed digest kept in the state, since the APIC never returns them.
 */

export interface AciContext {
  apic: ApicClient;
  /** Secret placeholder name → value (in memory only). */
  secrets: Readonly<Record<string, string>>;
  adopt: boolean;
  /** Key of the digests of write-only values (from the secret store). */
  digestKey: string;
  /** Whether a DN exists, asked once per job (the tenant, the VRF). */
  exists(dn: string): Promise<boolean>;
  /** What a missing parent means to the user (`uni/tn-x` → "fabric.tenant must name an existing tenant"). */
  parentHint(dn: string): string;
  /** Called before the first write of the job (takes the `--snapshot`). */
  beforeWrite(ctx: StepContext): Promise<void>;
}

const WRITE_ONLY = new Set(['password']);

interface Observed {
  parentExists: boolean;
  live: Map<string, MoRecordLike>;
}

interface Planned {
  mo: FlatMo;
  attrs: Record<string, string>;
  change?: Change;
  /** The object exists but akb did not create it. */
  foreign: boolean;
}

function sameValue(live: string | undefined, want: string): boolean {
  if (live === want) return true;
  if (live === undefined) return want === '';
  // Flag lists: APIC may answer them in its own order.
  if (live.includes(',') || want.includes(',')) return live.split(',').sort().join(',') === want.split(',').sort().join(',');
  return false;
}

export class AciPayloadStep implements Step<Observed> {
  readonly id: string;
  readonly title: string;
  readonly objects: FlatMo[];

  constructor(
    readonly payload: AciPayload,
    allObjects: readonly FlatMo[],
    readonly dependsOn: string[],
    private readonly a: AciContext,
  ) {
    this.id = aciId(payload.dn);
    this.title = payload.description;
    const root = dnKey(payload.dn);
    this.objects = allObjects.filter((o) => dnKey(o.dn) === root || dnKey(o.dn).startsWith(`${root}/`));
  }

  digest(dn: string, attr: string, value: string): string {
    return createHmac('sha256', this.a.digestKey).update(`${dn}\u0000${attr}\u0000${value}`).digest('base64url');
  }

  async observe(): Promise<Observed> {
    const parent = parentDn(this.payload.dn);
    const parentExists = parent === undefined || (await this.a.exists(parent));
    if (!parentExists) return { parentExists, live: new Map() };
    const found = await this.a.apic.get(this.payload.dn, { rspSubtree: 'full', rspPropInclude: 'config-only' });
    return { parentExists, live: flattenWire(found ? [found] : []) };
  }

  #plan(o: Observed, ctx: StepContext): Planned[] {
    return this.objects.map((mo) => {
      const attrs: Record<string, string> = { ...mo.attrs, annotation: ANNOTATION };
      for (const [k, v] of Object.entries(attrs)) attrs[k] = fillSecrets(v, this.a.secrets);
      const live = o.live.get(dnKey(mo.dn));
      const record = readAciRecord(ctx.state.get(aciId(mo.dn)));
      if (!live) {
        const fields = Object.entries(mo.attrs).map(([path, v]): FieldChange => ({ path, to: WRITE_ONLY.has(path) ? '(secret)' : v }));
        return { mo, attrs, foreign: false, change: { action: 'create', target: mo.dn, fields } };
      }
      const owned = live.attrs.annotation === ANNOTATION || record !== undefined;
      const fields: FieldChange[] = [];
      for (const [k, v] of Object.entries(attrs)) {
        if (WRITE_ONLY.has(k)) {
          if (record?.digests[k] !== this.digest(mo.dn, k, v)) fields.push({ path: k, from: '(secret)', to: '(secret)' });
        } else if (!sameValue(live.attrs[k], v)) fields.push({ path: k, from: live.attrs[k] ?? '', to: v });
      }
      if (!owned)
        return {
          mo,
          attrs,
          foreign: true,
          change: { action: 'adopt', target: mo.dn, fields, note: `annotation "${live.attrs.annotation ?? ''}"` },
        };
      return { mo, attrs, foreign: false, ...(fields.length > 0 ? { change: { action: 'update', target: mo.dn, fields } } : {}) };
    });
  }

  diff(o: Observed, ctx: StepContext): Change[] {
    const parent = parentDn(this.payload.dn);
    if (!o.parentExists && parent) throw new Error(`${parent} does not exist on the APIC: ${this.a.parentHint(parent)}`);
    const planned = this.#plan(o, ctx);
    const foreign = planned.filter((p) => p.foreign);
    if (foreign.length > 0 && !this.a.adopt)
      throw new StepRefusedError(
        `${foreign.map((p) => `${p.mo.dn} (annotation "${o.live.get(dnKey(p.mo.dn))?.attrs.annotation ?? ''}")`).join(', ')} ${foreign.length === 1 ? 'exists' : 'exist'} and ${foreign.length === 1 ? 'was' : 'were'} not created by akb: akb does not take over an existing object; re-run with --adopt to take ${foreign.length === 1 ? 'it' : 'them'} over`,
      );
    return planned.flatMap((p) => (p.change ? [p.change] : []));
  }

  /** The POST body: the changed objects with their full managed properties, and the objects on the way to them by DN only. */
  #payload(planned: Planned[]): WireMo {
    const changed = new Set(planned.filter((p) => p.change).map((p) => dnKey(p.mo.dn)));
    const needed = (key: string) => [...changed].some((c) => c === key || c.startsWith(`${key}/`));
    const build = (p: Planned): WireMo => {
      const key = dnKey(p.mo.dn);
      const children = planned.filter((c) => c.mo.parentDn === p.mo.dn && needed(dnKey(c.mo.dn))).map(build);
      const attributes = changed.has(key) ? { dn: p.mo.dn, ...p.attrs } : { dn: p.mo.dn };
      return { [p.mo.cls]: children.length > 0 ? { attributes, children } : { attributes } };
    };
    return build(planned[0]!);
  }

  /**
   * Settles records a killed run left pending (written before a POST whose answer never came): an object that
   * exists with akb's annotation is akb's, one that does not exist was never created.
   */
  async wait(ctx: StepContext): Promise<void> {
    if (ctx.mode !== 'apply') return;
    const pending = this.objects.filter((o) => ctx.state.get(aciId(o.dn))?.status === 'pending');
    if (pending.length === 0) return;
    const { live } = await this.observe();
    await ctx.state.update((d) => {
      for (const o of pending) {
        const found = live.get(dnKey(o.dn));
        if (!found) delete d.resources[aciId(o.dn)];
        else if (found.attrs.annotation === ANNOTATION)
          d.resources[aciId(o.dn)] = { ...d.resources[aciId(o.dn)]!, status: 'applied', updatedAt: new Date().toISOString() };
      }
    });
  }

  async act(o: Observed, _changes: readonly Change[], ctx: StepContext): Promise<void> {
    const planned = this.#plan(o, ctx);
    await this.a.beforeWrite(ctx);
    const record = (p: Planned, status: 'pending' | 'applied') => {
      const previous = readAciRecord(ctx.state.get(aciId(p.mo.dn)));
      const digests: AciRecord['digests'] = { ...previous?.digests };
      if (status === 'applied')
        for (const k of Object.keys(p.attrs)) if (WRITE_ONLY.has(k)) digests[k] = this.digest(p.mo.dn, k, p.attrs[k]!);
      const origin = previous ? ctx.state.get(aciId(p.mo.dn))!.origin : p.foreign ? 'adopted' : 'created';
      return { provider: ACI_PROVIDER, origin, status, job: ctx.job, data: { cls: p.mo.cls, root: this.payload.dn, digests } } as const;
    };
    const touched = planned.filter((p) => p.change || !ctx.state.get(aciId(p.mo.dn)));
    const fresh = touched.filter((p) => !ctx.state.get(aciId(p.mo.dn)) && p.change?.action === 'create');
    // Intent first: a kill after the POST leaves records the next run confirms by reading the objects back.
    await ctx.state.update((d) => {
      for (const p of touched) d.resources[aciId(p.mo.dn)] = { ...record(p, 'pending'), updatedAt: new Date().toISOString() };
    });
    try {
      await this.a.apic.post(this.payload.dn, this.#payload(planned));
    } catch (err) {
      // An APIC error means the payload was refused whole: nothing of it was created.
      if (err instanceof ApicError) await ctx.state.remove(...fresh.map((p) => aciId(p.mo.dn)));
      throw err;
    }
    await ctx.state.update((d) => {
      for (const p of touched) d.resources[aciId(p.mo.dn)] = { ...record(p, 'applied'), updatedAt: new Date().toISOString() };
    });
  }
}
