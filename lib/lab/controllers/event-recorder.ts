import type { KubeObject } from '../../k8s/models/object';
import type { KubeStore } from '../k8s';

/**
 * Writes core/v1 Events as client-go's event recorder does: one object per (object, reason, message, source),
 * named `<object>.<hex nanoseconds>`; a repeat raises `count` and `lastTimestamp` instead of adding another
 * (the correlator's aggregation). Events expire after an hour like the apiserver's `--event-ttl` default, and
 * at most `max` are kept, so a long demo does not grow the store without bound.
 */
export interface EventSpec {
  /** The object the event is about (its kind, name, namespace, uid, apiVersion). */
  regarding: { kind: string; name: string; namespace?: string; uid?: string; apiVersion: string; fieldPath?: string };
  reason: string;
  message: string;
  type?: 'Normal' | 'Warning';
  /** `source.component`: kubelet, default-scheduler, replicaset-controller, calico-node … */
  component: string;
  /** `source.host`: the node, for node agents. */
  host?: string;
}

const TTL_MS = 60 * 60 * 1000;

function rfc3339(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function refOf(obj: KubeObject, fieldPath?: string): EventSpec['regarding'] {
  return {
    kind: obj.kind ?? '',
    name: obj.metadata.name,
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    ...(obj.metadata.uid ? { uid: obj.metadata.uid as string } : {}),
    apiVersion: obj.apiVersion ?? 'v1',
    ...(fieldPath ? { fieldPath } : {}),
  };
}

export class EventRecorder {
  private readonly byKey = new Map<string, { namespace: string; name: string; at: number }>();
  private sequence = 0;

  constructor(
    private readonly store: KubeStore,
    private readonly max = 2000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  record(spec: EventSpec): void {
    const at = this.now();
    const namespace = spec.regarding.namespace ?? 'default';
    const key = JSON.stringify([spec.regarding, spec.reason, spec.message, spec.type ?? 'Normal', spec.component, spec.host ?? '']);
    const seen = this.byKey.get(key);
    const existing = seen && this.store.tryGet('events', seen.name, seen.namespace);
    if (seen && existing) {
      const count = Number((existing as { count?: number }).count ?? 1) + 1;
      this.store.update({ ...existing, count, lastTimestamp: rfc3339(at) } as KubeObject, { namespace });
      seen.at = at.getTime();
      this.byKey.delete(key);
      this.byKey.set(key, seen); // most recently seen last, for expiry in order
      return;
    }
    const nanos = BigInt(at.getTime()) * 1_000_000n + BigInt(this.sequence++ % 1_000_000);
    const name = `${spec.regarding.name}.${nanos.toString(16)}`;
    this.store.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: spec.regarding,
      reason: spec.reason,
      message: spec.message,
      source: { component: spec.component, ...(spec.host ? { host: spec.host } : {}) },
      firstTimestamp: rfc3339(at),
      lastTimestamp: rfc3339(at),
      count: 1,
      type: spec.type ?? 'Normal',
      reportingComponent: spec.component,
      reportingInstance: spec.host ?? '',
    } as KubeObject);
    this.byKey.set(key, { namespace, name, at: at.getTime() });
    this.expire(at.getTime());
  }

  private expire(now: number): void {
    for (const [key, e] of this.byKey) {
      if (this.byKey.size <= this.max && now - e.at < TTL_MS) break;
      this.byKey.delete(key);
      if (this.store.tryGet('events', e.name, e.namespace)) this.store.delete('events', e.name, e.namespace);
    }
  }
}
