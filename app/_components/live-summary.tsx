'use client';

import { useLiveGraph } from '../_hooks/use-live-graph';
import type { GraphNodeKind } from '../../lib/topology/graph';

const KINDS: { kind: GraphNodeKind; label: string }[] = [
  { kind: 'spine', label: 'Spines' },
  { kind: 'leaf', label: 'Leaves' },
  { kind: 'hypervisor', label: 'Hypervisors' },
  { kind: 'k8s-node', label: 'Kubernetes nodes' },
  { kind: 'pod', label: 'Pods' },
  { kind: 'service', label: 'Services' },
];

/** Live counts per element kind and the health of each source. */
export function LiveSummary() {
  const { connection, lab, graph, sources } = useLiveGraph();
  const counts = new Map<string, number>();
  for (const node of graph?.nodes ?? []) counts.set(node.kind, (counts.get(node.kind) ?? 0) + 1);
  return (
    <section className="space-y-4" data-connection={connection} data-revision={graph?.revision ?? ''}>
      {lab && (
        <p role="status" data-testid="lab-banner" className="rounded-md bg-amber-100 px-3 py-2 text-sm text-amber-900 dark:bg-amber-900/40 dark:text-amber-100">
          You are looking at the embedded lab: a simulated APIC and Kubernetes cluster, not a real fabric.
        </p>
      )}
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        {KINDS.map(({ kind, label }) => (
          <div key={kind} className="rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
            <dt className="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
            <dd className="text-2xl font-semibold tabular-nums" data-testid={`count-${kind}`}>
              {graph ? (counts.get(kind) ?? 0) : '–'}
            </dd>
          </div>
        ))}
      </dl>
      <ul className="flex flex-wrap gap-3 text-sm" aria-label="Data sources">
        <li data-testid="connection" data-state={connection}>websocket: {connection}</li>
        {Object.entries(sources).map(([name, status]) => (
          <li key={name} data-testid={`source-${name}`} data-state={status.state} title={status.reason}>
            {name}: {status.state}
            {status.stale ? ' (stale)' : ''}
          </li>
        ))}
        <li>revision {graph?.revision ?? '–'}</li>
      </ul>
    </section>
  );
}
