import { moPath, serialisePayload } from './config-write';
import { ControllerPool } from './controllers';
import type { RequestCounts } from './counters';
import type { WireMo } from './mo';
import { parseClientOptions, type ApicClientOptions, type ApicClientOptionsInput } from './options';
import { defaultOrderBy, moQuery, queryPath, withParams, type ApicQuery, type QueryOptions } from './query';
import { noopLogger, redactingLogger, type ApicLogger } from './redact';
import { ApicRequester } from './requester';
import type { ApicSubscription, SubscriptionHandlers } from './subscription-events';
import { SubscriptionManager } from './subscriptions';
import { createTransport } from './transport';

/**
 * The APIC client: queries (with transparent paging), configuration writes and push subscriptions against a
 * cluster of controllers, with failover, password or certificate auth, and redacted logging.
 *
 * @example
 * const apic = new ApicClient({ controllers: ['https://apic1'], auth: { type: 'password', user: 'admin', password } });
 * const leaves = await apic.query(classQuery('fabricNode', { filter: eq('fabricNode.role', 'leaf') }));
 * await apic.close();
 */
export class ApicClient {
  readonly options: Omit<ApicClientOptions, 'auth'>;
  readonly #r: ApicRequester;
  readonly #subs: SubscriptionManager;
  readonly log: ApicLogger;

  constructor(input: ApicClientOptionsInput) {
    const { logger, ...rest } = input;
    const opts = parseClientOptions(rest);
    const { auth, ...withoutAuth } = opts;
    this.options = withoutAuth;
    // The requester exists only after the logger is built, but redaction reads its secrets lazily at each call.
    const holder: { requester?: ApicRequester } = {};
    const staticSecrets = auth.type === 'password' ? [auth.password] : [];
    this.log = redactingLogger(logger ?? noopLogger, () => holder.requester?.secrets() ?? staticSecrets);
    if (opts.tls.insecure) {
      this.log.warn({ controllers: opts.controllers }, 'APIC TLS certificate verification is DISABLED (tls.insecure)');
    }
    const transport = createTransport(opts.tls, opts.requestTimeoutMs, opts.maxResponseBytes);
    const requester = new ApicRequester(transport, new ControllerPool(opts.controllers, this.log), auth, this.log);
    holder.requester = requester;
    this.#r = requester;
    this.#subs = new SubscriptionManager(requester, {
      timeoutSec: opts.subscriptionTimeoutSec,
      connectTimeoutMs: opts.requestTimeoutMs,
      minBackoffMs: opts.reconnectMinBackoffMs,
      maxBackoffMs: opts.reconnectMaxBackoffMs,
    });
  }

  /** Requests sent so far, by kind (a copy). */
  get counts(): RequestCounts {
    return { ...this.#r.counts };
  }

  /** The controller requests currently go to. */
  get controller(): string {
    return this.#r.pool.current;
  }

  /** Password auth: logs in now instead of on the first request (useful to fail fast on bad credentials). */
  async login(): Promise<void> {
    if (this.#r.auth.type === 'password') await this.#r.login(undefined, true);
  }

  /**
   * Runs a query and returns every matching MO. Plain class queries (and any query given `pageSize`) are paged,
   * ordered by DN unless `orderBy` is given so pages are stable, until `totalCount` objects have been read.
   * Subtree/children class queries are not paged by default: their results mix classes, so no single `order-by`
   * key is known to be valid for all of them.
   */
  async query(q: ApicQuery): Promise<WireMo[]> {
    const pagedByDefault = q.kind === 'class' && (q.queryTarget ?? 'self') === 'self';
    const pageSize = q.pageSize ?? (pagedByDefault ? this.options.pageSize : undefined);
    if (pageSize === undefined) return (await this.#r.call('query', 'GET', queryPath(q))).imdata;
    const orderBy = defaultOrderBy(q);
    const ordered: ApicQuery = orderBy ? { ...q, orderBy } : q;
    const out: WireMo[] = [];
    for (let page = 0; ; page++) {
      // A controller that keeps answering full pages (or a totalCount it never reaches) must not page forever.
      if (page >= this.options.maxPages)
        throw new Error(`APIC query ${queryPath(q)} still not complete after ${this.options.maxPages} pages of ${pageSize}; giving up`);
      const path = queryPath(ordered, [
        ['page', String(page)],
        ['page-size', String(pageSize)],
      ]);
      const env = await this.#r.call(page === 0 ? 'query' : 'page', 'GET', path);
      out.push(...env.imdata);
      const total = env.totalCount;
      if (env.imdata.length < pageSize || (total !== undefined && out.length >= total)) return out;
    }
  }

  /** The MO at `dn` (with whatever subtree the options ask for), or undefined when it does not exist. */
  async get(dn: string, opts: QueryOptions = {}): Promise<WireMo | undefined> {
    const env = await this.#r.call('query', 'GET', queryPath(moQuery(dn, opts)));
    return env.imdata[0];
  }

  /**
   * Posts a nested configuration payload to `/api/mo/<dn>.json`. The payload root must be the MO named by `dn`;
   * `status` attributes (`created`, `modified`, `deleted`) pass through. APIC applies a payload as a whole.
   * With `{ rspSubtree: 'modified' }` the answer is what the write changed: the posted object with the created,
   * modified and deleted objects below it, each with its `status` (none when nothing changed).
   */
  async post(dn: string, payload: WireMo, opts: { rspSubtree?: 'modified' } = {}): Promise<WireMo[]> {
    const path = opts.rspSubtree ? withParams(moPath(dn), [['rsp-subtree', opts.rspSubtree]]) : moPath(dn);
    return (await this.#r.call('post', 'POST', path, serialisePayload(payload))).imdata;
  }

  /** Deletes the MO at `dn` and its subtree. */
  async delete(dn: string): Promise<void> {
    await this.#r.call('delete', 'DELETE', moPath(dn));
  }

  /**
   * Subscribes to a query: `onResync` receives the initial result (and the full result again after any
   * reconnect), `onEvent` every pushed change in order. Rejects only when the APIC refuses the query itself.
   */
  subscribe(q: ApicQuery, handlers: SubscriptionHandlers): Promise<ApicSubscription> {
    return this.#subs.subscribe(q, handlers);
  }

  /** Drops the push socket as a network failure would; every subscription reconnects and resyncs. */
  forceResubscribe(reason?: string): void {
    this.#subs.forceReconnect(reason);
  }

  /** Closes subscriptions and the socket, logs out, and releases connections. */
  async close(): Promise<void> {
    await this.#subs.close();
    await this.#r.close();
    this.#r.transport.close();
  }
}
