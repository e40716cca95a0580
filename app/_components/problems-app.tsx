'use client';

import Link from 'next/link';
import { useMemo } from 'react';
import { problemRows } from '../../lib/view';
import { useLiveGraph } from '../_hooks/use-live-graph';
import { AppHeader } from './app-header';
import { StatusBar } from './status-bar';

const BADGE = { error: 'bg-red-600 text-white', warning: 'bg-amber-500 text-slate-950', info: 'bg-sky-600 text-white' } as const;

export function ProblemsApp() {
  const live = useLiveGraph();
  const rows = useMemo(() => (live.graph ? problemRows(live.graph) : []), [live.graph]);
  return (
    <div className="flex min-h-screen flex-col">
      <AppHeader />
      <main className="flex-1 p-3">
        <h1 className="mb-2 text-lg font-semibold">Problems ({rows.length})</h1>
        {live.graph && rows.length === 0 && (
          <p className="text-sm text-slate-500">No problems: every node, session and route correlates.</p>
        )}
        <ul className="space-y-1" data-testid="problems">
          {rows.map((p) => (
            <li
              key={`${p.code}|${p.subject}|${p.message}`}
              data-testid="problem"
              data-severity={p.severity}
              data-subject={p.subject}
              className="flex items-baseline gap-2 rounded border border-slate-200 bg-white px-2 py-1 text-sm dark:border-slate-800 dark:bg-slate-900"
            >
              <span className={`rounded px-1.5 text-[11px] font-semibold uppercase ${BADGE[p.severity]}`}>{p.severity}</span>
              <span className="font-mono text-xs text-slate-500">{p.code}</span>
              <Link href={p.href} className="font-mono text-xs text-sky-700 hover:underline dark:text-sky-400">
                {p.subject}
              </Link>
              <span>{p.message}</span>
            </li>
          ))}
        </ul>
      </main>
      <StatusBar live={live} />
    </div>
  );
}
