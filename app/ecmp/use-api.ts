'use client';

import useSWR from 'swr';
import { useLiveGraph } from '../_hooks/use-live-graph';

async function fetchJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  const body = (await res.json()) as T & { message?: string };
  if (!res.ok) throw new Error(body.message ?? `${res.status} ${res.statusText}`);
  return body;
}

/**
 * A read-only API view that refetches whenever the live graph's revision changes (the websocket says
 * something changed; the API holds the analysis of it), keeping the previous data on screen meanwhile.
 */
export function useLiveApi<T>(url: string | null) {
  const live = useLiveGraph();
  const revision = live.graph?.revision ?? 0;
  const swr = useSWR<T, Error>(url ? [url, revision] : null, ([u]: [string, number]) => fetchJson<T>(u), {
    keepPreviousData: true,
    revalidateOnFocus: false,
  });
  return { live, ...swr };
}

/** `leaf:101` → `101`, `node:worker-1` → `worker-1`. */
export const shortId = (id: string) => id.slice(id.indexOf(':') + 1);
