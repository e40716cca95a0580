'use client';

import { useMemo, useState } from 'react';
import { BGP_PATH, type BgpResponse } from '../../lib/live/shared/analysis-api';
import { AppHeader } from '../_components/app-header';
import { FlapHistory } from './flap-history';
import { StatusBar } from '../_components/status-bar';
import { shortId, useLiveApi } from '../ecmp/use-api';

type Session = BgpResponse['sessions'][number];

function cellClass(s: Session): string {
  if (s.state === 'established') return 'bg-emerald-500 text-white';
  if (s.state === null) return 'border border-dashed border-red-500 text-red-600';
  if (s.state === 'idle' || s.state === 'shutdown') return 'bg-red-600 text-white';
  return 'bg-amber-500 text-slate-950';
}

const WINDOWS = [300, 600, 3600, 86400];

const windowLabel = (w: number) => (w < 3600 ? `${w / 60} min` : `${w / 3600} h`);

/** Nodes × anchor leaves, coloured by session state, with expectations, flaps and prefixes received. */
export function BgpApp() {
  const [windowSeconds, setWindow] = useState(600);
  const { live, data, error } = useLiveApi<BgpResponse>(`${BGP_PATH}?windowSeconds=${windowSeconds}`);
  const cell = new Map((data?.sessions ?? []).map((s) => [`${s.node}|${s.leaf}`, s]));
  // The window ends when this answer arrived; recomputed with each new answer.
  const fetchedAt = useMemo(() => (data ? Date.now() : 0), [data]);
  return (
    <div className="flex min-h-screen flex-col">
      <AppHeader />
      <main className="flex-1 space-y-3 p-3">
        <div className="flex flex-wrap items-baseline gap-4">
          <h1 className="text-lg font-semibold">BGP sessions</h1>
          {data && (
            <span className="text-sm text-slate-600 dark:text-slate-400">
              CNI {data.cni} · expected sessions from{' '}
              {data.fromCniConfig
                ? 'the CNI peer configuration and the L3Out peers'
                : 'the fabric only (CNI peer configuration not readable)'}
            </span>
          )}
          <label className="text-sm">
            flaps over{' '}
            <select
              value={windowSeconds}
              onChange={(e) => setWindow(Number(e.target.value))}
              className="rounded border border-slate-300 bg-transparent px-1 dark:border-slate-700"
            >
              {WINDOWS.map((w) => (
                <option key={w} value={w}>
                  {windowLabel(w)}
                </option>
              ))}
            </select>
          </label>
        </div>
        {error && (
          <p className="text-sm text-red-600" role="alert">
            Cannot load BGP health: {error.message}
          </p>
        )}
        {data && (
          <div className="overflow-x-auto">
            <table data-testid="bgp-grid" className="border-collapse text-xs">
              <thead>
                <tr>
                  <th className="px-2 py-1 text-left font-medium text-slate-500">node \ leaf</th>
                  {data.leaves.map((l) => (
                    <th key={l} className="px-2 py-1 font-mono font-normal">
                      {shortId(l)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.nodes.map((n) => (
                  <tr key={n} data-testid="bgp-row" data-node={n}>
                    <th className="px-2 py-1 text-left font-mono font-normal">{shortId(n)}</th>
                    {data.leaves.map((l) => {
                      const s = cell.get(`${n}|${l}`);
                      if (!s) return <td key={l} className="border border-slate-100 dark:border-slate-800" />;
                      const title = [
                        `${shortId(n)} ↔ ${shortId(l)}: ${s.state ?? 'no session'}`,
                        `expected by: ${s.expectedBy.join(', ') || 'nobody (unexpected session)'}`,
                        `flaps in window: ${s.flaps}`,
                        `prefixes received: ${s.prefixesReceived ?? 'unknown'}`,
                      ].join('\n');
                      return (
                        <td key={l} className="border border-slate-100 p-0.5 dark:border-slate-800">
                          <span
                            data-testid="bgp-cell"
                            data-state={s.state ?? 'none'}
                            data-leaf={l}
                            title={title}
                            className={`flex min-w-20 items-center justify-between gap-1 rounded px-1 py-0.5 ${cellClass(s)}`}
                          >
                            <span>{s.state ?? 'none'}</span>
                            <span className="font-mono">
                              {s.flaps > 0 ? `↯${s.flaps}` : ''}
                              {s.prefixesReceived !== null ? ` ${s.prefixesReceived}p` : ''}
                            </span>
                          </span>
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {data && Object.keys(data.unmappedPeers).length > 0 && (
          <p className="text-sm text-amber-700 dark:text-amber-400">
            Peer addresses configured in the CNI that match no anchor leaf:{' '}
            {Object.entries(data.unmappedPeers)
              .map(([n, ips]) => `${shortId(n)} → ${ips.join(', ')}`)
              .join('; ')}
          </p>
        )}
        {data && (
          <div>
            <h2 className="mb-1 font-semibold">Established sessions over the last {windowLabel(data.windowSeconds)}</h2>
            <FlapHistory
              transitions={data.transitions}
              established={data.sessions.filter((s) => s.state === 'established').length}
              windowSeconds={data.windowSeconds}
              windowEnd={fetchedAt}
            />
          </div>
        )}
        {data && data.transitions.length > 0 && (
          <div>
            <h2 className="mb-1 font-semibold">Session changes in the window</h2>
            <ul className="space-y-0.5 text-xs" data-testid="bgp-transitions">
              {[...data.transitions].reverse().map((t, i) => (
                <li key={`${t.at}|${t.node}|${t.leaf}|${i}`} className="font-mono">
                  {new Date(t.at).toLocaleTimeString()} {shortId(t.node)} ↔ {shortId(t.leaf)}: {t.from ?? 'none'} → {t.to ?? 'none'}
                </li>
              ))}
            </ul>
          </div>
        )}
      </main>
      <StatusBar live={live} />
    </div>
  );
}
