'use client';

import { useMemo, useState } from 'react';
import { TABLE_NAMES, buildTable, indexGraph, type TableName } from '../../lib/view';
import { useLiveGraph } from '../_hooks/use-live-graph';
import { AppHeader } from './app-header';
import { DataTable } from './data-table';
import { StatusBar } from './status-bar';

const TITLES: Record<TableName, string> = {
  inventory: 'Inventory',
  bgp: 'BGP peers',
  routes: 'Routes',
  'leaf-nodes': 'Leaves & nodes',
  'leaf-pods': 'Leaves & pods',
  services: 'Services',
};

export function TablesApp() {
  const live = useLiveGraph();
  const [tab, setTab] = useState<TableName>('bgp');
  const ix = useMemo(() => (live.graph ? indexGraph(live.graph) : null), [live.graph]);
  const table = useMemo(() => (ix ? buildTable(ix, tab) : null), [ix, tab]);
  return (
    <div className="flex min-h-screen flex-col">
      <AppHeader />
      <div role="tablist" aria-label="Tables" className="flex flex-wrap gap-1 px-3 pt-2">
        {TABLE_NAMES.map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            aria-selected={tab === name}
            data-testid={`tab-${name}`}
            onClick={() => setTab(name)}
            className={`rounded-t px-3 py-1 text-sm ${tab === name ? 'bg-white font-semibold dark:bg-slate-900' : 'text-slate-500'}`}
          >
            {TITLES[name]}
          </button>
        ))}
      </div>
      <main className="flex-1 px-3 pb-3">
        {table ? <DataTable key={tab} table={table} /> : <p className="p-6 text-sm text-slate-500">Waiting for the first snapshot…</p>}
      </main>
      <StatusBar live={live} />
    </div>
  );
}
