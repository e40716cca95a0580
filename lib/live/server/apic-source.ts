/**
 * The APIC as a live source: one websocket subscription per class akb reads, each delivering its
 * initial objects, then created/modified/deleted events, and a full resync after any reconnect.
 *
 * Every class has exactly one subscription, so a resync simply replaces that class's objects. The
 * children the correlator expects nested (fvIp under fvCEp, lldpAdjEp under lldpIf, …) are subscribed
 * as classes of their own — an APIC pushes events for the subscribed class only — and nested again
 * when the bundle is assembled, in the shape a capture with `rsp-subtree=children` returns.
 */
import type { ApicClient } from '../../aci/client';
import { wcard } from '../../aci/filter';
import { fabricQueries, type FabricScope } from '../../aci/fabric-queries';
import { moEntry, type MoAttributes, type WireMo } from '../../aci/mo';
import { classQuery, type ApicQuery } from '../../aci/query';
import type { ApicEvent, ApicSubscription } from '../../aci/subscription-events';
import { splitDn } from '../../aci/models/dn';
import type { Logger } from '../../logging';
import { silentLogger } from '../../logging';
import type { Bundle } from '../../topology/bundle-types';
import { reduceApicAttributes } from '../../topology/reduce';
import type { InputChange } from '../../topology/incremental';
import { ApicObjects, type ApicObjectChange } from './apic-objects';
import type { LiveSource } from './service';
import { sourceStatus, type SourceStatus } from '../../shared/source-status';

/** Child classes and the parent class they nest under in a bundle. */
const NESTED: Record<string, string> = { fvIp: 'fvCEp', fvRsCEpToPathEp: 'fvCEp', lldpAdjEp: 'lldpIf', cdpAdjEp: 'cdpIf' };

interface ClassState {
  query: ApicQuery;
  objects: Map<string, MoAttributes>;
  synced: boolean;
  subscription?: ApicSubscription;
}

/** The subscription list: the bulk queries without `rsp-subtree`, plus one per nested child class. */
export function liveApicQueries(scope: FabricScope): { className: string; query: ApicQuery }[] {
  const tenantScoped = (cls: string) => classQuery(cls, { filter: wcard(`${cls}.dn`, `uni/tn-${scope.tenant}/`) });
  const top = fabricQueries(scope).map(({ className, query }) => {
    const { rspSubtree: _rspSubtree, rspSubtreeClass: _rspSubtreeClass, ...flat } = query;
    return { className, query: flat };
  });
  return [
    ...top,
    { className: 'fvIp', query: tenantScoped('fvIp') },
    { className: 'fvRsCEpToPathEp', query: tenantScoped('fvRsCEpToPathEp') },
    { className: 'lldpAdjEp', query: classQuery('lldpAdjEp') },
    { className: 'cdpAdjEp', query: classQuery('cdpAdjEp') },
  ];
}

export interface ApicLiveSourceOptions {
  logger?: Logger;
  /**
   * The safety resync: every class is re-read with a class query this often (default 10 min; 0 = never), so an
   * event the APIC never pushed cannot leave the picture wrong for longer than this.
   */
  resyncIntervalMs?: number;
}

export class ApicLiveSource implements LiveSource {
  readonly name = 'apic';
  private readonly classes = new Map<string, ClassState>();
  /** Per class being re-read: the events pushed while its query was in flight, replayed on top of the result. */
  private readonly inFlight = new Map<string, ApicEvent[]>();
  private resyncTimer: NodeJS.Timeout | undefined;
  private resyncing: Promise<void> | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly inputListeners = new Set<(changes: readonly InputChange[]) => void>();
  /** The same objects with children nested, as the incremental graph takes them: what changed per top-level object. */
  private readonly mirror = new ApicObjects();
  private current: SourceStatus = sourceStatus('starting');
  private lastEventAt: string | undefined;
  private readonly logger: Logger;

  constructor(
    private readonly client: ApicClient,
    scope: FabricScope,
    private readonly opts: ApicLiveSourceOptions = {},
  ) {
    this.logger = opts.logger ?? silentLogger;
    for (const { className, query } of liveApicQueries(scope)) this.classes.set(className, { query, objects: new Map(), synced: false });
  }

  async start(): Promise<void> {
    for (const [className, state] of this.classes) {
      try {
        state.subscription = await this.client.subscribe(state.query, {
          onResync: (objects) => this.replaceClass(className, objects),
          onEvent: (event) => this.apply(className, event),
          onError: (err) => this.lost(err),
        });
      } catch (err) {
        // A query the APIC refuses (e.g. a class this release lacks) must not take the whole source down.
        this.logger.warn({ className, err: err instanceof Error ? err.message : String(err) }, 'APIC subscription refused');
        state.synced = true;
      }
    }
    this.updateSynced();
    const every = this.opts.resyncIntervalMs ?? 600_000;
    if (every > 0) {
      this.resyncTimer = setInterval(() => void this.resync(), every);
      this.resyncTimer.unref();
    }
  }

  /**
   * Re-reads every synced class with a class query and replaces what is held, replaying the events pushed while the
   * query was in flight (a change newer than the query's result must not be undone by it; an older one re-applied
   * is overtaken by its successor, which is replayed after it). Listeners hear once, and only if something differed.
   */
  resync(): Promise<void> {
    this.resyncing ??= this.resyncClasses().finally(() => {
      this.resyncing = null;
    });
    return this.resyncing;
  }

  private async resyncClasses(): Promise<void> {
    let changed = false;
    for (const [className, state] of this.classes) {
      if (!state.subscription || !state.synced) continue;
      const buffered: ApicEvent[] = [];
      this.inFlight.set(className, buffered);
      try {
        const objects = await this.client.query(state.query);
        // A reconnect's own resync (or a stop) replaced this class meanwhile: that is newer than this answer.
        if (this.inFlight.get(className) !== buffered) continue;
        const fresh = new Map<string, MoAttributes>();
        for (const mo of objects) {
          const [, body] = moEntry(mo);
          if (body.attributes.dn) fresh.set(body.attributes.dn, reduceApicAttributes(className, body.attributes));
        }
        for (const event of buffered) applyEvent(className, fresh, event);
        if (!sameObjects(state.objects, fresh)) {
          this.logger.warn({ className }, 'APIC safety resync found objects that differed from the pushed events');
          state.objects = fresh;
          this.emitInputs(this.mirror.replace(className, fresh));
          changed = true;
        }
      } catch (err) {
        this.logger.warn({ className, err: err instanceof Error ? err.message : String(err) }, 'APIC safety resync query failed');
      } finally {
        if (this.inFlight.get(className) === buffered) this.inFlight.delete(className);
      }
    }
    if (changed) this.emit();
  }

  async stop(): Promise<void> {
    clearInterval(this.resyncTimer);
    this.resyncTimer = undefined;
    this.inFlight.clear();
    await Promise.all([...this.classes.values()].map((s) => s.subscription?.close()));
    this.listeners.clear();
    this.inputListeners.clear();
  }

  status(): SourceStatus {
    return this.lastEventAt ? { ...this.current, lastEventAt: this.lastEventAt } : this.current;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onInputs(listener: (changes: readonly InputChange[]) => void): () => void {
    this.inputListeners.add(listener);
    return () => this.inputListeners.delete(listener);
  }

  fill(bundle: Bundle): void {
    const nestedChildren = new Map<string, WireMo[]>();
    for (const [className, parent] of Object.entries(NESTED)) {
      for (const [dn, attrs] of this.classes.get(className)?.objects ?? []) {
        const rns = splitDn(dn);
        const parentDn = rns.slice(0, -1).join('/');
        const { dn: _dn, ...rest } = attrs;
        const child: WireMo = { [className]: { attributes: { ...rest, rn: rns[rns.length - 1] ?? '' } } };
        const key = `${parent}\u0000${parentDn}`;
        const list = nestedChildren.get(key) ?? [];
        list.push(child);
        nestedChildren.set(key, list);
      }
    }
    for (const [className, state] of this.classes) {
      if (NESTED[className]) continue;
      const items: WireMo[] = [];
      for (const dn of [...state.objects.keys()].sort()) {
        const children = nestedChildren.get(`${className}\u0000${dn}`);
        items.push(
          children
            ? { [className]: { attributes: state.objects.get(dn)!, children } }
            : { [className]: { attributes: state.objects.get(dn)! } },
        );
      }
      bundle.apic[className] = items;
    }
  }

  private replaceClass(className: string, objects: WireMo[]): void {
    const state = this.classes.get(className);
    if (!state) return;
    this.inFlight.delete(className);
    state.objects.clear();
    for (const mo of objects) {
      const [, body] = moEntry(mo);
      if (body.attributes.dn) state.objects.set(body.attributes.dn, reduceApicAttributes(className, body.attributes));
    }
    this.emitInputs(this.mirror.replace(className, state.objects));
    state.synced = true;
    this.updateSynced();
    this.emit();
  }

  private apply(className: string, event: ApicEvent): void {
    const state = this.classes.get(className);
    if (!state) return;
    this.lastEventAt = new Date().toISOString();
    applyEvent(className, state.objects, event);
    this.inFlight.get(className)?.push(event);
    this.emitInputs(this.mirror.put(className, event.dn, state.objects.get(event.dn) ?? null));
    this.emit();
  }

  private emitInputs(changes: readonly ApicObjectChange[]): void {
    if (changes.length === 0 || this.inputListeners.size === 0) return;
    const inputs: InputChange[] = changes.map((c) => ({ source: 'apic', cls: c.cls, dn: c.dn, mo: c.mo }));
    for (const listener of this.inputListeners) listener(inputs);
  }

  private updateSynced(): void {
    const pending = [...this.classes.entries()].filter(([, s]) => !s.synced).map(([c]) => c);
    if (pending.length === 0) this.setStatus('synced');
    else if (this.current.state !== 'starting') this.setStatus('degraded', `resyncing ${pending.join(', ')}`);
  }

  /** The websocket went away: what we hold may miss events until every class has resynced. */
  private lost(err: Error): void {
    for (const state of this.classes.values()) if (state.subscription) state.synced = false;
    this.inFlight.clear();
    this.setStatus('down', `APIC subscription lost, reconnecting: ${err.message}`);
  }

  private setStatus(state: SourceStatus['state'], reason?: string): void {
    if (this.current.state === state && this.current.reason === reason) return;
    this.current = sourceStatus(state, reason);
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

/** Applies a push to a class's objects, reduced at ingest to the attributes akb reads (push bookkeeping included out). */
function applyEvent(className: string, objects: Map<string, MoAttributes>, event: ApicEvent): void {
  if (event.type === 'deleted') {
    objects.delete(event.dn);
    return;
  }
  const [, body] = moEntry(event.mo);
  // Modified pushes may carry only the changed attributes: merge into what we hold.
  objects.set(event.dn, { ...(objects.get(event.dn) ?? {}), ...reduceApicAttributes(className, body.attributes), dn: event.dn });
}

/** Both hold reduced attributes, so push bookkeeping (`status: ""` in a query answer) never tells them apart. */
function sameObjects(a: ReadonlyMap<string, MoAttributes>, b: ReadonlyMap<string, MoAttributes>): boolean {
  if (a.size !== b.size) return false;
  for (const [dn, left] of a) {
    const right = b.get(dn);
    if (!right) return false;
    const keys = Object.keys(left);
    if (keys.length !== Object.keys(right).length || keys.some((k) => left[k] !== right[k])) return false;
  }
  return true;
}
