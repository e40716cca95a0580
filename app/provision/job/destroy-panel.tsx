'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { apiGet, apiPost } from '../_lib/api';

/** Destroy what akb built for this cluster, once the user has typed the cluster's name. */
export function DestroyPanel({ cluster, job }: { cluster: string; job: string }) {
  const router = useRouter();
  const [typed, setTyped] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const destroy = async () => {
    setError(null);
    try {
      const { spec } = await apiGet<{ spec: unknown }>(`jobs/${encodeURIComponent(cluster)}/${encodeURIComponent(job)}/spec`);
      const r = await apiPost<{ cluster: string; job: string }>('jobs', {
        command: 'destroy',
        spec,
        confirmName: typed,
        secrets: password ? { apicPassword: password } : {},
      });
      router.push(`/provision/job?cluster=${encodeURIComponent(r.cluster)}&job=${encodeURIComponent(r.job)}`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <details className="max-w-xl rounded border border-red-300 p-2 text-sm">
      <summary className="cursor-pointer font-semibold text-red-700">Destroy {cluster}</summary>
      <p className="my-2">
        Removes what akb created on the fabric and in the cluster and puts back what it changed. Type the cluster&apos;s name to confirm.
      </p>
      <div className="flex flex-wrap gap-2">
        <input
          aria-label="cluster name to destroy"
          data-testid="destroy-name"
          className="rounded border border-slate-300 px-2 py-1 dark:bg-slate-900"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
        />
        <input
          type="password"
          aria-label="APIC password for destroy"
          autoComplete="off"
          placeholder="APIC password (if the server restarted)"
          className="rounded border border-slate-300 px-2 py-1 dark:bg-slate-900"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button
          type="button"
          data-testid="destroy"
          disabled={typed !== cluster}
          className="rounded bg-red-700 px-3 py-1 text-white disabled:opacity-40"
          onClick={() => void destroy()}
        >
          Destroy
        </button>
      </div>
      {error && (
        <p role="alert" className="mt-1 text-red-700">
          {error}
        </p>
      )}
    </details>
  );
}
