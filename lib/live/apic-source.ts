/**
 * The APIC as a live source: one websocket subscription per class akb reads, each delivering its
 * initial objects, then created/modified/deleted events, and a full resync after any reconnect.
 *
 * Every class has exactly one subscription, so a resync simply replaces that class's objects. The
 * children the correlator expects nested (fvIp under fvCEp, lldpAdjEp under lldpIf, …) are subscribed
 * as classes of their own — an APIC pushes events for the subscribed class only — and nested again
 * when the bundle is assembled, in the shape a capture with `rsp-subtree=children` returns.
 */
import type { ApicClient } from '../aci/client';
import { wcard } from '../aci/filter';
import { fabricQueries, type FabricScope } from '../aci/fabric-queries';
import { moEntry, type MoAttributes, type WireMo } from '../aci/mo';
import { classQuery, type ApicQuery } from '../aci/query';
import type { ApicEvent, ApicSubscription } from '../aci/subscription-events';
import { splitDn } from '../aci/models/dn';
import type { Logger } from '../logging';
import { silentLogger } from '../logging';
import type { Bundle } from '../topology/bundle-types';
import type { LiveSource } from './service';
import { sourceStatus, type SourceStatus } from './source-status';

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

export class ApicLiveSource implements LiveSource {
  readonly name = 'apic';
  private readonly classes = new Map<string, ClassState>();
  private readonly listeners = new Set<() => void>();
  private current: SourceStatus = sourceStatus('starting');
  private lastEventAt: string | undefined;
  private readonly logger: Logger;

  constructor(private readonly client: ApicClient, scope: FabricScope, logger?: Logger) {
    this.logger = logger ?? silentLogger;
    for (const { className, query } of liveApicQueries(scope)) this.classes.set(className, { query, objects: new Map(), synced: false });
  }

  async start(): Promise<void> {
    for (const [className, state] of this.classes) {
      try {
        state.subscription = await this.client.subscribe(state.query, {
          onResync: (objects) => this.resync(className, objects),
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
  }

  async stop(): Promise<void> {
    await Promise.all([...this.classes.values()].map((s) => s.subscription?.close()));
    this.listeners.clear();
  }

  status(): SourceStatus {
    return this.lastEventAt ? { ...this.current, lastEventAt: this.lastEventAt } : this.current;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
        items.push(children ? { [className]: { attributes: state.objects.get(dn)!, children } } : { [className]: { attributes: state.objects.get(dn)! } });
      }
      bundle.apic[className] = items;
    }
  }

  private resync(className: string, objects: WireMo[]): void {
    const state = this.classes.get(className);
    if (!state) return;
    state.objects.clear();
    for (const mo of objects) {
      const [, body] = moEntry(mo);
      if (body.attributes.dn) state.objects.set(body.attributes.dn, { ...body.attributes });
    }
    state.synced = true;
    this.updateSynced();
    this.emit();
  }

  private apply(className: string, event: ApicEvent): void {
    const state = this.classes.get(className);
    if (!state) return;
    this.lastEventAt = new Date().toISOString();
    const [, body] = moEntry(event.mo);
    const { status: _status, childAction: _childAction, ...attrs } = body.attributes;
    if (event.type === 'deleted') {
      state.objects.delete(event.dn);
    } else {
      // Modified pushes may carry only the changed attributes: merge into what we hold.
      state.objects.set(event.dn, { ...(state.objects.get(event.dn) ?? {}), ...attrs, dn: event.dn });
    }
    this.emit();
  }

  private updateSynced(): void {
    const pending = [...this.classes.entries()].filter(([, s]) => !s.synced).map(([c]) => c);
    if (pending.length === 0) this.setStatus('synced');
    else if (this.current.state !== 'starting') this.setStatus('degraded', `resyncing ${pending.join(', ')}`);
  }

  /** The websocket went away: what we hold may miss events until every class has resynced. */
  private lost(err: Error): void {
    for (const state of this.classes.values()) if (state.subscription) state.synced = false;
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
