'use client';

import { useCallback, useSyncExternalStore } from 'react';

// Theme lives on <html class="dark">, remembered in localStorage; default follows the OS.
const KEY = 'akb-theme';
const listeners = new Set<() => void>();

function isDark(): boolean {
  return document.documentElement.classList.contains('dark');
}

export function applyStoredTheme(): void {
  const stored = window.localStorage.getItem(KEY);
  const dark = stored ? stored === 'dark' : window.matchMedia('(prefers-color-scheme: dark)').matches;
  document.documentElement.classList.toggle('dark', dark);
}

export function useDarkTheme(): [boolean, () => void] {
  const dark = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    isDark,
    () => false,
  );
  const toggle = useCallback(() => {
    const next = !isDark();
    document.documentElement.classList.toggle('dark', next);
    window.localStorage.setItem(KEY, next ? 'dark' : 'light');
    for (const l of listeners) l();
  }, []);
  return [dark, toggle];
}

export function ThemeToggle() {
  const [dark, toggle] = useDarkTheme();
  return (
    <button
      type="button"
      onClick={toggle}
      data-testid="theme-toggle"
      aria-pressed={dark}
      className="rounded border border-slate-300 px-2 py-1 text-xs dark:border-slate-700"
    >
      {dark ? 'Light theme' : 'Dark theme'}
    </button>
  );
}
