import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { orderNextHops, rehashShare, REHASH_MODEL } from '../../lib/topology/ecmp';

const a = '10.0.0.1';
const b = '10.0.0.2';
const c = '10.0.0.3';
const d = '10.0.0.4';

describe('rehashShare under modulo hashing over the ordered next hops', () => {
  it.each([
    { change: '3 to 4 paths', before: [a, b, c], after: [a, b, c, d], share: 0.75 },
    { change: '4 to 3 paths', before: [a, b, c, d], after: [a, b, c], share: 0.75 },
    { change: 'last member replaced', before: [a, b, c], after: [a, b, d], share: 1 / 3 },
    // .1 replaced by .4: the ordered list shifts from [.1 .2 .3] to [.2 .3 .4], every slot changes.
    { change: 'first member replaced by a higher address', before: [a, b, c], after: [d, b, c], share: 1 },
    { change: 'middle member replaced in place', before: [a, c, d], after: [a, b, d], share: 1 / 3 },
    { change: 'no change', before: [a, b, c], after: [c, a, b], share: 0 },
    { change: '1 to 2 paths', before: [a], after: [a, b], share: 0.5 },
    { change: 'route appears', before: [], after: [a, b], share: 0 },
    { change: 'route withdrawn', before: [a, b], after: [], share: 1 },
  ])('$change moves $share of flows', ({ before, after, share }) => {
    expect(rehashShare(before, after)).toBeCloseTo(share, 12);
  });

  it('orders next hops numerically, not as text', () => {
    expect(orderNextHops(['10.0.0.10', '10.0.0.9', '10.0.0.9'])).toEqual(['10.0.0.9', '10.0.0.10']);
    // Adding .10 after .9 appends to the list (numeric order): 1 to 2 paths moves half, not all.
    expect(rehashShare(['10.0.0.9'], ['10.0.0.9', '10.0.0.10'])).toBe(0.5);
  });

  it('names the model it assumes', () => {
    expect(REHASH_MODEL).toMatch(/modulo/);
    expect(REHASH_MODEL).toMatch(/not resilient/);
  });

  const hopSet = fc.uniqueArray(
    fc.integer({ min: 1, max: 64 }).map((n) => `10.1.0.${n}`),
    { maxLength: 16 },
  );

  it('is a share, symmetric, zero exactly when the set is unchanged', () => {
    fc.assert(
      fc.property(hopSet, hopSet, (x, y) => {
        const s = rehashShare(x, y);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        if (x.length > 0 && y.length > 0) expect(rehashShare(y, x)).toBeCloseTo(s, 12);
        const same = orderNextHops(x).join() === orderNextHops(y).join();
        if (x.length > 0) expect(s === 0).toBe(same);
      }),
    );
  });

  it('moves at least the flows of removed next hops', () => {
    fc.assert(
      fc.property(
        hopSet.filter((x) => x.length > 0),
        hopSet,
        (x, y) => {
          const removed = x.filter((h) => !y.includes(h)).length;
          expect(rehashShare(x, y)).toBeGreaterThanOrEqual(removed / x.length - 1e-12);
        },
      ),
    );
  });
});
