import { describe, expect, it } from 'vitest';
import { timeTickFormat } from '../../app/_components/chart-axis';
import { establishedOverTime } from '../../app/bgp/flap-history';

describe('chart helpers', () => {
  it('rebuilds established sessions over the window from the current count and the transitions', () => {
    const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 10, 0, s)).toISOString();
    const t0 = Date.parse(at(0));
    const steps = establishedOverTime(
      3,
      [
        { at: at(20), node: 'node:a', leaf: 'leaf:101', from: 'established', to: 'idle' },
        { at: at(10), node: 'node:b', leaf: 'leaf:101', from: 'established', to: 'active' },
        { at: at(30), node: 'node:a', leaf: 'leaf:101', from: 'idle', to: 'established' },
      ],
      t0,
      t0 + 60_000,
    );
    expect(steps.map((s) => [(s.at - t0) / 1000, s.up])).toEqual([
      [0, 4],
      [10, 3],
      [20, 2],
      [30, 3],
      [60, 3],
    ]);
  });

  it('labels time ticks by the span shown', () => {
    const t = new Date(2026, 10, 25, 14, 5, 30);
    expect(timeTickFormat(60_000)(t)).toBe('14:05:30');
    expect(timeTickFormat(3_600_000)(t)).toBe('14:05');
    expect(timeTickFormat(7 * 86_400_000)(t)).toBe('Nov 25 14:05');
  });
});
