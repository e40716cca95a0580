import WebSocket from 'ws';
import { ApicError } from './errors';
import { queryPath, type ApicQuery } from './query';
import { redactText } from './redact';
import type { ApicRequester } from './requester';
import { parseFrame, type ApicEvent, type ApicSubscription, type ParsedFrame, type SubscriptionHandlers } from './subscription-events';
import { TransportError } from './transport';
import { openApicSocket, socketCredentials } from './websocket';

/**
 * APIC push subscriptions (WIRE.md A4): one websocket per client carries every subscription. Each query is
 * subscribed with `subscription=yes`, refreshed well before its `refresh-timeout`, and its pushes are delivered in
 * arrival order. Any loss (socket closed, refresh failed, session replaced) tears everything down, reconnects with
 * backoff (failing over between controllers) and resubscribes; each consumer then gets `onResync` with the full
 * current result, because pushes may have been missed in between.
 */

export interface SubscriptionOptions {
  /** Sent as `refresh-timeout`; each subscription is refreshed every third of it. */
  timeoutSec: number;
  connectTimeoutMs: number;
  minBackoffMs: number;
  maxBackoffMs: number;
}

interface Sub {
  query: ApicQuery;
  handlers: SubscriptionHandlers;
  remoteId?: string;
  timer?: NodeJS.Timeout;
  closed: boolean;
}

/** Pushes naming a subscription id we have not registered yet are kept while a subscribe answer is in flight. */
const MAX_PENDING_FRAMES = 10_000;

export class SubscriptionManager {
  #ws?: WebSocket;
  #baseUrl?: string;
  #socketToken?: string;
  readonly #subs = new Set<Sub>();
  readonly #byId = new Map<string, Sub>();
  #pending: ParsedFrame[] = [];
  #inFlight = 0;
  /** Bumped whenever the socket changes: a subscribe answer from an older socket's time must not be registered. */
  #epoch = 0;
  #connecting?: Promise<void>;
  #reconnecting = false;
  #closed = false;
  readonly #unlisten: () => void;

  constructor(
    private readonly r: ApicRequester,
    private readonly opts: SubscriptionOptions,
  ) {
    // A new login means the socket belongs to a dead session (WIRE.md A4.7): reopen it and resubscribe.
    // Mid-reconnect, dropping the socket is enough: the loop notices (epoch) and starts over on the new session.
    this.#unlisten = r.onNewSession((token) => {
      if (!this.#ws || r.auth.type !== 'password' || token === this.#socketToken) return;
      if (this.#reconnecting) this.#dropSocket();
      else this.#reconnect(new Error('APIC session renewed'));
    });
  }

  async subscribe(query: ApicQuery, handlers: SubscriptionHandlers): Promise<ApicSubscription> {
    if (this.#closed) throw new Error('APIC client is closed');
    const sub: Sub = { query, handlers, closed: false };
    this.#subs.add(sub);
    const handle: ApicSubscription = {
      get id() {
        return sub.remoteId;
      },
      close: () => this.#unsubscribe(sub),
    };
    if (this.#reconnecting) return handle; // the reconnect loop picks it up
    try {
      await this.#ensureConnected();
      await this.#subscribeOne(sub);
    } catch (err) {
      // A query the APIC rejects will never work: tell the caller. Anything else is an outage: keep trying.
      if (err instanceof ApicError && err.httpStatus >= 400 && err.httpStatus < 500 && !err.isAuthError) {
        this.#subs.delete(sub);
        throw err;
      }
      this.#reconnect(err instanceof Error ? err : new Error(String(err)));
    }
    return handle;
  }

  /** The controller the socket is on, if connected. */
  get controller(): string | undefined {
    return this.#ws ? this.#baseUrl : undefined;
  }

  /** Drops the socket as if the network failed; used by tests and by operators forcing a resync. */
  forceReconnect(reason = 'forced reconnect'): void {
    this.#reconnect(new Error(reason));
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#unlisten();
    for (const sub of this.#subs) clearInterval(sub.timer);
    this.#subs.clear();
    this.#byId.clear();
    this.#dropSocket();
  }

  async #ensureConnected(): Promise<void> {
    if (this.#ws?.readyState === WebSocket.OPEN) return;
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #connect(): Promise<void> {
    await this.r.pool.run(async (baseUrl) => {
      let creds = await socketCredentials(this.r, baseUrl);
      let ws: WebSocket;
      try {
        ws = await openApicSocket(this.r, baseUrl, creds, this.opts.connectTimeoutMs);
      } catch (err) {
        if (!(err instanceof ApicError && err.isAuthError) || this.r.auth.type !== 'password') throw err;
        await this.r.login(baseUrl, true);
        creds = await socketCredentials(this.r, baseUrl);
        ws = await openApicSocket(this.r, baseUrl, creds, this.opts.connectTimeoutMs);
      }
      this.#ws = ws;
      this.#epoch++;
      this.#baseUrl = baseUrl;
      this.#socketToken = creds.token;
      ws.on('message', (data: WebSocket.RawData) => this.#onMessage(data.toString()));
      ws.on('error', (err) => this.r.log.warn({ err: redactText(err.message, [creds.token]) }, 'APIC websocket error'));
      ws.on('close', (code) => {
        if (this.#ws !== ws) return;
        this.#ws = undefined;
        this.#epoch++;
        this.#reconnect(new Error(`APIC websocket closed (code ${code})`));
      });
      this.r.log.info({ controller: baseUrl }, 'APIC websocket open');
    });
  }

  async #subscribeOne(sub: Sub): Promise<void> {
    const path = queryPath(sub.query, [
      ['subscription', 'yes'],
      ['refresh-timeout', String(this.opts.timeoutSec)],
    ]);
    const epoch = this.#epoch;
    this.#inFlight++;
    try {
      const env = await this.r.call('subscribe', 'GET', path, undefined, this.#baseUrl);
      if (!env.subscriptionId) throw new Error(`APIC answered GET ${path} without a subscriptionId`);
      if (sub.closed) return;
      // The socket this subscription would push to is gone; the reconnect loop subscribes it again.
      if (epoch !== this.#epoch) throw new Error('APIC websocket lost while subscribing');
      sub.remoteId = env.subscriptionId;
      this.#byId.set(env.subscriptionId, sub);
      this.#safely(() => sub.handlers.onResync(env.imdata));
      this.#replayPending(env.subscriptionId, sub);
      this.#scheduleRefresh(sub);
    } finally {
      this.#inFlight--;
      if (this.#inFlight === 0) this.#pending = [];
    }
  }

  #scheduleRefresh(sub: Sub): void {
    clearInterval(sub.timer);
    const every = Math.max(200, (this.opts.timeoutSec * 1000) / 3);
    sub.timer = setInterval(() => void this.#refreshOne(sub), every);
    sub.timer.unref();
  }

  async #refreshOne(sub: Sub): Promise<void> {
    const id = sub.remoteId;
    if (!id || this.#reconnecting || sub.closed) return;
    try {
      await this.r.call('subscriptionRefresh', 'GET', `/api/subscriptionRefresh.json?id=${id}`, undefined, this.#baseUrl);
    } catch (err) {
      if (sub.remoteId === id) this.#reconnect(err instanceof Error ? err : new Error(String(err)));
    }
  }

  #onMessage(text: string): void {
    const frame = parseFrame(text);
    if (!frame) {
      this.r.log.debug({ bytes: text.length }, 'APIC websocket frame ignored (not a subscription push)');
      return;
    }
    const unknown: string[] = [];
    for (const id of frame.subscriptionIds) {
      const sub = this.#byId.get(id);
      if (sub) this.#deliver(sub, frame.events);
      else unknown.push(id);
    }
    if (unknown.length > 0 && this.#inFlight > 0 && this.#pending.length < MAX_PENDING_FRAMES) {
      this.#pending.push({ subscriptionIds: unknown, events: frame.events });
    }
  }

  #replayPending(id: string, sub: Sub): void {
    for (const frame of this.#pending) {
      if (frame.subscriptionIds.includes(id)) this.#deliver(sub, frame.events);
    }
  }

  #deliver(sub: Sub, events: ApicEvent[]): void {
    for (const ev of events) this.#safely(() => sub.handlers.onEvent(ev));
  }

  /** A throwing consumer must not take the socket down for every other subscription. */
  #safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.r.log.error({ err: err instanceof Error ? err.message : String(err) }, 'APIC subscription consumer threw');
    }
  }

  #reconnect(reason: Error): void {
    if (this.#closed || this.#reconnecting) return;
    this.#reconnecting = true;
    this.r.log.warn({ err: reason.message }, 'APIC subscriptions interrupted; reconnecting');
    if (reason instanceof TransportError && this.#baseUrl) this.r.pool.demote(this.#baseUrl);
    for (const sub of this.#subs) {
      clearInterval(sub.timer);
      sub.remoteId = undefined;
      this.#safely(() => sub.handlers.onError?.(reason));
    }
    this.#byId.clear();
    this.#dropSocket();
    void this.#reconnectLoop();
  }

  async #reconnectLoop(): Promise<void> {
    let delay = this.opts.minBackoffMs;
    while (!this.#closed) {
      try {
        await this.#ensureConnected();
        for (let sub = this.#nextUnsubscribed(); sub; sub = this.#nextUnsubscribed()) await this.#subscribeOne(sub);
        if (this.#ws?.readyState === WebSocket.OPEN) {
          this.#reconnecting = false;
          this.r.log.info({ controller: this.#baseUrl, subscriptions: this.#subs.size }, 'APIC subscriptions restored');
          return;
        }
      } catch (err) {
        this.r.log.warn({ err: err instanceof Error ? err.message : String(err), retryInMs: delay }, 'APIC resubscribe failed');
        if (this.#baseUrl) this.r.pool.demote(this.#baseUrl);
      }
      for (const sub of this.#subs) {
        clearInterval(sub.timer);
        sub.remoteId = undefined;
      }
      this.#byId.clear();
      this.#dropSocket();
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
      delay = Math.min(delay * 2, this.opts.maxBackoffMs);
    }
  }

  #nextUnsubscribed(): Sub | undefined {
    for (const sub of this.#subs) if (!sub.closed && !sub.remoteId) return sub;
    return undefined;
  }

  #dropSocket(): void {
    const ws = this.#ws;
    this.#ws = undefined;
    this.#epoch++;
    if (ws) {
      ws.on('error', () => {}); // late errors of a socket we abandoned are expected
      ws.terminate();
    }
  }

  async #unsubscribe(sub: Sub): Promise<void> {
    if (sub.closed) return;
    sub.closed = true;
    clearInterval(sub.timer);
    this.#subs.delete(sub);
    const id = sub.remoteId;
    if (!id) return;
    this.#byId.delete(id);
    if (this.#ws?.readyState !== WebSocket.OPEN) return;
    try {
      await this.r.call('unsubscribe', 'GET', queryPath(sub.query, [['subscription', 'no']]), undefined, this.#baseUrl);
    } catch (err) {
      this.r.log.debug({ err: err instanceof Error ? err.message : String(err) }, 'APIC unsubscribe failed (ignored)');
    }
  }
}
