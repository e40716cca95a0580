import type { ClusterSource } from '../../k8s/cluster-source';
import { objectKey } from '../../k8s/snapshot';
import type { InputChange } from '../../topology/incremental';
import type { Bundle } from '../../topology/bundle-types';
import type { LiveSource } from './service';
import type { SourceStatus } from '../../shared/source-status';

/** The Kubernetes API as a live source: the cluster source's snapshot fills the bundle's `k8s` keys. */
export class ClusterLiveSource implements LiveSource {
  readonly name = 'kubernetes';
  private lastEventAt: string | undefined;

  constructor(private readonly cluster: ClusterSource) {}

  start(): Promise<void> {
    return this.cluster.start();
  }

  stop(): Promise<void> {
    return this.cluster.stop();
  }

  resync(): Promise<void> {
    this.cluster.resyncAll();
    return Promise.resolve();
  }

  status(): SourceStatus {
    const status = this.cluster.status();
    return this.lastEventAt && !status.lastEventAt ? { ...status, lastEventAt: this.lastEventAt } : status;
  }

  fill(bundle: Bundle): void {
    Object.assign(bundle.k8s, this.cluster.snapshot());
  }

  onInputs(listener: (changes: readonly InputChange[]) => void): () => void {
    return this.cluster.onChange((c) =>
      listener([{ source: 'k8s', resource: c.resource, key: objectKey(c.object), object: c.type === 'delete' ? null : c.object }]),
    );
  }

  onChange(listener: () => void): () => void {
    const offChange = this.cluster.onChange(() => {
      this.lastEventAt = new Date().toISOString();
      listener();
    });
    const offStatus = this.cluster.onStatus(() => listener());
    return () => {
      offChange();
      offStatus();
    };
  }
}
