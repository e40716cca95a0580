'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import type { JobListEntry } from '../../lib/live/shared/provision';
import { apiGet, apiPost } from './_lib/api';
import { newDraft, type Draft } from './_lib/draft';

const OUTCOME: Record<string, string> = {
  succeeded: 'text-emerald-700',
  failed: 'text-red-700',
  running: 'text-sky-700',
  interrupted: 'text-amber-700',
  cancelled: 'text-slate-600',
  declined: 'text-slate-600',
};

/** Where the wizard starts: a new spec, an uploaded one, or a cluster's spec from its job history. */
export function StartPanel({ onStart }: { onStart: (d: Draft) => void }) {
  const [jobs, setJobs] = useState<JobListEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    apiGet<{ jobs: JobListEntry[] }>('jobs').then(
      (r) => setJobs(r.jobs),
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  }, []);
  const upload = async (file: File) => {
    try {
      const { spec } = await apiPost<{ spec: unknown }>('parse', { text: await file.text() });
      if (spec === null || typeof spec !== 'object' || Array.isArray(spec))
        throw new Error(`${file.name}: not a spec document (a YAML or JSON object)`);
      onStart(spec as Draft);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const open = async (j: JobListEntry) => {
    try {
      const { spec } = await apiGet<{ spec: Draft }>(`jobs/${encodeURIComponent(j.cluster)}/${encodeURIComponent(j.job)}/spec`);
      onStart(spec);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <div className="grid max-w-5xl gap-4">
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          data-testid="new-spec"
          className="rounded bg-sky-700 px-3 py-1 text-sm text-white"
          onClick={() => onStart(newDraft())}
        >
          New cluster spec
        </button>
        <label className="cursor-pointer rounded border border-slate-400 px-3 py-1 text-sm">
          Upload a spec (YAML or JSON)
          <input
            type="file"
            data-testid="upload-spec"
            accept=".yaml,.yml,.json"
            className="hidden"
            onChange={(e) => e.target.files?.[0] && void upload(e.target.files[0])}
          />
        </label>
      </div>
      {error && (
        <p role="alert" className="text-sm text-red-600">
          {error}
        </p>
      )}
      <section>
        <h2 className="mb-2 font-semibold">Jobs</h2>
        {jobs && jobs.length === 0 && <p className="text-sm text-slate-500">No job yet.</p>}
        {jobs && jobs.length > 0 && (
          <table className="text-sm" data-testid="job-history">
            <thead>
              <tr className="text-left">
                <th className="pr-3">Cluster</th>
                <th className="pr-3">Command</th>
                <th className="pr-3">Started</th>
                <th className="pr-3">Outcome</th>
                <th className="pr-3">By</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <tr key={j.job} data-testid="job-history-row" data-outcome={j.outcome}>
                  <td className="pr-3">{j.cluster}</td>
                  <td className="pr-3">{j.command}</td>
                  <td className="pr-3">{new Date(j.startedAt).toLocaleString()}</td>
                  <td className={`pr-3 ${OUTCOME[j.outcome] ?? ''}`} title={j.error}>
                    {j.outcome}
                  </td>
                  <td className="pr-3">{j.user ?? ''}</td>
                  <td className="flex gap-2">
                    <Link
                      className="text-sky-700 underline"
                      href={`/provision/job?cluster=${encodeURIComponent(j.cluster)}&job=${encodeURIComponent(j.job)}`}
                    >
                      journal
                    </Link>
                    <button type="button" className="text-sky-700 underline" onClick={() => void open(j)}>
                      open spec
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
