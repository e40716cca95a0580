'use client';

import { neighbours, type GraphIndex, type ViewModel } from '../../lib/view';
import { focusOf } from '../../lib/view';

export interface DetailsPanelProps {
  ix: GraphIndex;
  model: ViewModel;
  selected: string;
  onSelect: (id: string | null) => void;
  onFocus: (id: string) => void;
  onExpand: (id: string) => void;
}

function Value({ value }: { value: unknown }) {
  if (value === null || value === undefined || value === '') return <span className="text-slate-400">—</span>;
  if (Array.isArray(value)) return <span>{value.length === 0 ? '—' : value.map(String).join(', ')}</span>;
  if (typeof value === 'object')
    return (
      <ul className="space-y-0.5">
        {Object.entries(value as Record<string, unknown>).map(([k, v]) => (
          <li key={k} className="break-all">
            <span className="text-slate-500">{k}</span>
            {v === '' ? '' : `=${String(v)}`}
          </li>
        ))}
      </ul>
    );
  return <span className="break-all">{String(value)}</span>;
}

/** All the data of the selected element, its problems, and links to related elements. */
export function DetailsPanel({ ix, model, selected, onSelect, onFocus, onExpand }: DetailsPanelProps) {
  const node = ix.node.get(selected);
  const view = model.nodes.find((n) => n.id === selected);
  const problems = ix.problemsOf.get(selected) ?? [];
  const related = node
    ? [...new Set(neighbours(ix, selected))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    : (view?.members ?? []);
  const focusable = focusOf(selected).kind !== 'cluster';
  return (
    <aside
      aria-label="Details"
      data-testid="details"
      data-id={selected}
      className="flex h-full w-80 shrink-0 flex-col overflow-y-auto border-l border-slate-200 bg-white p-3 text-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="mb-2 flex items-start justify-between gap-2">
        <div className="min-w-0">
          <p className="text-[11px] uppercase tracking-wide text-slate-500">{node?.kind ?? view?.kind ?? 'element'}</p>
          <h2 className="break-all font-semibold">{node?.name ?? view?.label ?? selected}</h2>
          <p className="break-all font-mono text-[11px] text-slate-500">{selected}</p>
        </div>
        <button
          type="button"
          className="rounded px-1.5 text-slate-500 hover:bg-slate-100 dark:hover:bg-slate-800"
          onClick={() => onSelect(null)}
          aria-label="Close details"
        >
          ✕
        </button>
      </div>
      <div className="mb-3 flex flex-wrap gap-2">
        {focusable && (
          <button
            type="button"
            className="rounded bg-sky-600 px-2 py-1 text-xs font-medium text-white hover:bg-sky-700"
            onClick={() => onFocus(selected)}
          >
            Focus on this
          </button>
        )}
        {view && (view.kind === 'pod-badge' || view.kind === 'group' || (view.kind === 'k8s-node' && (view.pods?.total ?? 0) > 0)) && (
          <button
            type="button"
            className="rounded border border-slate-300 px-2 py-1 text-xs dark:border-slate-700"
            onClick={() => onExpand(view.kind === 'pod-badge' ? (view.parent ?? view.id) : view.id)}
          >
            Expand / collapse
          </button>
        )}
      </div>
      {problems.length > 0 && (
        <section className="mb-3" aria-label="Problems">
          <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500">Problems</h3>
          <ul className="space-y-1">
            {problems.map((p) => (
              <li
                key={p.code + p.message}
                data-severity={p.severity}
                className={`rounded px-2 py-1 text-xs ${p.severity === 'error' ? 'bg-red-50 text-red-900 dark:bg-red-950 dark:text-red-100' : 'bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-100'}`}
              >
                <span className="font-mono">{p.code}</span>: {p.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      {view?.pods && view.pods.total > 0 && (
        <section className="mb-3" aria-label="Pods by namespace">
          <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500">Pods ({view.pods.total})</h3>
          <Value value={{ ...view.pods.byNamespace }} />
          <Value value={{ ...view.pods.byStatus }} />
        </section>
      )}
      {node && (
        <section className="mb-3" aria-label="Data">
          <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500">Data</h3>
          <dl className="grid grid-cols-[auto_1fr] gap-x-2 gap-y-1 text-xs">
            {Object.entries(node.data).map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-slate-500">{k}</dt>
                <dd>
                  <Value value={v} />
                </dd>
              </div>
            ))}
          </dl>
        </section>
      )}
      <section aria-label="Related">
        <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500">Related ({related.length})</h3>
        <ul className="space-y-0.5 text-xs">
          {related.slice(0, 200).map((id) => (
            <li key={id}>
              <button
                type="button"
                className="break-all text-left text-sky-700 hover:underline dark:text-sky-400"
                onClick={() => onSelect(id)}
                data-related={id}
              >
                {id}
              </button>
            </li>
          ))}
        </ul>
      </section>
    </aside>
  );
}
