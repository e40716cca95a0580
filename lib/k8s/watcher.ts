import { ListWatch, Watch, type KubeConfig, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { KubeObject } from './models/object';
import { kubeReducer } from '../topology/reduce';
import { describeError, listAll } from './http';
import { collectionPath, type ClusterResource } from './resources';

export type WatcherState = 'listing' | 'synced' | 'failed';

export interface WatcherHooks {
  upsert(object: KubeObject): void;
  remove(object: KubeObject): void;
  /** After a successful (re)list: the keys the server has now, so vanished objects can be deleted. */
  listed(keys: ReadonlySet<string>): void;
  stateChanged(): void;
}

export interface Backoff {
  minMs: number;
  maxMs: number;
}

function keyOf(o: KubernetesObject): string {
  return o.metadata?.namespace ? `${o.metadata.namespace}/${o.metadata.name ?? ''}` : (o.metadata?.name ?? '');
}

type WatchCallback = Parameters<Watch['watch']>[2];

/**
 * A watch whose object events are reduced to what akb reads before the informer caches them, so client-node's
 * own cache holds reduced objects too. ERROR (a Status, read for its 410) and BOOKMARK pass unchanged.
 */
class ReducingWatch extends Watch {
  constructor(
    kc: KubeConfig,
    private readonly reduce: (o: KubeObject) => KubeObject,
  ) {
    super(kc);
  }

  override watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    callback: WatchCallback,
    done: (err: unknown) => void,
  ) {
    const reduced: WatchCallback = (phase, object: unknown, raw: unknown) => {
      const isObject = phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED';
      callback(phase, isObject ? this.reduce(object as KubeObject) : object, isObject ? undefined : raw);
    };
    return super.watch(path, query, reduced, done);
  }
}

/**
 * One resource's list+watch. Every object is reduced at ingest (`lib/topology/reduce`): the list page by page,
 * watch events before the informer's cache. client-node resumes dropped watches and relists on 410 by itself; on any
 * other error its informer stops, so this restarts a fresh informer (a full relist) with capped
 * exponential backoff until it works. `relist()` does the same on purpose, as the periodic safety resync.
 */
export class ResourceWatcher {
  state: WatcherState = 'listing';
  reason: string | undefined;
  private generation = 0;
  private attempts = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private informer: ListWatch<KubernetesObject> | undefined;
  private stopped = false;
  /** Aborts an in-flight list when the watcher stops. */
  private readonly abort = new AbortController();

  constructor(
    readonly resource: ClusterResource,
    readonly version: string,
    private readonly kc: KubeConfig,
    private readonly backoff: Backoff,
    private readonly hooks: WatcherHooks,
  ) {}

  start(): void {
    void this.run();
  }

  /**
   * The safety resync: a fresh informer lists the collection in full and replaces what the old one held (objects
   * the list lacks are deleted through `listed`). The old informer is dropped first, so none of its late events can
   * land on top of the newer list. The watcher stays `synced` meanwhile: what it holds was right a moment ago and
   * is only being double-checked. A failing relist fails the watcher as any error does.
   */
  relist(): void {
    if (this.stopped || this.state !== 'synced') return;
    const old = this.informer;
    this.informer = undefined;
    void old?.stop();
    void this.run(true);
  }

  private async run(quiet = false): Promise<void> {
    if (this.stopped) return;
    const gen = ++this.generation;
    const path = collectionPath(this.resource, this.version);
    const reduce = kubeReducer(this.resource.key);
    const listFn = async (): Promise<KubernetesListObject<KubernetesObject>> =>
      (await listAll(this.kc, path, { signal: this.abort.signal, reduce })) as unknown as KubernetesListObject<KubernetesObject>;
    const informer = new ListWatch<KubernetesObject>(path, new ReducingWatch(this.kc, reduce), listFn, false);
    this.informer = informer;
    const current = () => gen === this.generation && !this.stopped;
    let failed = false;
    informer.on('add', (o) => current() && this.hooks.upsert(o as unknown as KubeObject));
    informer.on('update', (o) => current() && this.hooks.upsert(o as unknown as KubeObject));
    informer.on('delete', (o) => current() && this.hooks.remove(o as unknown as KubeObject));
    informer.on('error', (err: unknown) => {
      failed = true;
      if (current()) this.fail(err);
    });
    try {
      await informer.start();
    } catch (err) {
      failed = true;
      if (current()) this.fail(err);
    }
    if (!current() || failed) return;
    this.attempts = 0;
    this.hooks.listed(new Set(informer.list().map(keyOf)));
    if (quiet && this.state === 'synced') return;
    this.state = 'synced';
    this.reason = undefined;
    this.hooks.stateChanged();
  }

  private fail(err: unknown): void {
    // Ignore anything the dead informer still reports; the retry starts a fresh one.
    this.generation++;
    this.state = 'failed';
    this.reason = `${this.resource.key}: ${describeError(err)}`;
    const old = this.informer;
    this.informer = undefined;
    void old?.stop();
    const delay = Math.min(this.backoff.maxMs, this.backoff.minMs * 2 ** this.attempts);
    this.attempts++;
    this.hooks.stateChanged();
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.run();
    }, delay);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    this.abort.abort();
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const inf = this.informer;
    this.informer = undefined;
    await inf?.stop();
  }
}
