'use client';

import type { ChurnEvent } from '../../lib/topology/ecmp/churn';
import { shortId } from './use-api';

const W = 640;
const H = 140;
const PAD = 28;
const pct = (x: number) => `${Math.round(x * 100)}%`;

function causeText(e: ChurnEvent): string {
  const text = (c: ChurnEvent['causes'][number]): string => {
    if (c.kind === 'unknown') return `${c.hop}: cause unknown`;
    if (c.kind === 'via-fabric') return `${c.hop} via ${shortId(c.via)} (fabric)`;
    if (c.kind === 'session-state-change') return `session ${shortId(c.node)} ${c.from ?? 'none'} → ${c.to ?? 'none'}`;
    return `${c.kind} ${shortId(c.node)}`;
  };
  return [...new Set(e.causes.map(text))].join(', ');
}

/** Churn events over time, height = estimated share of flows moved; the list below gives the details. */
export function ChurnTimeline({ events, model }: { events: ChurnEvent[]; model: string }) {
  if (events.length === 0)
    return (
      <p className="text-sm text-slate-500" data-testid="churn-empty">
        No next-hop changes recorded since akb started.
      </p>
    );
  const times = events.map((e) => Date.parse(e.at));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times, t0 + 1000);
  const x = (t: number) => PAD + ((t - t0) / (t1 - t0)) * (W - 2 * PAD);
  const y = (share: number) => H - PAD - share * (H - 2 * PAD);
  return (
    <div className="space-y-2">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="w-full max-w-3xl"
        role="img"
        aria-label="ECMP churn over time: share of flows moved per change"
      >
        <line x1={PAD} y1={y(0)} x2={W - PAD} y2={y(0)} className="stroke-slate-300" />
        <line x1={PAD} y1={y(1)} x2={W - PAD} y2={y(1)} className="stroke-slate-200" strokeDasharray="3 3" />
        <text x={2} y={y(1) + 4} className="fill-slate-500 text-[10px]">
          100%
        </text>
        <text x={8} y={y(0) + 4} className="fill-slate-500 text-[10px]">
          0%
        </text>
        {events.map((e, i) => (
          <g key={`${e.at}|${e.leaf}|${e.prefix}|${i}`}>
            <line x1={x(times[i]!)} y1={y(0)} x2={x(times[i]!)} y2={y(e.movedShare)} className="stroke-sky-500" strokeWidth={2} />
            <circle cx={x(times[i]!)} cy={y(e.movedShare)} r={4} className={e.movedShare >= 0.5 ? 'fill-red-600' : 'fill-amber-500'}>
              <title>{`${new Date(e.at).toLocaleTimeString()} ${shortId(e.leaf)} ${e.prefix}: ${e.before.length} → ${e.after.length} paths, ~${pct(e.movedShare)} of flows moved`}</title>
            </circle>
          </g>
        ))}
      </svg>
      <p className="text-xs text-slate-500">Estimate model: {model}.</p>
      <table className="w-full text-left text-xs" data-testid="churn-events">
        <thead className="text-slate-500">
          <tr>
            <th className="py-1 pr-2">time</th>
            <th className="pr-2">leaf</th>
            <th className="pr-2">prefix</th>
            <th className="pr-2">paths</th>
            <th className="pr-2">flows moved (est.)</th>
            <th>cause</th>
          </tr>
        </thead>
        <tbody>
          {[...events].reverse().map((e, i) => (
            <tr
              key={`${e.at}|${e.leaf}|${e.prefix}|${i}`}
              data-testid="churn-event"
              data-leaf={e.leaf}
              data-share={e.movedShare}
              className="border-t border-slate-100 dark:border-slate-800"
            >
              <td className="py-1 pr-2 font-mono">{new Date(e.at).toLocaleTimeString()}</td>
              <td className="pr-2 font-mono">{shortId(e.leaf)}</td>
              <td className="pr-2 font-mono">{e.prefix}</td>
              <td className="pr-2 font-mono">
                {e.before.length} → {e.after.length}
              </td>
              <td className="pr-2 font-mono">{pct(e.movedShare)}</td>
              <td>{causeText(e)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
