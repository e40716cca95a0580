import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ancestorsOf, isAtOrBelow, parentDn, rnOf, splitDn } from './dn';

describe('DN splitting', () => {
  it('respects nested brackets', () => {
    const dn = 'uni/tn-a/out-o/lnodep-n/lifp-i/rspathL3OutAtt-[topology/pod-1/paths-101/pathep-[eth1/1]]/peerP-[10.0.0.0/24]';
    expect(splitDn(dn)).toEqual([
      'uni',
      'tn-a',
      'out-o',
      'lnodep-n',
      'lifp-i',
      'rspathL3OutAtt-[topology/pod-1/paths-101/pathep-[eth1/1]]',
      'peerP-[10.0.0.0/24]',
    ]);
    expect(parentDn(dn)).toBe('uni/tn-a/out-o/lnodep-n/lifp-i/rspathL3OutAtt-[topology/pod-1/paths-101/pathep-[eth1/1]]');
    expect(rnOf(dn)).toBe('peerP-[10.0.0.0/24]');
  });

  it('handles several bracketed parts in one RN', () => {
    const dn = 'uni/tn-t/out-X/lnodep-Y/lifp-Z/vlifp-[topology/pod-1/node-101]-[vlan-13]';
    expect(rnOf(dn)).toBe('vlifp-[topology/pod-1/node-101]-[vlan-13]');
    expect(ancestorsOf(dn)[0]).toBe('uni/tn-t/out-X/lnodep-Y/lifp-Z');
    expect(parentDn('uni')).toBeUndefined();
  });

  it('isAtOrBelow does not confuse sibling prefixes', () => {
    expect(isAtOrBelow('uni/tn-ab', 'uni/tn-a')).toBe(false);
    expect(isAtOrBelow('uni/tn-a/ctx-v', 'uni/tn-a')).toBe(true);
  });

  it('joining split RNs gives back the DN (property)', () => {
    const plain = fc.stringMatching(/^[a-z0-9-]{1,6}$/);
    const bracketed = fc.array(plain, { minLength: 1, maxLength: 3 }).map((parts) => `x-[${parts.join('/')}]`);
    const nested = plain.map((p) => `r-[a/${p}/b-[c/${p}]]`);
    fc.assert(
      fc.property(fc.array(fc.oneof(plain, bracketed, nested), { minLength: 1, maxLength: 6 }), (rns) => {
        expect(splitDn(rns.join('/'))).toEqual(rns);
      }),
    );
  });
});
