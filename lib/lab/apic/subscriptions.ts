import type { WebSocket } from 'ws';
import type { MoAttributes, WireMo } from '../../aci/mo';
import { queryTargets, toWire, type QueryScope } from './query';
import type { QueryOptions } from './query-options';
import type { ApicTree, TreeChange } from './tree';

/** Default lifetime of an unrefreshed subscription (ACP apic-refresh-time-ticker.md: "default timeout of 80 seconds"). */
export const DEFAULT_SUBSCRIPTION_LIFETIME_SEC = 80;

interface Subscription {
  id: string;
  token: string;
  /** Canonical URL of the query, so `subscription=no` on the same URL unsubscribes it. */
  key: string;
  scope: QueryScope;
  opts: QueryOptions;
  lifetimeMs: number;
  expiresAt: number;
}

// Real ids are large decimal strings (72057843163791365): start at 2^56 and count up.
let nextId = 72057594037927936n;

/**
 * The subscriptions of one controller (WIRE.md A4). Each belongs to a session token; events for it go to that
 * token's websocket(s) as `{"subscriptionId":["<id>",...],"imdata":[...]}`, one frame per changed object, naming
 * every subscription of the token that the object matches.
 */
export class SubscriptionHub {
  private readonly subs = new Map<string, Subscription>();
  /** Fault injection: changes are not pushed (sockets and subscriptions stay up), as if the APIC lost the events. */
  losePushes = false;
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private readonly unlisten: () => void;

  constructor(
    private readonly tree: ApicTree,
    private readonly defaultLifetimeSec: number,
  ) {
    this.unlisten = tree.onChange((changes) => this.publish(changes));
  }

  attachSocket(token: string, ws: WebSocket): void {
    let set = this.sockets.get(token);
    if (!set) this.sockets.set(token, (set = new Set()));
    set.add(ws);
    ws.on('close', () => {
      set.delete(ws);
      // Subscriptions live on the token's websocket: when its last socket goes, they go too.
      if (set.size === 0) {
        this.sockets.delete(token);
        this.dropSubscriptions(token);
      }
    });
  }

  subscribe(token: string, key: string, scope: QueryScope, opts: QueryOptions): string {
    const existing = [...this.subs.values()].find((s) => s.token === token && s.key === key);
    if (existing) this.subs.delete(existing.id);
    const lifetimeMs = (opts.refreshTimeoutSec ?? this.defaultLifetimeSec) * 1000;
    const id = String(nextId++);
    this.subs.set(id, { id, token, key, scope, opts, lifetimeMs, expiresAt: Date.now() + lifetimeMs });
    return id;
  }

  unsubscribe(token: string, key: string): void {
    for (const s of [...this.subs.values()]) if (s.token === token && s.key === key) this.subs.delete(s.id);
  }

  /** Extends a subscription of this token; false when it is unknown, expired or someone else's. */
  refresh(token: string | undefined, id: string): boolean {
    const s = this.subs.get(id);
    if (!s || s.token !== token || Date.now() >= s.expiresAt) return false;
    s.expiresAt = Date.now() + s.lifetimeMs;
    return true;
  }

  has(id: string): boolean {
    return this.subs.has(id);
  }

  /** Ends a token: its subscriptions and websockets. */
  dropToken(token: string, reason: string): void {
    this.dropSubscriptions(token);
    for (const ws of this.sockets.get(token) ?? []) ws.close(1008, reason);
    this.sockets.delete(token);
  }

  /** Fault injection: cut every websocket (subscriptions die with them). */
  dropAllSockets(): void {
    for (const set of this.sockets.values()) for (const ws of set) ws.terminate();
  }

  /** Removes subscriptions whose refresh deadline has passed. */
  sweep(now = Date.now()): void {
    for (const s of [...this.subs.values()]) if (now >= s.expiresAt) this.subs.delete(s.id);
  }

  close(): void {
    this.unlisten();
    this.dropAllSockets();
    this.subs.clear();
    this.sockets.clear();
  }

  private dropSubscriptions(token: string): void {
    for (const s of [...this.subs.values()]) if (s.token === token) this.subs.delete(s.id);
  }

  private publish(changes: readonly TreeChange[]): void {
    if (this.subs.size === 0 || this.losePushes) return;
    const now = Date.now();
    for (const change of changes) {
      const idsByToken = new Map<string, string[]>();
      for (const s of this.subs.values()) {
        if (now >= s.expiresAt || !queryTargets(this.tree, s.scope, s.opts, change.mo)) continue;
        const ids = idsByToken.get(s.token) ?? [];
        ids.push(s.id);
        idsByToken.set(s.token, ids);
      }
      if (idsByToken.size === 0) continue;
      const event = eventMo(change);
      for (const [token, ids] of idsByToken) {
        const frame = JSON.stringify({ subscriptionId: ids, imdata: [event] });
        for (const ws of this.sockets.get(token) ?? []) if (ws.readyState === ws.OPEN) ws.send(frame);
      }
    }
  }
}

/**
 * The imdata item of an event. A created object carries its full attribute set; modified and deleted ones carry
 * the DN, status, `modTs`, empty `rn`/`childAction`, and (for modified) the changed properties — acitoolkit reads
 * names only from created events and derives them from the DN otherwise, which implies this partial form.
 */
function eventMo(change: TreeChange): WireMo {
  const full = toWire(change.mo, true, []);
  const [className] = Object.keys(full) as [string];
  const all = full[className]!.attributes;
  const attributes: MoAttributes =
    change.kind === 'created'
      ? { ...all }
      : Object.fromEntries(
          Object.entries(all).filter(([k]) => k === 'dn' || k === 'modTs' || (change.kind === 'modified' && change.changed.includes(k))),
        );
  Object.assign(attributes, { childAction: '', rn: '', status: change.kind });
  return { [className]: { attributes } };
}
