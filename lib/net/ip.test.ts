import { describe, expect, it } from 'vitest';
import { canonicalCidr, canonicalIp, parseCidr, parseIp } from './ip';

describe('fast IP helpers', () => {
  it.each([
    ['10.1.2.3', '10.1.2.3'],
    ['2001:DB8:0:0::1', '2001:db8::1'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['10.1', null], // APICs and Kubernetes only ever send four-part decimal IPv4
    ['10.1.2.300', null],
    ['leaf-101', null],
    ['', null],
    ['dom-t:vrf', null],
  ])('canonicalIp(%j) = %j', (text, expected) => {
    expect(canonicalIp(text)).toBe(expected);
    expect(canonicalIp(text)).toBe(expected); // the memoised answer is the same
  });

  it.each([
    ['10.1.2.0/24', '10.1.2.0/24'],
    ['2001:db8:0::/48', '2001:db8::/48'],
    ['10.1.2.3/33', null],
    ['2001:db8::/129', null],
    ['10.1.2.3', null],
    ['10.1.2.3/', null],
    ['10.1.2.3/x', null],
    ['bogus/24', null],
  ])('canonicalCidr(%j) = %j', (text, expected) => {
    expect(canonicalCidr(text)).toBe(expected);
  });

  it('parses by family and matches containment', () => {
    const net = parseCidr('10.96.0.0/12')!;
    expect(parseIp('10.100.3.4')!.match(net)).toBe(true);
    expect(parseIp('10.112.0.1')!.match(net)).toBe(false);
    expect(parseIp('fd00::1')!.kind()).toBe('ipv6');
  });
});
