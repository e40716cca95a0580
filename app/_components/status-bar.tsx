'use client';

import { useEffect, useState } from 'react';
import type { LiveState } from '../../lib/live/client/graph-client';
import type { GraphNodeKind } from '../../lib/topology/graph';

const KINDS: { kind: GraphNodeKind; label: string }[] = [
  { kind: 'spine', label: 'spines' },
  { kind: 'leaf', label: 'leaves' },
  { kind: 'hypervisor', label: 'hypervisors' },
  { kind: 'k8s-node', label: 'nodes' },
  { kind: 'pod', label: 'pods' },
  { kind: 'service', label: 'services' },
];

const STATE_CLASS: Record<string, string> = {
  synced: 'bg-emerald-500',
  starting: 'bg-sky-500',
  degraded: 'bg-amber-500',
  down: 'bg-red-600',
};

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s ago` : `${Math.round(s / 60)}m ago`;
}

/** Lab banner, element counts, each source's health, revision and staleness. */
export function StatusBar({ live }: { live: LiveState }) {
  const { connection, lab, graph, sources, lastMessageAt } = live;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const counts = new Map<string, number>();
  for (const n of graph?.nodes ?? []) counts.set(n.kind, (counts.get(n.kind) ?? 0) + 1);
  const stale = lastMessageAt !== null && now - lastMessageAt > 15_000;
  return (
    <footer
      className="flex flex-wrap items-center gap-x-4 gap-y-1 border-t border-slate-200 bg-white px-3 py-1.5 text-xs dark:border-slate-800 dark:bg-slate-900"
      data-connection={connection}
      data-revision={graph?.revision ?? ''}
    >
      {lab && (
        <span
          role="status"
          data-testid="lab-banner"
          className="rounded bg-amber-100 px-2 py-0.5 font-medium text-amber-900 dark:bg-amber-900/50 dark:text-amber-100"
        >
          Lab: simulated APIC and Kubernetes, not a real fabric
        </span>
      )}
      <span data-testid="connection" data-state={connection} className="flex items-center gap-1">
        <span
          className={`inline-block h-2 w-2 rounded-full ${connection === 'open' ? 'bg-emerald-500' : connection === 'connecting' ? 'bg-sky-500' : 'bg-red-600'}`}
          aria-hidden
        />
        live {connection}
      </span>
      {Object.entries(sources).map(([name, s]) => (
        <span
          key={name}
          data-testid={`source-${name}`}
          data-state={s.state}
          title={s.reason ?? `since ${s.since}`}
          className="flex items-center gap-1"
        >
          <span className={`inline-block h-2 w-2 rounded-full ${STATE_CLASS[s.state] ?? 'bg-slate-400'}`} aria-hidden />
          {name} {s.state}
          {s.stale ? ' (stale)' : ''}
        </span>
      ))}
      <span data-testid="revision">rev {graph?.revision ?? '–'}</span>
      <span data-testid="staleness" data-stale={stale}>
        {lastMessageAt === null ? 'no data yet' : `updated ${ago(now - lastMessageAt)}`}
      </span>
      <span className="ml-auto flex gap-3 tabular-nums" aria-label="Element counts">
        {KINDS.map(({ kind, label }) => (
          <span key={kind}>
            <span data-testid={`count-${kind}`}>{graph ? (counts.get(kind) ?? 0) : '–'}</span> {label}
          </span>
        ))}
      </span>
    </footer>
  );
}
