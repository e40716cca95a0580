'use client';

import type { CellState, PrefixAnalysis } from '../../lib/topology/ecmp/types';
import { shortId } from './use-api';

const CELL: Record<CellState, { cls: string; mark: string; label: string }> = {
  installed: { cls: 'bg-emerald-500 text-white', mark: '●', label: 'expected and installed' },
  missing: { cls: 'bg-red-600 text-white', mark: '✕', label: 'expected, not installed' },
  truncated: { cls: 'bg-violet-600 text-white', mark: '…', label: 'expected, cut by max paths' },
  stale: { cls: 'bg-amber-400 text-slate-950', mark: '!', label: 'installed, not expected' },
};

export function MatrixLegend() {
  return (
    <ul className="flex flex-wrap gap-3 text-xs">
      {Object.entries(CELL).map(([state, c]) => (
        <li key={state} className="flex items-center gap-1">
          <span className={`inline-flex h-4 w-4 items-center justify-center rounded text-[10px] ${c.cls}`}>{c.mark}</span>
          {state}: {c.label}
        </li>
      ))}
    </ul>
  );
}

/** Leaves × nodes for one prefix: what should be a path, what is, and why not. */
export function EcmpMatrix({ prefix }: { prefix: PrefixAnalysis }) {
  const nodes = [...new Set(prefix.cells.map((c) => c.node))].sort();
  const cell = new Map(prefix.cells.map((c) => [`${c.leaf}|${c.node}`, c]));
  if (nodes.length === 0)
    return <p className="text-sm text-slate-500">No node is expected to advertise {prefix.prefix} and no leaf installs it.</p>;
  return (
    <div className="overflow-x-auto">
      <table data-testid="ecmp-matrix" data-prefix={prefix.prefix} className="border-collapse text-xs">
        <thead>
          <tr>
            <th className="px-2 py-1 text-left font-medium text-slate-500">leaf \ node</th>
            {nodes.map((n) => (
              <th key={n} className="px-1 py-1 font-mono font-normal [writing-mode:vertical-rl]" title={n}>
                {shortId(n)}
              </th>
            ))}
            <th className="px-2 py-1 text-left font-medium text-slate-500">installed / expected</th>
          </tr>
        </thead>
        <tbody>
          {prefix.leaves.map((l) => (
            <tr key={l.leaf} data-testid="ecmp-row" data-leaf={l.leaf}>
              <th className="px-2 py-1 text-left font-mono font-normal">{shortId(l.leaf)}</th>
              {nodes.map((n) => {
                const c = cell.get(`${l.leaf}|${n}`);
                if (!c) return <td key={n} className="border border-slate-100 dark:border-slate-800" />;
                const style = CELL[c.state];
                return (
                  <td key={n} className="border border-slate-100 p-0.5 text-center dark:border-slate-800">
                    <span
                      data-testid="ecmp-cell"
                      data-state={c.state}
                      data-node={n}
                      title={`${shortId(n)} on ${shortId(l.leaf)}: ${style.label}${c.cause ? ` (${c.cause})` : ''}`}
                      className={`inline-flex h-5 w-5 items-center justify-center rounded ${style.cls}`}
                    >
                      {style.mark}
                    </span>
                  </td>
                );
              })}
              <td className="px-2 py-1 font-mono">
                {l.installed.length} / {l.expected.length}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
