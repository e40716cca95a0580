'use client';

import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import type { JobEventView } from '../../../lib/live/shared/provision';
import { provisionPath } from '../../../lib/live/shared/provision';
import { AppHeader } from '../../_components/app-header';
import { apiPost } from '../_lib/api';
import { emptyJob, foldJob, progressOf, type JobView, type StepView } from '../_lib/job-model';
import { DestroyPanel } from './destroy-panel';

const STATE_CLASS: Record<string, string> = {
  pending: 'border-slate-300 text-slate-500',
  running: 'border-sky-600 bg-sky-50 dark:bg-sky-950',
  waiting: 'border-amber-500 bg-amber-50 dark:bg-amber-950',
  succeeded: 'border-emerald-600 bg-emerald-50 dark:bg-emerald-950',
  failed: 'border-red-600 bg-red-50 dark:bg-red-950',
  skipped: 'border-slate-400 text-slate-500 line-through',
};

function StepCard({ step, selected, onSelect }: { step: StepView; selected: boolean; onSelect: () => void }) {
  return (
    <li>
      <button
        type="button"
        onClick={onSelect}
        data-testid="job-step"
        data-step={step.id}
        data-state={step.state}
        className={`w-full rounded border px-2 py-1 text-left text-xs ${STATE_CLASS[step.state] ?? ''} ${selected ? 'ring-2 ring-sky-500' : ''}`}
      >
        <span className="font-mono">{step.id}</span> — {step.state}
        {step.waitingFor && (
          <span className="block" data-testid="step-waiting">
            waiting for {step.waitingFor}
            {step.progress ? ` [${step.progress.done}/${step.progress.total}]` : ''} ({Math.round((step.elapsedMs ?? 0) / 1000)} s)
          </span>
        )}
        {step.dependsOn.length > 0 && <span className="block text-slate-500">after {step.dependsOn.length} step(s)</span>}
        {step.error && (
          <span className="block text-red-700" data-testid="step-error">
            {step.error}
          </span>
        )}
      </button>
    </li>
  );
}

/** A job's live progress, drawn from its event stream; the job lives in the engine, so a reload replays and follows it. */
export function JobApp() {
  const params = useSearchParams();
  const router = useRouter();
  const cluster = params.get('cluster') ?? '';
  const job = params.get('job') ?? '';
  const [view, setView] = useState<JobView>(emptyJob);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [password, setPassword] = useState('');

  useEffect(() => {
    if (!cluster || !job) return;
    setView(emptyJob());
    const source = new EventSource(provisionPath('jobs', cluster, job, 'events'));
    source.onmessage = (m: MessageEvent<string>) => setView((v) => foldJob(v, JSON.parse(m.data) as JobEventView));
    source.addEventListener('end', () => {
      source.close();
      // The journal ended without the job finishing: its process was killed (or the server restarted) mid-job.
      setView((v) =>
        v.outcome
          ? v
          : {
              ...v,
              outcome: 'interrupted',
              error: 'the job stopped without finishing (its process ended): retry resumes it from what it finds',
            },
      );
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) setError('the event stream closed; reload to follow the job again');
    };
    return () => source.close();
  }, [cluster, job]);

  const running = view.steps.find((s) => s.state === 'running' || s.state === 'waiting');
  const shown = view.steps.find((s) => s.id === (selected ?? running?.id)) ?? view.steps.find((s) => s.state === 'failed');
  const pct = Math.round(progressOf(view) * 100);
  const act = async (what: 'cancel' | 'retry') => {
    setError(null);
    try {
      const r = await apiPost<{ cluster: string; job: string }>(
        `jobs/${encodeURIComponent(cluster)}/${encodeURIComponent(job)}/${what}`,
        what === 'retry' ? { secrets: password ? { apicPassword: password } : {} } : {},
      );
      if (what === 'retry') router.push(`/provision/job?cluster=${encodeURIComponent(r.cluster)}&job=${encodeURIComponent(r.job)}`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const finished = view.outcome !== undefined;
  return (
    <div className="flex min-h-screen flex-col">
      <AppHeader>
        <Link href="/provision" className="text-sm underline">
          Provision
        </Link>
        <span className="text-sm">
          {view.command ?? 'job'} {cluster} · {job}
        </span>
      </AppHeader>
      <main className="grid flex-1 gap-4 p-4">
        <div className="flex items-center gap-3">
          <div
            className="h-3 w-96 overflow-hidden rounded bg-slate-200 dark:bg-slate-800"
            role="progressbar"
            aria-valuenow={pct}
            data-testid="job-progress"
          >
            <div
              className={`h-full transition-all ${view.outcome && view.outcome !== 'succeeded' ? 'bg-red-600' : 'bg-emerald-600'}`}
              style={{ width: `${pct}%` }}
            />
          </div>
          <span className="text-sm" data-testid="job-outcome" data-outcome={view.outcome ?? (view.running ? 'running' : 'planning')}>
            {finished ? view.outcome : view.running ? `running — ${pct}%` : 'planning…'}
          </span>
          {!finished && (
            <button
              type="button"
              data-testid="cancel-job"
              className="rounded border border-red-600 px-2 py-0.5 text-sm text-red-700"
              onClick={() => void act('cancel')}
            >
              Cancel
            </button>
          )}
        </div>
        {view.error && (
          <p role="alert" data-testid="job-error" className="text-sm text-red-700">
            {view.error}
          </p>
        )}
        {error && (
          <p role="alert" className="text-sm text-red-700">
            {error}
          </p>
        )}
        {finished && view.outcome !== 'succeeded' && view.command === 'apply' && (
          <div className="flex items-center gap-2">
            <input
              type="password"
              aria-label="APIC password"
              autoComplete="off"
              placeholder="APIC password (if the server restarted)"
              className="rounded border border-slate-300 px-2 py-1 text-sm dark:bg-slate-900"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <button
              type="button"
              data-testid="retry-job"
              className="rounded bg-sky-700 px-3 py-1 text-sm text-white"
              onClick={() => void act('retry')}
            >
              Retry
            </button>
          </div>
        )}
        {finished && view.outcome === 'succeeded' && view.command === 'apply' && (
          <nav className="flex gap-4 text-sm" data-testid="job-links">
            <Link className="text-sky-700 underline" href="/" data-testid="link-topology">
              Topology of {cluster}
            </Link>
            <Link className="text-sky-700 underline" href="/bgp" data-testid="link-bgp">
              BGP sessions
            </Link>
          </nav>
        )}
        <div className="grid grid-cols-[minmax(0,28rem)_1fr] gap-4">
          <ol className="grid content-start gap-1" data-testid="job-steps">
            {view.steps.map((s) => (
              <StepCard key={s.id} step={s} selected={s.id === shown?.id} onSelect={() => setSelected(s.id)} />
            ))}
          </ol>
          <section>
            <h3 className="font-semibold">{shown ? shown.title : 'Log'}</h3>
            <pre className="max-h-[32rem] overflow-auto bg-slate-100 p-2 text-xs dark:bg-slate-900" data-testid="step-log">
              {(shown?.log ?? view.info).join('\n')}
            </pre>
            {view.info.length > 0 && shown && <pre className="mt-2 whitespace-pre-wrap text-xs text-slate-600">{view.info.join('\n')}</pre>}
          </section>
        </div>
        {finished && view.command === 'apply' && <DestroyPanel cluster={cluster} job={job} />}
      </main>
    </div>
  );
}
