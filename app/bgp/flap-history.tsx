'use client';

import { scaleLinear, scaleTime } from 'd3-scale';
import { curveStepAfter, line } from 'd3-shape';
import { useMemo } from 'react';
import type { SessionTransition } from '../../lib/live/shared/analysis-api';
import { Axis, timeTickFormat } from '../_components/chart-axis';
import { shortId } from '../ecmp/use-api';

const W = 640;
const H = 150;
const M = { top: 10, right: 30, bottom: 26, left: 40 };
const ESTABLISHED = 'established';

interface Step {
  at: number;
  up: number;
}

/**
 * Established sessions over the window, rebuilt from the current count: each transition into or out of
 * `established` moved the count by one, so the count at the start is the current one minus all those moves.
 */
export function establishedOverTime(current: number, transitions: readonly SessionTransition[], from: number, to: number): Step[] {
  const delta = (t: SessionTransition) => Number(t.to === ESTABLISHED) - Number(t.from === ESTABLISHED);
  const sorted = [...transitions].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  let up = current - sorted.reduce((n, t) => n + delta(t), 0);
  const steps: Step[] = [{ at: from, up }];
  for (const t of sorted) steps.push({ at: Date.parse(t.at), up: (up += delta(t)) });
  steps.push({ at: to, up: current });
  return steps;
}

/** BGP flap history: established sessions over the window (a step line) and a tick per session change. */
export function FlapHistory({
  transitions,
  established,
  windowSeconds,
  windowEnd,
}: {
  transitions: readonly SessionTransition[];
  established: number;
  windowSeconds: number;
  /** Epoch ms the window ends at (when the answer was fetched). */
  windowEnd: number;
}) {
  const to = windowEnd;
  const from = to - windowSeconds * 1000;
  const { x, y, path, format } = useMemo(() => {
    const steps = establishedOverTime(established, transitions, from, to);
    const max = Math.max(1, ...steps.map((s) => s.up));
    const x = scaleTime()
      .domain([new Date(from), new Date(to)])
      .range([M.left, W - M.right]);
    const y = scaleLinear()
      .domain([0, max])
      .range([H - M.bottom, M.top])
      .nice();
    const path = line<Step>()
      .x((s) => x(new Date(s.at)))
      .y((s) => y(s.up))
      .curve(curveStepAfter)(steps);
    return { x, y, path: path ?? '', format: timeTickFormat(to - from) };
  }, [transitions, established, from, to]);
  const integer = (v: Date | number) => (Number.isInteger(Number(v)) ? String(v) : '');
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      className="w-full max-w-3xl"
      role="img"
      aria-label="Established BGP sessions over time"
      data-testid="flap-history"
    >
      <Axis scale={y} orient="left" transform={`translate(${M.left},0)`} ticks={4} format={integer} testId="flap-y-axis" />
      <Axis scale={x} orient="bottom" transform={`translate(0,${H - M.bottom})`} ticks={6} format={format} testId="flap-time-axis" />
      <path d={path} className="fill-none stroke-emerald-600" strokeWidth={2} data-testid="flap-line" />
      {transitions.map((t, i) => {
        const cx = x(new Date(t.at));
        const down = t.from === ESTABLISHED;
        return (
          <line
            key={`${t.at}|${t.node}|${t.leaf}|${i}`}
            x1={cx}
            x2={cx}
            y1={H - M.bottom}
            y2={H - M.bottom - 8}
            className={down ? 'stroke-red-600' : 'stroke-emerald-600'}
            strokeWidth={2}
            data-testid="flap-tick"
          >
            <title>{`${new Date(t.at).toLocaleTimeString()} ${shortId(t.node)} ↔ ${shortId(t.leaf)}: ${t.from ?? 'none'} → ${t.to ?? 'none'}`}</title>
          </line>
        );
      })}
    </svg>
  );
}
