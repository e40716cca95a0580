'use client';

import { scaleLinear, scaleTime } from 'd3-scale';
import { symbol, symbolCircle, symbolTriangle } from 'd3-shape';
import { useMemo } from 'react';
import type { ChurnEvent } from '../../lib/topology/ecmp/churn';
import { Axis, timeTickFormat } from '../_components/chart-axis';
import { shortId } from './use-api';

const W = 640;
const H = 160;
const M = { top: 10, right: 30, bottom: 26, left: 40 };
const pct = (x: number) => `${Math.round(x * 100)}%`;
const percentTick = (v: Date | number) => pct(Number(v));
// A triangle marks the changes that moved half the flows or more, so they stand out without colour too.
const marker = { small: symbol(symbolCircle, 48)()!, large: symbol(symbolTriangle, 64)()! };

/** Time on x (a single event gets a minute around it), share of flows moved on y. */
function scalesFor(times: number[]) {
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const pad = t1 - t0 < 60_000 ? 30_000 : 0;
  const x = scaleTime()
    .domain([new Date(t0 - pad), new Date(t1 + pad)])
    .range([M.left, W - M.right])
    .nice();
  const y = scaleLinear()
    .domain([0, 1])
    .range([H - M.bottom, M.top]);
  const [d0, d1] = x.domain();
  return { x, y, format: timeTickFormat(d1!.getTime() - d0!.getTime()) };
}

function causeText(e: ChurnEvent): string {
  const text = (c: ChurnEvent['causes'][number]): string => {
    if (c.kind === 'unknown') return `${c.hop}: cause unknown`;
    if (c.kind === 'via-fabric') return `${c.hop} via ${shortId(c.via)} (fabric)`;
    if (c.kind === 'session-state-change') return `session ${shortId(c.node)} ${c.from ?? 'none'} → ${c.to ?? 'none'}`;
    return `${c.kind} ${shortId(c.node)}`;
  };
  return [...new Set(e.causes.map(text))].join(', ');
}

function ChurnChart({ events }: { events: ChurnEvent[] }) {
  const times = useMemo(() => events.map((e) => Date.parse(e.at)), [events]);
  const { x, y, format } = useMemo(() => scalesFor(times), [times]);
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      className="w-full max-w-3xl"
      role="img"
      aria-label="ECMP churn over time: share of flows moved per change"
      data-testid="churn-chart"
    >
      <Axis scale={y} orient="left" transform={`translate(${M.left},0)`} ticks={4} format={percentTick} testId="churn-y-axis" />
      <Axis scale={x} orient="bottom" transform={`translate(0,${H - M.bottom})`} ticks={6} format={format} testId="churn-time-axis" />
      {events.map((e, i) => {
        const cx = x(new Date(times[i]!));
        return (
          <g key={`${e.at}|${e.leaf}|${e.prefix}|${i}`} data-testid="churn-mark">
            <line x1={cx} y1={y(0)} x2={cx} y2={y(e.movedShare)} className="stroke-sky-500" strokeWidth={2} />
            <path
              d={e.movedShare >= 0.5 ? marker.large : marker.small}
              transform={`translate(${cx},${y(e.movedShare)})`}
              className={e.movedShare >= 0.5 ? 'fill-red-600' : 'fill-amber-500'}
            >
              <title>{`${new Date(e.at).toLocaleTimeString()} ${shortId(e.leaf)} ${e.prefix}: ${e.before.length} → ${e.after.length} paths, ~${pct(e.movedShare)} of flows moved`}</title>
            </path>
          </g>
        );
      })}
    </svg>
  );
}

/** Churn events over time, height = estimated share of flows moved; the list below gives the details. */
export function ChurnTimeline({ events, model }: { events: ChurnEvent[]; model: string }) {
  if (events.length === 0)
    return (
      <p className="text-sm text-slate-500" data-testid="churn-empty">
        No next-hop changes recorded since akb started.
      </p>
    );
  return (
    <div className="space-y-2">
      <ChurnChart events={events} />
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
