import type { KubeConfig } from '@kubernetes/client-node';
import { silentLogger, type Logger } from '../logging';
import { sourceStatus, type SourceStatus } from '../shared/source-status';
import type { KubeObject } from './models/object';
import { discoverResources } from './discovery';
import { describeError } from './http';
import { CLUSTER_RESOURCES, type ClusterResource } from './resources';
import { ClusterSnapshot, type ClusterChange } from './snapshot';
import { ResourceWatcher } from './watcher';

export interface ClusterSourceOptions {
  kubeConfig: KubeConfig;
  /** Resources to watch; default CLUSTER_RESOURCES. */
  resources?: readonly ClusterResource[];
  /** How often discovery is re-run to notice CRDs installed or removed later (default 60 s). */
  rediscoverIntervalMs?: number;
  /**
   * The safety resync: every watched resource is relisted in full this often (default 10 min; 0 = never), so a
   * change a watch never delivered cannot stay wrong for longer than this.
   */
  resyncIntervalMs?: number;
  /** Backoff between restarts of a failed informer or discovery: doubles from min up to max (default 1 s … 30 s). */
  retryMinMs?: number;
  retryMaxMs?: number;
  logger?: Logger;
}

export type ChangeListener = (change: ClusterChange) => void;
export type StatusListener = (status: SourceStatus) => void;

/**
 * The Kubernetes side of akb, live: informers for every resource akb reads that the cluster has, a
 * normalised snapshot keyed as the bundle's `k8s` section, typed change events and a SourceStatus.
 */
export class ClusterSource {
  private readonly resources: readonly ClusterResource[];
  private readonly snap = new ClusterSnapshot();
  private readonly watchers = new Map<string, ResourceWatcher>();
  private readonly installedVersions = new Map<string, string | null>();
  private readonly changeListeners = new Set<ChangeListener>();
  private readonly statusListeners = new Set<StatusListener>();
  private readonly log: Logger;
  private current: SourceStatus = sourceStatus('starting');
  private discoveryError: string | undefined;
  private discoveryFailures = 0;
  private everSynced = false;
  private discoverTimer: NodeJS.Timeout | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private running = false;
  private abort = new AbortController();

  constructor(private readonly opts: ClusterSourceOptions) {
    this.resources = opts.resources ?? CLUSTER_RESOURCES;
    this.log = opts.logger ?? silentLogger;
  }

  /** Starts discovery and informers; resolves after the first discovery (success or not). Never rejects. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    const every = this.opts.resyncIntervalMs ?? 600_000;
    if (every > 0) {
      this.resyncTimer = setInterval(() => this.resyncAll(), every);
      this.resyncTimer.unref();
    }
    await this.discover();
  }

  /** Relists every synced resource; the snapshot emits only what actually differed. */
  resyncAll(): void {
    if (!this.running) return;
    this.log.debug({ resources: this.watchers.size }, 'kubernetes safety resync');
    for (const w of this.watchers.values()) w.relist();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    clearTimeout(this.discoverTimer);
    this.discoverTimer = undefined;
    clearInterval(this.resyncTimer);
    this.resyncTimer = undefined;
    await Promise.all([...this.watchers.values()].map((w) => w.stop()));
    this.watchers.clear();
    this.setStatus(sourceStatus('down', 'stopped'));
  }

  onChange(listener: ChangeListener): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  status(): SourceStatus {
    return this.current;
  }

  /** The bundle's `k8s` section: one key per configured resource (empty when not installed), sorted. */
  snapshot(): Record<string, KubeObject[]> {
    return this.snap.toRecord(this.resources.map((r) => r.key));
  }

  /** Bundle key → served version, or null when the cluster does not have the resource. */
  installed(): Record<string, string | null> {
    return Object.fromEntries(this.resources.map((r) => [r.key, this.installedVersions.get(r.key) ?? null]));
  }

  private async discover(): Promise<void> {
    if (!this.running) return;
    let delay = this.opts.rediscoverIntervalMs ?? 60_000;
    try {
      const found = await discoverResources(this.opts.kubeConfig, this.resources, { signal: this.abort.signal });
      this.discoveryError = undefined;
      this.discoveryFailures = 0;
      if (this.running) this.reconcile(found);
    } catch (err) {
      if (!this.running) return;
      this.discoveryError = `discovery: ${describeError(err)}`;
      const min = this.opts.retryMinMs ?? 1000;
      delay = Math.min(delay, this.opts.retryMaxMs ?? 30_000, min * 2 ** this.discoveryFailures++);
      this.log.warn({ reason: this.discoveryError }, 'kubernetes discovery failed');
    }
    this.recomputeStatus();
    if (!this.running) return;
    this.discoverTimer = setTimeout(() => void this.discover(), delay);
  }

  /** Starts watchers for resources that appeared (or changed version); stops and clears those that vanished. */
  private reconcile(found: Map<string, string | null>): void {
    for (const r of this.resources) {
      const version = found.get(r.key) ?? null;
      const prev = this.watchers.get(r.key);
      this.installedVersions.set(r.key, version);
      if (prev && prev.version === version) continue;
      if (prev) {
        this.watchers.delete(r.key);
        void prev.stop();
        this.emitAll(this.snap.clear(r.key));
        this.log.info({ resource: r.key, version }, 'resource version changed or removed');
      }
      if (version !== null) {
        if (prev === undefined && this.everSynced) this.log.info({ resource: r.key, version }, 'resource installed');
        const w: ResourceWatcher = new ResourceWatcher(
          r,
          version,
          this.opts.kubeConfig,
          { minMs: this.opts.retryMinMs ?? 1000, maxMs: this.opts.retryMaxMs ?? 30_000 },
          {
            upsert: (o) => this.emit(this.snap.upsert(r.key, o)),
            remove: (o) => this.emit(this.snap.remove(r.key, o)),
            listed: (keys) => this.emitAll(this.snap.retainOnly(r.key, keys)),
            stateChanged: () => {
              if (w.state === 'failed') this.log.warn({ reason: w.reason }, 'kubernetes informer failed; retrying');
              this.recomputeStatus();
            },
          },
        );
        this.watchers.set(r.key, w);
        w.start();
      }
    }
  }

  private emit(change: ClusterChange | null): void {
    if (!change) return;
    this.current = { ...this.current, lastEventAt: new Date().toISOString() };
    for (const l of this.changeListeners) l(change);
  }

  private emitAll(changes: ClusterChange[]): void {
    for (const c of changes) this.emit(c);
  }

  private recomputeStatus(): void {
    if (!this.running) return;
    const ws = [...this.watchers.values()];
    const failed = ws.filter((w) => w.state === 'failed');
    let next: SourceStatus;
    if (this.discoveryError && (failed.length === ws.length || !this.everSynced)) {
      next = sourceStatus('down', this.discoveryError);
    } else if (failed.length > 0) {
      const reason =
        failed
          .slice(0, 3)
          .map((w) => w.reason)
          .join('; ') + (failed.length > 3 ? `; and ${failed.length - 3} more` : '');
      next = sourceStatus(failed.length === ws.length ? 'down' : 'degraded', reason);
    } else if (ws.some((w) => w.state === 'listing') && !this.everSynced) {
      next = sourceStatus('starting');
    } else if (ws.some((w) => w.state === 'listing')) {
      next = sourceStatus(
        'degraded',
        `resyncing: ${ws
          .filter((w) => w.state === 'listing')
          .map((w) => w.resource.key)
          .join(', ')}`,
      );
    } else {
      this.everSynced = true;
      next = sourceStatus('synced');
    }
    this.setStatus(next);
  }

  private setStatus(next: SourceStatus): void {
    if (next.state === this.current.state && next.reason === this.current.reason) return;
    this.current = { ...next, ...(this.current.lastEventAt ? { lastEventAt: this.current.lastEventAt } : {}) };
    for (const l of this.statusListeners) l(this.current);
  }
}
