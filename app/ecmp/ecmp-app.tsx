'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { ECMP_PATH, type EcmpResponse } from '../../lib/live/shared/analysis-api';
import type { PrefixAnalysis } from '../../lib/topology/ecmp/types';
import { AppHeader } from '../_components/app-header';
import { StatusBar } from '../_components/status-bar';
import { ChurnTimeline } from './churn-timeline';
import { EcmpMatrix, MatrixLegend } from './matrix';
import { shortId, useLiveApi } from './use-api';

const BADGE = { error: 'bg-red-600 text-white', warning: 'bg-amber-500 text-slate-950', info: 'bg-sky-600 text-white' } as const;

function prefixHref(p: PrefixAnalysis): string {
  return `/ecmp?prefix=${encodeURIComponent(p.prefix)}`;
}

function PrefixList({ data, selected }: { data: EcmpResponse; selected: string | null }) {
  const count = (p: string) => data.findings.filter((f) => f.prefix === p).length;
  return (
    <nav aria-label="Service prefixes" className="w-72 shrink-0 space-y-0.5 overflow-y-auto text-sm">
      {data.prefixes.map((p) => (
        <Link
          key={p.prefix}
          href={prefixHref(p)}
          data-testid="ecmp-prefix-link"
          className={`block rounded px-2 py-1 hover:bg-slate-100 dark:hover:bg-slate-800 ${p.prefix === selected ? 'bg-sky-100 dark:bg-sky-950' : ''}`}
        >
          <span className="font-mono">{p.prefix}</span> <span className="text-xs text-slate-500">{p.policy}</span>
          {count(p.prefix) > 0 && (
            <span className="ml-1 rounded bg-amber-500 px-1 text-[10px] font-semibold text-slate-950">{count(p.prefix)}</span>
          )}
          <span className="block truncate text-xs text-slate-500">{p.services.map(shortId).join(', ') || 'no service'}</span>
        </Link>
      ))}
    </nav>
  );
}

function PrefixDetail({ data, prefix }: { data: EcmpResponse; prefix: PrefixAnalysis }) {
  const findings = data.findings.filter((f) => f.prefix === prefix.prefix);
  const churn = data.churn.filter((e) => e.prefix === prefix.prefix);
  return (
    <section className="min-w-0 flex-1 space-y-4" data-testid="ecmp-detail" data-prefix={prefix.prefix}>
      <div>
        <h2 className="font-mono text-lg font-semibold">{prefix.prefix}</h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {prefix.services.map(shortId).join(', ') || 'no service'} · externalTrafficPolicy {prefix.policy} · {prefix.advertisers.length}{' '}
          expected advertiser(s)
          {prefix.excluded.length > 0 &&
            ` · ${prefix.excluded.length} excluded (${prefix.excluded.map((e) => `${shortId(e.node)}: ${e.reason}`).join('; ')})`}
        </p>
      </div>
      <EcmpMatrix prefix={prefix} />
      <MatrixLegend />
      {findings.length > 0 && (
        <ul className="space-y-1" data-testid="ecmp-findings">
          {findings.map((f, i) => (
            <li
              key={`${f.code}|${f.subject}|${f.node ?? ''}|${i}`}
              data-testid="ecmp-finding"
              data-code={f.code}
              className="flex items-baseline gap-2 text-sm"
            >
              <span className={`rounded px-1.5 text-[11px] font-semibold uppercase ${BADGE[f.severity]}`}>{f.severity}</span>
              <span className="font-mono text-xs text-slate-500">{f.code}</span>
              <span>{f.message}</span>
            </li>
          ))}
        </ul>
      )}
      <div>
        <h3 className="mb-1 font-semibold">Churn</h3>
        <ChurnTimeline events={churn} model={data.model} />
      </div>
    </section>
  );
}

/** Per service prefix: expected vs installed paths per leaf, findings, and next-hop churn with its rehash estimate. */
export function EcmpApp() {
  const params = useSearchParams();
  const service = params.get('service');
  // The list is a summary (no matrices); only the selected prefix is fetched in full, so a large
  // cluster's page stays small.
  const { live, data, error } = useLiveApi<EcmpResponse>(
    `${ECMP_PATH}?summary=true${service ? `&service=${encodeURIComponent(service)}` : ''}`,
  );
  const wanted = params.get('prefix');
  const chosen = data
    ? (data.prefixes.find((p) => p.prefix === wanted) ?? data.prefixes.find((p) => p.policy === 'Local') ?? data.prefixes[0] ?? null)
    : null;
  const detail = useLiveApi<EcmpResponse>(chosen ? `${ECMP_PATH}?prefix=${encodeURIComponent(chosen.prefix)}` : null);
  const selected = detail.data?.prefixes.find((p) => p.prefix === chosen?.prefix) ?? null;
  return (
    <div className="flex min-h-screen flex-col">
      <AppHeader />
      <main className="flex-1 space-y-3 p-3">
        <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1">
          <h1 className="text-lg font-semibold">ECMP</h1>
          {data && (
            <span className="text-sm text-slate-600 dark:text-slate-400" data-testid="ecmp-max-paths">
              CNI {data.cni} · max paths {data.maxPaths.value}{' '}
              {data.maxPaths.source === 'assumed-default'
                ? '(assumed: the ACI default; the VRF BGP address-family policy was not read)'
                : `(from ${data.maxPaths.policy ?? 'bgpCtxAfPol'})`}
            </span>
          )}
          {service && (
            <span className="text-sm">
              service {service} ·{' '}
              <Link href="/ecmp" className="text-sky-700 hover:underline dark:text-sky-400">
                all
              </Link>
            </span>
          )}
        </div>
        {error && (
          <p className="text-sm text-red-600" role="alert">
            Cannot load the ECMP analysis: {error.message}
          </p>
        )}
        {!data && !error && <p className="text-sm text-slate-500">Loading…</p>}
        {data && data.prefixes.length === 0 && <p className="text-sm text-slate-500">No service prefix is advertised or installed.</p>}
        {detail.error && (
          <p className="text-sm text-red-600" role="alert">
            Cannot load {chosen?.prefix}: {detail.error.message}
          </p>
        )}
        {data && chosen && (
          <div className="flex gap-4">
            <PrefixList data={data} selected={chosen.prefix} />
            {detail.data && selected ? (
              <PrefixDetail data={detail.data} prefix={selected} />
            ) : (
              <p className="text-sm text-slate-500">Loading {chosen.prefix}…</p>
            )}
          </div>
        )}
      </main>
      <StatusBar live={live} />
    </div>
  );
}
