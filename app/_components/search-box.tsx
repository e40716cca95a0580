'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import { search, type GraphIndex } from '../../lib/view';

/** Find any element by name, id or IP; `/` or Ctrl+K focuses it, arrows move, Enter jumps. */
export function SearchBox({ ix, onPick }: { ix: GraphIndex | null; onPick: (id: string) => void }) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const hits = useMemo(() => (ix ? search(ix, query) : []), [ix, query]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing =
        e.target instanceof HTMLElement && (e.target.tagName === 'INPUT' || e.target.tagName === 'TEXTAREA' || e.target.isContentEditable);
      if ((e.key === '/' && !typing) || (e.key.toLowerCase() === 'k' && (e.ctrlKey || e.metaKey))) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const pick = (id: string) => {
    onPick(id);
    setQuery('');
    input.current?.blur();
  };
  return (
    <div className="relative w-72">
      <input
        ref={input}
        type="search"
        role="combobox"
        aria-expanded={hits.length > 0}
        aria-controls="search-results"
        aria-label="Search nodes, pods, services, IPs"
        data-testid="search"
        placeholder="Search name or IP  ( / )"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, hits.length - 1));
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
          else if (e.key === 'Enter' && hits[active]) pick(hits[active].id);
          else if (e.key === 'Escape') setQuery('');
        }}
        className="w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
      />
      {hits.length > 0 && (
        <ul
          id="search-results"
          role="listbox"
          className="absolute z-50 mt-1 max-h-96 w-[28rem] overflow-y-auto rounded-md border border-slate-200 bg-white text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900"
        >
          {hits.map((h, i) => (
            <li key={h.id} role="option" aria-selected={i === active} data-testid="search-hit" data-id={h.id}>
              <button
                type="button"
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => pick(h.id)}
                className={`flex w-full items-baseline gap-2 px-2 py-1 text-left ${i === active ? 'bg-sky-100 dark:bg-sky-900' : ''}`}
              >
                <span className="w-16 shrink-0 text-[10px] uppercase text-slate-500">{h.kind}</span>
                <span className="truncate font-medium">{h.name}</span>
                <span className="ml-auto shrink-0 text-[11px] text-slate-500">{h.match}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
