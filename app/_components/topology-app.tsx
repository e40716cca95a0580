'use client';

import { useEffect, useMemo, useRef } from 'react';
import { filterChoices, focusOf, indexGraph, type ViewState } from '../../lib/view';
import { useLiveGraph } from '../_hooks/use-live-graph';
import { useUrlView } from '../_hooks/use-url-view';
import { useViewModel } from '../_hooks/use-view-model';
import { AppHeader } from './app-header';
import { DetailsPanel } from './details-panel';
import { ExportButtons } from './export-buttons';
import { FilterBar } from './filter-bar';
import { SearchBox } from './search-box';
import { StatusBar } from './status-bar';
import { applyStoredTheme, useDarkTheme } from './theme';
import { TopologyCanvas } from './topology-canvas';

const FOCUS_LABEL = { cluster: 'Whole cluster', leaf: 'Leaf', node: 'Node', pod: 'Pod', service: 'Service' } as const;

/** The topology page: live graph → URL view state → view model → layout → canvas, with tools around it. */
export function TopologyApp() {
  const live = useLiveGraph();
  const [{ view, ignored }, setView] = useUrlView();
  const [dark] = useDarkTheme();
  useEffect(applyStoredTheme, []);
  const ix = useMemo(() => (live.graph ? indexGraph(live.graph) : null), [live.graph]);
  // PERFORMANCE: computed in a worker for large graphs; the layout is cached by structure, so a patch that
  // only changes data (a BGP state) reuses it.
  const result = useViewModel(ix, view);
  const model = result?.model ?? null;
  const layout = result?.layout ?? null;
  const choices = useMemo(
    () => (live.graph ? filterChoices(live.graph.nodes, live.graph.edges) : { namespaces: [], bgpStates: [], secondary: [] }),
    [live.graph],
  );

  const update = (patch: Partial<ViewState>, mode: 'push' | 'replace' = 'push') => setView({ ...view, ...patch }, mode);
  const select = (id: string | null) => update({ selected: id }, 'replace');
  const focus = (id: string | null) => update({ focus: focusOf(id), selected: id });
  const toggleExpanded = (id: string) =>
    update({ expanded: view.expanded.includes(id) ? view.expanded.filter((x) => x !== id) : [...view.expanded, id] }, 'replace');
  // Escape clears the selection wherever the keyboard focus is (except while typing).
  const selectRef = useRef(select);
  selectRef.current = select;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement;
      if (e.key === 'Escape' && !typing) selectRef.current(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const activate = (id: string) => {
    const v = model?.nodes.find((n) => n.id === id);
    if (v?.kind === 'pod-badge') toggleExpanded(v.parent ?? id);
    else if (v?.kind === 'group') toggleExpanded(id);
    else focus(id);
  };

  return (
    <div className="flex h-screen flex-col">
      <AppHeader>
        <SearchBox
          ix={ix}
          onPick={(id) => update({ selected: id, focus: view.focus.kind === 'cluster' || view.focus.id === id ? view.focus : focusOf(id) })}
        />
        <span
          className="flex items-center gap-2 text-sm"
          data-testid="focus"
          data-focus={view.focus.kind === 'cluster' ? 'cluster' : view.focus.id}
        >
          <span className="text-slate-500">{FOCUS_LABEL[view.focus.kind]}</span>
          {view.focus.kind !== 'cluster' && (
            <>
              <span className="font-mono text-xs">{view.focus.id}</span>
              <button
                type="button"
                data-testid="focus-clear"
                className="rounded border border-slate-300 px-2 py-0.5 text-xs dark:border-slate-700"
                onClick={() => focus(null)}
              >
                Whole cluster
              </button>
            </>
          )}
        </span>
        {model && layout && <ExportButtons model={model} layout={layout} dark={dark} />}
      </AppHeader>
      <div className="flex flex-wrap items-center gap-3 border-b border-slate-200 px-3 py-1.5 dark:border-slate-800">
        <FilterBar
          key={view.filters.labels.join(',')}
          filters={view.filters}
          choices={choices}
          onChange={(filters) => update({ filters })}
        />
        {model && (model.collapsedPods || model.groupedTiers.length > 0) && (
          <span
            data-testid="aggregation"
            data-pods={model.collapsedPods}
            data-tiers={model.groupedTiers.join(',')}
            className="text-xs text-slate-500"
          >
            Large view: {model.collapsedPods ? 'pods shown as per-node badges' : ''}
            {model.groupedTiers.length > 0
              ? `${model.collapsedPods ? '; ' : ''}${model.groupedTiers.join(' and ')} grouped per rack`
              : ''}{' '}
            — double-click to expand
          </span>
        )}
        {ignored.length > 0 && <span className="text-xs text-amber-600">Ignored in URL: {ignored.join('; ')}</span>}
      </div>
      <main
        className="flex min-h-0 flex-1"
        data-testid="topology"
        data-node-count={model?.nodes.length ?? 0}
        data-pending={result?.pending ?? true}
      >
        <div className="min-w-0 flex-1">
          {model && layout ? (
            <TopologyCanvas
              key={view.focus.kind === 'cluster' ? 'cluster' : view.focus.id}
              model={model}
              layout={layout}
              changed={live.changed}
              selected={view.selected}
              onSelect={select}
              onActivate={activate}
              dark={dark}
            />
          ) : (
            <p className="p-6 text-sm text-slate-500">Waiting for the first snapshot…</p>
          )}
        </div>
        {ix && model && view.selected && (
          <DetailsPanel ix={ix} model={model} selected={view.selected} onSelect={select} onFocus={focus} onExpand={toggleExpanded} />
        )}
      </main>
      <StatusBar live={live} />
    </div>
  );
}
