import Link from 'next/link';
import type { ReactNode } from 'react';
import { ThemeToggle } from './theme';

/** Top bar shared by every page: product name, navigation, page-specific tools, theme. */
export function AppHeader({ children }: { children?: ReactNode }) {
  return (
    <header className="flex flex-wrap items-center gap-3 border-b border-slate-200 bg-white px-3 py-2 dark:border-slate-800 dark:bg-slate-900">
      <Link href="/" className="text-base font-bold tracking-tight">
        akb
      </Link>
      <nav aria-label="Main" className="flex gap-3 text-sm">
        <Link href="/" className="hover:underline">
          Topology
        </Link>
        <Link href="/tables" className="hover:underline">
          Tables
        </Link>
        <Link href="/problems" className="hover:underline">
          Problems
        </Link>
        <Link href="/ecmp" className="hover:underline">
          ECMP
        </Link>
        <Link href="/bgp" className="hover:underline">
          BGP
        </Link>
        <Link href="/provision" className="hover:underline">
          Provision
        </Link>
      </nav>
      <div className="flex flex-1 flex-wrap items-center gap-2">{children}</div>
      <ThemeToggle />
    </header>
  );
}
