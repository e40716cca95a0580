import type { KubeObject } from '../../k8s/models/object';

/**
 * One Event storage, two APIs, as in the apiserver: `v1` Events are stored, `events.k8s.io/v1` is a view of the same
 * objects with the newer field names (regarding, note, reportingController, deprecated* for the core-only fields).
 * The mapping is the one Kubernetes' conversion functions make (pkg/apis/events/v1 zz_generated.conversion).
 */
type Obj = Record<string, unknown>;

function defined(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

export function toEventsV1(core: KubeObject): KubeObject {
  const e = core as KubeObject & Obj;
  const source = (e.source ?? {}) as { component?: string; host?: string };
  return defined({
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: core.metadata,
    eventTime: e.eventTime,
    series: e.series,
    reportingController: e.reportingComponent || source.component,
    reportingInstance: e.reportingInstance || source.host,
    action: e.action,
    reason: e.reason,
    regarding: e.involvedObject,
    related: e.related,
    note: e.message,
    type: e.type,
    deprecatedSource: Object.keys(source).length ? source : undefined,
    deprecatedFirstTimestamp: e.firstTimestamp,
    deprecatedLastTimestamp: e.lastTimestamp,
    deprecatedCount: e.count,
  }) as KubeObject;
}

export function fromEventsV1(v1: KubeObject): KubeObject {
  const e = v1 as KubeObject & Obj;
  return defined({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: v1.metadata,
    involvedObject: e.regarding ?? {},
    reason: e.reason,
    message: e.note,
    source: e.deprecatedSource,
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    count: e.deprecatedCount,
    type: e.type,
    eventTime: e.eventTime,
    series: e.series,
    action: e.action,
    related: e.related,
    reportingComponent: e.reportingController,
    reportingInstance: e.reportingInstance,
  }) as KubeObject;
}
