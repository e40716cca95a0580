import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ancestorsOf, isAtOrBelow, matchRnFormat, parentDn, rnFromFormat, rnOf, sameDn, splitDn, unbracketRn } from './dn';

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

describe('naming values in brackets', () => {
  it('reads an RN written with or without brackets, and requires them around "/"', () => {
    expect(matchRnFormat('lifp-{name}', 'lifp-[ip1]')).toEqual({ name: 'ip1' });
    expect(matchRnFormat('lifp-{name}', 'lifp-ip1')).toEqual({ name: 'ip1' });
    expect(matchRnFormat('vlifp-[{nodeDn}]-[{encap}]', 'vlifp-[topology/pod-1/node-101]-[vlan-12]')).toEqual({
      nodeDn: 'topology/pod-1/node-101',
      encap: 'vlan-12',
    });
    expect(matchRnFormat('vlifp-[{nodeDn}]-[{encap}]', 'vlifp-topology/pod-1/node-101-[vlan-12]')).toBeUndefined();
    expect(matchRnFormat('rscEpToPathEp-[{tDn}]', 'rscEpToPathEp-[topology/pod-1/paths-101/pathep-[eth1/1]]')).toEqual({
      tDn: 'topology/pod-1/paths-101/pathep-[eth1/1]',
    });
    expect(matchRnFormat('fd-[{affected}]-fault-{code}', 'fd-[a/b-fault-c]-fault-F0467')).toEqual({
      affected: 'a/b-fault-c',
      code: 'F0467',
    });
    expect(matchRnFormat('tn-{name}', 'ctx-x')).toBeUndefined();
  });

  it('writes the canonical RN: bracketed where the format says, and wherever a value holds "/"', () => {
    expect(rnFromFormat('lifp-{name}', { name: 'ip1' })).toBe('lifp-ip1');
    expect(rnFromFormat('pathep-[{name}]', { name: 'eth1/1' })).toBe('pathep-[eth1/1]');
    expect(rnFromFormat('ip-[{addr}]', { addr: '10.0.0.1' })).toBe('ip-[10.0.0.1]');
    expect(rnFromFormat('dom-{name}', { name: 'a/b' })).toBe('dom-[a/b]');
    expect(() => rnFromFormat('tn-{name}', {})).toThrow(/naming property 'name'/);
  });

  it('compares DNs whatever the bracketing (property: a canonical RN matches its own bracketed form)', () => {
    expect(sameDn('uni/tn-a/out-b/lnodep-[n]/lifp-[ip1]', 'uni/tn-a/out-b/lnodep-n/lifp-ip1')).toBe(true);
    expect(sameDn('uni/tn-a/lifp-ip1', 'uni/tn-a/lifp-ip2')).toBe(false);
    expect(unbracketRn('vlifp-[topology/pod-1/node-101]-[vlan-12]')).toBe('vlifp-topology/pod-1/node-101-vlan-12');
    const value = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,12}$/);
    fc.assert(
      fc.property(value, (v) => {
        const canonical = rnFromFormat('lifp-{name}', { name: v });
        expect(matchRnFormat('lifp-{name}', `lifp-[${v}]`)).toEqual({ name: v });
        expect(sameDn(`uni/tn-x/${canonical}`, `uni/tn-x/lifp-[${v}]`)).toBe(true);
      }),
    );
  });
});
