'use client';

import { useCallback, useSyncExternalStore } from 'react';
import { DEFAULT_VIEW, parseViewParams, viewToParams, type ParsedView, type ViewState } from '../../lib/view';

// The URL is the one store of view state: parse it on every change, write it with the History API.
let cachedSearch: string | null = null;
let cachedView: ParsedView = { view: DEFAULT_VIEW, ignored: [] };
const listeners = new Set<() => void>();

function read(): ParsedView {
  const s = window.location.search;
  if (s !== cachedSearch) {
    cachedSearch = s;
    cachedView = parseViewParams(new URLSearchParams(s));
  }
  return cachedView;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

const SERVER: ParsedView = { view: DEFAULT_VIEW, ignored: [] };

/** The view in the URL, and a setter that pushes (navigations) or replaces (small tweaks) history. */
export function useUrlView(): [ParsedView, (next: ViewState, mode?: 'push' | 'replace') => void] {
  const parsed = useSyncExternalStore(subscribe, read, () => SERVER);
  const set = useCallback((next: ViewState, mode: 'push' | 'replace' = 'push') => {
    const q = viewToParams(next).toString();
    const url = `${window.location.pathname}${q ? `?${q}` : ''}`;
    if (mode === 'push') window.history.pushState(null, '', url);
    else window.history.replaceState(null, '', url);
    for (const l of listeners) l();
  }, []);
  return [parsed, set];
}
