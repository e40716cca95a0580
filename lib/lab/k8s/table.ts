import type { KubeObject } from '../../k8s/models/object';
import type { ResourceDef } from './resources';

/**
 * `meta.k8s.io/v1` Table responses (WIRE.md B6.3) with the columns kubectl users know for pods, nodes,
 * services and events; everything else gets NAME and AGE. Cells are computed server-side, as the apiserver's printers do.
 */
export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}
export interface TableRow {
  cells: unknown[];
  object?: unknown;
}
export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumn[];
  rows: TableRow[];
}
/** `includeObject`: Metadata (default) → PartialObjectMetadata, Object → the object, None → no object. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

type Obj = Record<string, unknown>;
const col = (name: string, description: string, priority = 0, format = ''): TableColumn => ({
  name,
  type: 'string',
  format,
  description,
  priority,
});

function get(obj: unknown, ...path: string[]): unknown {
  let node = obj;
  for (const p of path) node = node !== null && typeof node === 'object' ? (node as Obj)[p] : undefined;
  return node;
}
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);
const str = (v: unknown, fallback = '<none>'): string => (typeof v === 'string' && v !== '' ? v : fallback);

/** kubectl's short ages: 45s, 12m, 5h, 3d (duration.HumanDuration, coarsened). */
export function age(creationTimestamp: unknown, now = Date.now()): string {
  if (typeof creationTimestamp !== 'string') return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(creationTimestamp)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 3600 * 3) return `${Math.floor(s / 60)}m`;
  if (s < 86400 * 2) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

function podCells(pod: KubeObject): unknown[] {
  const statuses = arr(get(pod, 'status', 'containerStatuses'));
  const total = arr(get(pod, 'spec', 'containers')).length;
  const ready = statuses.filter((c) => c.ready === true).length;
  const restarts = statuses.reduce((n, c) => n + (typeof c.restartCount === 'number' ? c.restartCount : 0), 0);
  const waiting = statuses.map((c) => get(c, 'state', 'waiting', 'reason')).find((r) => typeof r === 'string');
  const phase = get(pod, 'metadata', 'deletionTimestamp')
    ? 'Terminating'
    : str(waiting ?? get(pod, 'status', 'reason') ?? get(pod, 'status', 'phase'), 'Pending');
  return [
    pod.metadata.name,
    `${ready}/${total}`,
    phase,
    restarts,
    age(pod.metadata.creationTimestamp),
    str(get(pod, 'status', 'podIP')),
    str(get(pod, 'spec', 'nodeName')),
    str(get(pod, 'status', 'nominatedNodeName')),
    '<none>',
  ];
}

function nodeCells(node: KubeObject): unknown[] {
  const ready = arr(get(node, 'status', 'conditions')).find((c) => c.type === 'Ready');
  let status = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
  if (get(node, 'spec', 'unschedulable') === true) status += ',SchedulingDisabled';
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .sort();
  const address = (type: string) => str(arr(get(node, 'status', 'addresses')).find((a) => a.type === type)?.address);
  return [
    node.metadata.name,
    status,
    roles.length ? roles.join(',') : '<none>',
    age(node.metadata.creationTimestamp),
    str(get(node, 'status', 'nodeInfo', 'kubeletVersion'), ''),
    address('InternalIP'),
    address('ExternalIP'),
    str(get(node, 'status', 'nodeInfo', 'osImage'), '<unknown>'),
    str(get(node, 'status', 'nodeInfo', 'kernelVersion'), '<unknown>'),
    str(get(node, 'status', 'nodeInfo', 'containerRuntimeVersion'), '<unknown>'),
  ];
}

function serviceCells(svc: KubeObject): unknown[] {
  const type = str(get(svc, 'spec', 'type'), 'ClusterIP');
  const ingress = arr(get(svc, 'status', 'loadBalancer', 'ingress'))
    .map((i) => str(i.ip ?? i.hostname, ''))
    .filter(Boolean);
  const external = [...ingress, ...(arr(get(svc, 'spec', 'externalIPs')) as unknown as string[])];
  const externalText = external.length ? external.join(',') : type === 'LoadBalancer' ? '<pending>' : '<none>';
  const ports = arr(get(svc, 'spec', 'ports')).map(
    (p) => `${String(p.port)}${p.nodePort ? `:${String(p.nodePort)}` : ''}/${str(p.protocol, 'TCP')}`,
  );
  const selector = Object.entries((get(svc, 'spec', 'selector') as Record<string, string> | undefined) ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return [
    svc.metadata.name,
    type,
    str(get(svc, 'spec', 'clusterIP')),
    externalText,
    ports.length ? ports.join(',') : '<none>',
    age(svc.metadata.creationTimestamp),
    selector || '<none>',
  ];
}

/**
 * kubectl's event columns (the apiserver's printEvent); `-o wide` shows the priority-1 ones. An Event may come in
 * its core/v1 or its events.k8s.io/v1 form (the same object through either API).
 */
function eventCells(e: KubeObject): unknown[] {
  const either = (core: string, v1: string): unknown => get(e, core) ?? get(e, v1);
  const involved = (either('involvedObject', 'regarding') ?? {}) as Obj;
  const first = either('firstTimestamp', 'deprecatedFirstTimestamp') || get(e, 'eventTime');
  let last = either('lastTimestamp', 'deprecatedLastTimestamp') || first;
  let count = Number(either('count', 'deprecatedCount') ?? 0) || 1;
  if (get(e, 'series')) {
    last = get(e, 'series', 'lastObservedTime');
    count = Number(get(e, 'series', 'count') ?? count);
  }
  const firstSeen = age(first);
  const lastSeen = count > 1 ? `${age(last)} (x${count} over ${firstSeen})` : age(last);
  const kind = str(involved.kind, '').toLowerCase();
  const target = involved.name ? `${kind}/${String(involved.name)}` : kind;
  const source = (either('source', 'deprecatedSource') ?? {}) as Obj;
  const component = str(source.component, '') || str(either('reportingComponent', 'reportingController'), '');
  const host = str(source.host, '') || str(get(e, 'reportingInstance'), '');
  return [
    lastSeen,
    str(get(e, 'type'), ''),
    str(get(e, 'reason'), ''),
    target,
    str(involved.fieldPath, ''),
    host ? `${component}, ${host}` : component,
    str(either('message', 'note'), '').trim(),
    firstSeen,
    count,
    e.metadata.name,
  ];
}

const PRINTERS: Record<string, { columns: TableColumn[]; cells: (o: KubeObject) => unknown[] }> = {
  '/pods': {
    columns: [
      col('Name', 'Name of the pod', 0, 'name'),
      col('Ready', 'Ready containers / containers'),
      col('Status', 'Pod phase or container state reason'),
      { ...col('Restarts', 'Container restarts'), type: 'integer' },
      col('Age', 'Time since creation'),
      col('IP', 'Pod IP', 1),
      col('Node', 'Node name', 1),
      col('Nominated Node', 'Nominated node', 1),
      col('Readiness Gates', 'Readiness gates', 1),
    ],
    cells: podCells,
  },
  '/nodes': {
    columns: [
      col('Name', 'Name of the node', 0, 'name'),
      col('Status', 'Ready condition'),
      col('Roles', 'node-role.kubernetes.io labels'),
      col('Age', 'Time since creation'),
      col('Version', 'Kubelet version'),
      col('Internal-IP', 'InternalIP address', 1),
      col('External-IP', 'ExternalIP address', 1),
      col('OS-Image', 'OS image', 1),
      col('Kernel-Version', 'Kernel version', 1),
      col('Container-Runtime', 'Container runtime', 1),
    ],
    cells: nodeCells,
  },
  '/services': {
    columns: [
      col('Name', 'Name of the service', 0, 'name'),
      col('Type', 'Service type'),
      col('Cluster-IP', 'Cluster IP'),
      col('External-IP', 'External IPs'),
      col('Port(s)', 'Ports'),
      col('Age', 'Time since creation'),
      col('Selector', 'Pod selector', 1),
    ],
    cells: serviceCells,
  },
};
PRINTERS['/events'] = {
  columns: [
    col('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'Type of this event (Normal, Warning), new types could be added in the future.'),
    col(
      'Reason',
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
    col('Object', 'The object that this event is about.'),
    col('Subobject', 'The field of the object the event is about (fieldPath).', 1),
    col('Source', 'The component reporting this event.', 1),
    col('Message', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'The time at which the event was first recorded.', 1),
    { ...col('Count', 'The number of times this event has occurred.', 1), type: 'integer' },
    col('Name', 'Name must be unique within a namespace.', 1, 'name'),
  ],
  cells: eventCells,
};
const DEFAULT_PRINTER = {
  columns: [col('Name', 'Name must be unique within a namespace.', 0, 'name'), col('Age', 'Time since creation')],
  cells: (o: KubeObject): unknown[] => [o.metadata.name, age(o.metadata.creationTimestamp)],
};

function rowObject(obj: KubeObject, include: IncludeObject): unknown {
  if (include === 'Object') return obj;
  // PartialObjectMetadata: kubectl decodes row objects as unstructured, so kind and apiVersion must be set.
  const { managedFields: _mf, ...metadata } = obj.metadata;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata };
}

export function toTable(
  def: ResourceDef,
  items: KubeObject[],
  meta: Table['metadata'],
  include: IncludeObject = 'Metadata',
  withColumns = true,
): Table {
  const printer = PRINTERS[`${def.group}/${def.plural}`] ?? DEFAULT_PRINTER;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions: withColumns ? printer.columns : [],
    rows: items.map((o) => ({ cells: printer.cells(o), ...(include === 'None' ? {} : { object: rowObject(o, include) }) })),
  };
}

/** True when an Accept header asks for `as=Table` (kubectl's human-readable get and get -w). */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && accept.split(',').some((part) => /;\s*as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}
