import { describe, expect, it } from 'vitest';
import { ApicError } from './errors';
import { namingFromRn, rnFor, validateAttrs } from './classes';

describe('class registry', () => {
  it('builds RNs from naming properties and parses them back', () => {
    const vlifp = { nodeDn: 'topology/pod-1/node-101', encap: 'vlan-12' };
    expect(rnFor('l3extVirtualLIfP', vlifp)).toBe('vlifp-[topology/pod-1/node-101]-[vlan-12]');
    expect(namingFromRn('l3extVirtualLIfP', 'vlifp-[topology/pod-1/node-101]-[vlan-12]')).toEqual(vlifp);
    expect(rnFor('fvRsCtxToBgpCtxAfPol', { tnBgpCtxAfPolName: 'K8s', af: 'ipv6-ucast' })).toBe('rsctxToBgpCtxAfPol-[K8s]-ipv6-ucast');
    expect(rnFor('bgpAsP', {})).toBe('as');
    expect(namingFromRn('fvTenant', 'ctx-x')).toBeUndefined();
    expect(() => rnFor('l3extSubnet', {})).toThrow(/naming property 'ip'/);
  });

  const bad: Array<[string, Record<string, string>, string]> = [
    ['bgpAsP', { asn: '0' }, '801'],
    ['bgpAsP', { asn: '4294967296' }, '801'],
    ['bgpCtxAfPol', { maxEcmp: '65' }, '801'],
    ['l3extSubnet', { ip: '10.0.0.0/33' }, '801'],
    ['l3extSubnet', { scope: 'import-security,bogus' }, '801'],
    ['l3extRsNodeL3OutAtt', { rtrIdLoopBack: 'maybe' }, '801'],
    ['fvTenant', { name: 'has space' }, '801'],
    ['fvTenant', { description: 'x' }, '400'],
  ];
  it.each(bad)('%s %j is rejected with code %s', (cls, attrs, code) => {
    let caught: unknown;
    try {
      validateAttrs(cls, 'uni/x', attrs);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ApicError);
    expect((caught as ApicError).code).toBe(code);
  });

  it('accepts valid config values and any attribute on operational classes', () => {
    expect(() => validateAttrs('l3extVirtualLIfP', 'd', { mtu: 'inherit', addr: '2001:db8:35::201/56', ifInstT: 'ext-svi' })).not.toThrow();
    expect(() => validateAttrs('bgpPeerEntry', 'd', { anything: 'goes' })).not.toThrow();
  });
});
