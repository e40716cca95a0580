import type { Logger } from '../../logging';
import type { KubeStore, StoreEvent } from '../k8s';
import type { LabWorld } from '../model';
import type { KubeSync } from '../sync';
import { UserEndpointSliceReconciler } from './endpoint-slices';
import { UserWorkloadReconciler } from './user-workloads';
import { worldMutationFor } from './world-feedback';

/** Resources whose user writes can need a controller's reaction. */
const WATCHED = new Set(['nodes', 'pods', 'deployments', 'daemonsets', 'services']);

/**
 * The lab's controllers over the KubeStore: they react to writes made through the API (not to the world sync's own
 * writes) by mutating the world where the object is the world's, and by running user-applied workloads and
 * services. Reactions are deferred to the next macrotask: a store listener must not write to the store while
 * the store is still notifying other listeners (watches would see events out of order).
 */
export class LabControllers {
  private internal = 0;
  private queue: StoreEvent[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly workloads: UserWorkloadReconciler;
  private readonly slices: UserEndpointSliceReconciler;

  constructor(
    private readonly store: KubeStore,
    private readonly kubeSync: KubeSync,
    private readonly world: () => LabWorld,
    private readonly logger: Logger,
  ) {
    this.workloads = new UserWorkloadReconciler(store);
    this.slices = new UserEndpointSliceReconciler(store);
  }

  /** Runs `fn` (the world sync) with its store writes marked as the lab's own. */
  whileSyncing<T>(fn: () => T): T {
    this.internal++;
    try {
      return fn();
    } finally {
      this.internal--;
    }
  }

  /** Brings user workloads and their EndpointSlices in line with the store. */
  reconcile(): void {
    const owned = (plural: string, ns: string | undefined, name: string): boolean => this.kubeSync.owns(plural, ns, name);
    this.whileSyncing(() => {
      try {
        this.workloads.reconcile(owned);
        this.slices.reconcile(owned);
      } catch (err) {
        this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'lab controller reconcile failed');
      }
    });
  }

  /** Starts reacting to user writes; `commit` replaces the world and syncs (which calls reconcile). */
  start(commit: (next: LabWorld) => void): void {
    this.unsubscribe = this.store.subscribe((ev) => {
      if (this.internal > 0 || !WATCHED.has(ev.resource.plural)) return;
      this.queue.push(ev);
      this.scheduled ??= setImmediate(() => this.flush(commit));
    });
  }

  private flush(commit: (next: LabWorld) => void): void {
    this.scheduled = undefined;
    const events = this.queue;
    this.queue = [];
    let next: LabWorld | undefined;
    for (const ev of events) {
      try {
        next = worldMutationFor(next ?? this.world(), ev) ?? next;
      } catch (err) {
        this.logger.warn(
          { err: err instanceof Error ? err.message : String(err), resource: ev.resource.plural, name: ev.object.metadata.name },
          'lab could not apply a user change to the world',
        );
      }
    }
    if (next) commit(next);
    else this.reconcile();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
  }
}
