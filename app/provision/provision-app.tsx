'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { FabricDiscovery, ReviewResponse, SpecField, SpecProblem, ValidateResponse } from '../../lib/live/shared/provision';
import { AppHeader } from '../_components/app-header';
import { ApiError, apiGet, apiPost } from './_lib/api';
import { newDraft, setAt, type Draft } from './_lib/draft';
import { FormContext, type FormState } from './_lib/field';
import { AddonsStep } from './_steps/addons-step';
import { ClusterStep } from './_steps/cluster-step';
import { FabricStep } from './_steps/fabric-step';
import { L3OutStep } from './_steps/l3out-step';
import { NodesStep } from './_steps/nodes-step';
import { ReviewStep } from './_steps/review-step';
import { StartPanel } from './start-panel';

const STEPS = [
  { id: 'fabric', title: 'Fabric' },
  { id: 'l3out', title: 'L3Out' },
  { id: 'cluster', title: 'Cluster' },
  { id: 'nodes', title: 'Nodes' },
  { id: 'addons', title: 'Visualiser and add-ons' },
  { id: 'review', title: 'Review' },
] as const;

/** The step whose page shows the field at `path` (where its problem is shown). */
function stepOf(path: string): number {
  if (path.startsWith('fabric.apic') || path === 'fabric.asn') return 0;
  if (path.startsWith('fabric')) return 1;
  if (path.startsWith('cluster.nodes')) return 3;
  if (path.startsWith('cluster.visualiser') || path.startsWith('cluster.addons')) return 4;
  return 2;
}

/** The guided spec: the steps in the order an engineer thinks, validated as you type by the server's `akb plan` validator. */
export function ProvisionApp() {
  const router = useRouter();
  const [fields, setFields] = useState<Map<string, SpecField>>(new Map());
  const [disabled, setDisabled] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [step, setStep] = useState(0);
  const [password, setPassword] = useState('');
  const [discovery, setDiscovery] = useState<FabricDiscovery | null>(null);
  const [validation, setValidation] = useState<ValidateResponse>({ ok: false, problems: [], derived: {} });
  const [review, setReview] = useState<ReviewResponse | null>(null);
  const [reviewBusy, setReviewBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [left, setLeft] = useState<ReadonlySet<number>>(new Set());

  useEffect(() => {
    apiGet<{ fields: SpecField[] }>('schema').then(
      (s) => setFields(new Map(s.fields.map((f) => [f.path, f]))),
      (err: unknown) => setDisabled(err instanceof Error ? err.message : String(err)),
    );
  }, []);

  // Validation as you type: the same validator as `akb plan`, on the server, a moment after the last keystroke.
  useEffect(() => {
    if (!draft) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      apiPost<ValidateResponse>('validate', { spec: draft }, abort.signal).then(setValidation, () => undefined);
    }, 250);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [draft]);

  const set = useCallback((path: string, value: unknown) => {
    setTouched((t) => new Set(t).add(path));
    setDraft((d) => setAt(d ?? newDraft(), path, value));
  }, []);
  const form: FormState | null = useMemo(
    () =>
      draft
        ? {
            fields,
            draft,
            problems: validation.problems,
            derived: validation.derived,
            showsRequired: (path: string) => touched.has(path) || left.has(stepOf(path)),
            set,
          }
        : null,
    [fields, draft, validation, set, touched, left],
  );

  const runReview = async () => {
    setReviewBusy(true);
    setError(null);
    try {
      setReview(await apiPost<ReviewResponse>('review', { spec: draft, secrets: password ? { apicPassword: password } : {} }));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setReviewBusy(false);
    }
  };
  const go = (i: number) => {
    setLeft((l) => new Set(l).add(step));
    setStep(i);
    if (STEPS[i]!.id === 'review') void runReview();
  };
  const apply = async () => {
    setError(null);
    try {
      const { cluster, job } = await apiPost<{ cluster: string; job: string }>('jobs', {
        command: 'apply',
        spec: draft,
        secrets: password ? { apicPassword: password } : {},
      });
      router.push(`/provision/job?cluster=${encodeURIComponent(cluster)}&job=${encodeURIComponent(job)}`);
    } catch (err) {
      setError(err instanceof ApiError || err instanceof Error ? err.message : String(err));
    }
  };

  const problemsAt = (i: number): SpecProblem[] => validation.problems.filter((p) => stepOf(p.path) === i);

  return (
    <div className="flex min-h-screen flex-col">
      <AppHeader />
      <main className="flex-1 p-4">
        {disabled && (
          <p role="alert" data-testid="provision-disabled" className="text-red-700">
            {disabled}
          </p>
        )}
        {!disabled && !draft && <StartPanel onStart={(d) => setDraft(d)} />}
        {form && (
          <FormContext.Provider value={form}>
            <nav aria-label="Steps" className="mb-4 flex flex-wrap gap-1" data-testid="wizard-steps">
              {STEPS.map((s, i) => (
                <button
                  key={s.id}
                  type="button"
                  data-testid={`step-${s.id}`}
                  aria-current={i === step ? 'step' : undefined}
                  onClick={() => go(i)}
                  className={`rounded px-3 py-1 text-sm ${i === step ? 'bg-sky-700 text-white' : 'bg-slate-200 dark:bg-slate-800'}`}
                >
                  {i + 1}. {s.title}
                  {problemsAt(i).length > 0 && (
                    <span className="ml-1 text-red-500" data-testid="step-problems">
                      {problemsAt(i).length}
                    </span>
                  )}
                </button>
              ))}
            </nav>
            <h2 className="mb-3 text-lg font-semibold" data-testid="step-title">
              {STEPS[step]!.title}
            </h2>
            {STEPS[step]!.id === 'fabric' && (
              <FabricStep password={password} setPassword={setPassword} discovery={discovery} setDiscovery={setDiscovery} />
            )}
            {STEPS[step]!.id === 'l3out' && <L3OutStep discovery={discovery} />}
            {STEPS[step]!.id === 'cluster' && <ClusterStep />}
            {STEPS[step]!.id === 'nodes' && <NodesStep />}
            {STEPS[step]!.id === 'addons' && <AddonsStep />}
            {STEPS[step]!.id === 'review' && <ReviewStep review={review} busy={reviewBusy} />}
            <div className="mt-6 flex gap-2">
              {step > 0 && (
                <button type="button" className="rounded border border-slate-400 px-3 py-1 text-sm" onClick={() => go(step - 1)}>
                  Back
                </button>
              )}
              {step < STEPS.length - 1 && (
                <button
                  type="button"
                  data-testid="next"
                  className="rounded bg-sky-700 px-3 py-1 text-sm text-white"
                  onClick={() => go(step + 1)}
                >
                  Next
                </button>
              )}
              {STEPS[step]!.id === 'review' && review?.ok && review.problems.length === 0 && (
                <button
                  type="button"
                  data-testid="apply"
                  className="rounded bg-emerald-700 px-3 py-1 text-sm text-white"
                  onClick={() => void apply()}
                >
                  Apply {review.changes} change(s)
                </button>
              )}
            </div>
            {error && (
              <p role="alert" data-testid="wizard-error" className="mt-2 text-sm text-red-600">
                {error}
              </p>
            )}
          </FormContext.Provider>
        )}
      </main>
    </div>
  );
}
