'use client';

import Link from 'next/link';
import { useMemo, useState } from 'react';
import { filterRows, focusOf, sortRows, toCsv, toJson, viewToParams, DEFAULT_VIEW, type SortDir, type Table } from '../../lib/view';
import { download } from './download';

const ROW_HEIGHT = 28;
const VIEWPORT_ROWS = 24;
const OVERSCAN = 8;

function hrefOf(id: unknown): string | null {
  if (typeof id !== 'string') return null;
  const graphId = id.startsWith('bgp:') ? id.slice(4).split('->')[0]! : id;
  const focus = focusOf(graphId);
  return focus.kind === 'cluster' ? null : `/?${viewToParams({ ...DEFAULT_VIEW, focus, selected: graphId }).toString()}`;
}

/** A sortable, filterable, virtualised table (only visible rows are in the DOM), exportable as CSV/JSON. */
export function DataTable({ table }: { table: Table }) {
  const [sort, setSort] = useState<{ key: string; dir: SortDir } | null>(null);
  const [text, setText] = useState('');
  const [scrollTop, setScrollTop] = useState(0);
  const rows = useMemo(() => {
    const filtered = filterRows(table.rows, table.columns, text);
    const col = sort && table.columns.find((c) => c.key === sort.key);
    return col ? sortRows(filtered, col, sort.dir) : filtered;
  }, [table, text, sort]);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, first + VIEWPORT_ROWS + 2 * OVERSCAN);
  const template = `repeat(${table.columns.length}, minmax(8rem, 1fr))`;
  return (
    <section
      aria-label={table.title}
      data-testid={`table-${table.name}`}
      data-rows={rows.length}
      className="rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 p-2 dark:border-slate-800">
        <h2 className="font-semibold">{table.title}</h2>
        <span className="text-xs text-slate-500">{rows.length} rows</span>
        <input
          aria-label={`Filter ${table.title}`}
          data-testid={`table-filter-${table.name}`}
          placeholder="Filter…"
          value={text}
          onChange={(e) => setText(e.target.value)}
          className="ml-auto w-48 rounded border border-slate-300 bg-white px-2 py-0.5 text-sm dark:border-slate-700 dark:bg-slate-900"
        />
        <button
          type="button"
          className="rounded border border-slate-300 px-2 py-0.5 text-xs dark:border-slate-700"
          onClick={() => download(new Blob([toCsv(rows, table.columns)], { type: 'text/csv' }), `akb-${table.name}.csv`)}
        >
          CSV
        </button>
        <button
          type="button"
          className="rounded border border-slate-300 px-2 py-0.5 text-xs dark:border-slate-700"
          onClick={() => download(new Blob([toJson(rows, table.columns)], { type: 'application/json' }), `akb-${table.name}.json`)}
        >
          JSON
        </button>
      </div>
      <div role="table" aria-rowcount={rows.length + 1} className="overflow-x-auto text-xs">
        <div
          role="row"
          className="grid border-b border-slate-200 font-semibold dark:border-slate-800"
          style={{ gridTemplateColumns: template }}
        >
          {table.columns.map((c) => (
            <button
              key={c.key}
              type="button"
              role="columnheader"
              aria-sort={sort?.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
              className="px-2 py-1 text-left hover:bg-slate-100 dark:hover:bg-slate-800"
              onClick={() => setSort((s) => ({ key: c.key, dir: s?.key === c.key && s.dir === 'asc' ? 'desc' : 'asc' }))}
            >
              {c.header}
              {sort?.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
            </button>
          ))}
        </div>
        <div
          className="overflow-y-auto"
          style={{ height: Math.min(rows.length, VIEWPORT_ROWS) * ROW_HEIGHT + 2 }}
          onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        >
          <div style={{ height: rows.length * ROW_HEIGHT, position: 'relative' }}>
            {rows.slice(first, last).map((r, i) => {
              const href = hrefOf(r[table.linkKey]);
              return (
                <div
                  key={first + i}
                  role="row"
                  data-testid="table-row"
                  className="absolute left-0 right-0 grid border-b border-slate-100 dark:border-slate-800"
                  style={{ top: (first + i) * ROW_HEIGHT, height: ROW_HEIGHT, gridTemplateColumns: template }}
                >
                  {table.columns.map((c, ci) => {
                    const v = c.value(r);
                    const text = v === null ? '' : String(v);
                    return (
                      <span key={c.key} role="cell" className="truncate px-2 leading-7" title={text}>
                        {ci === 0 && href ? (
                          <Link href={href} className="text-sky-700 hover:underline dark:text-sky-400">
                            {text || '—'}
                          </Link>
                        ) : (
                          text
                        )}
                      </span>
                    );
                  })}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </section>
  );
}
