'use client';

import { axisBottom, axisLeft } from 'd3-axis';
import type { ScaleLinear, ScaleTime } from 'd3-scale';
import { select } from 'd3-selection';
import { timeFormat } from 'd3-time-format';
import { useEffect, useRef } from 'react';

/**
 * A d3 axis drawn into its own `<g>`: React owns the chart, d3-axis owns the ticks of this group only, so the two
 * never fight over the same nodes.
 */
export function Axis({
  scale,
  orient,
  transform,
  ticks,
  format,
  testId,
}: {
  scale: ScaleTime<number, number> | ScaleLinear<number, number>;
  orient: 'bottom' | 'left';
  transform: string;
  ticks: number;
  format: (value: Date | number) => string;
  testId: string;
}) {
  const ref = useRef<SVGGElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const axis = (orient === 'bottom' ? axisBottom<Date | number>(scale) : axisLeft<Date | number>(scale)).ticks(ticks).tickFormat(format);
    select(ref.current).call(axis);
  }, [scale, orient, ticks, format]);
  return <g ref={ref} transform={transform} data-testid={testId} className="text-slate-500" />;
}

const seconds = timeFormat('%H:%M:%S');
const minutes = timeFormat('%H:%M');
const days = timeFormat('%b %d %H:%M');

/** Tick labels a person reads at a glance, fitted to the span shown: 14:05:30, 14:05, or Nov 25 14:05 (local time). */
export function timeTickFormat(spanMs: number): (value: Date | number) => string {
  const f = spanMs <= 5 * 60_000 ? seconds : spanMs <= 2 * 86_400_000 ? minutes : days;
  return (value) => f(value instanceof Date ? value : new Date(value));
}
