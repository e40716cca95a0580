import { describe, expect, it } from 'vitest';
import { calicoSelector, matchesLabelSelector } from '../../lib/topology/ecmp';

describe('calicoSelector', () => {
  it.each<{ expr: string; labels: Record<string, string>; match: boolean }>([
    { expr: 'rack_id == "1"', labels: { rack_id: '1' }, match: true },
    { expr: "rack_id == '1'", labels: { rack_id: '2' }, match: false },
    { expr: 'rack_id != "1"', labels: {}, match: true },
    { expr: 'has(bgp) && rack_id == "2"', labels: { bgp: '', rack_id: '2' }, match: true },
    { expr: '!has(bgp)', labels: { bgp: 'x' }, match: false },
    { expr: 'all()', labels: {}, match: true },
    { expr: '', labels: {}, match: true },
  ])('$expr on $labels → $match', ({ expr, labels, match }) => {
    const f = calicoSelector(expr);
    expect(f).not.toBeNull();
    expect(f!(labels)).toBe(match);
  });

  it('refuses syntax it does not evaluate instead of guessing', () => {
    expect(calicoSelector('rack_id in {"1", "2"}')).toBeNull();
    expect(calicoSelector('a == "1" || b == "2"')).toBeNull();
  });
});

describe('matchesLabelSelector', () => {
  it('evaluates matchLabels and matchExpressions', () => {
    const sel = {
      matchLabels: { rack_id: '1' },
      matchExpressions: [
        { key: 'no-bgp', operator: 'DoesNotExist' },
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
      ],
    };
    expect(matchesLabelSelector(sel, { rack_id: '1', tier: 'a' })).toBe(true);
    expect(matchesLabelSelector(sel, { rack_id: '1', tier: 'c' })).toBe(false);
    expect(matchesLabelSelector(sel, { rack_id: '1', tier: 'a', 'no-bgp': '' })).toBe(false);
    expect(matchesLabelSelector(undefined, {})).toBe(true);
  });
});
