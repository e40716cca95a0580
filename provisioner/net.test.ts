import { describe, expect, it } from 'vitest';
import { addrAt, contains, formatCidr, isCanonicalCidr, lastAddr, nextSubnet, overlaps, parseAddr, parseCidr, subnetOf } from './net';
import { defaultClusterAsn, defaultSubnets } from './spec/defaults';

const cidr = (t: string) => {
  const c = parseCidr(t);
  if (!c) throw new Error(t);
  return c;
};

describe('address math', () => {
  it("derives the previous tool's addresses from the end of the subnet", () => {
    expect(lastAddr(cidr('192.168.35.0/24')).toString()).toBe('192.168.35.255');
    expect(addrAt(cidr('192.168.35.0/24'), -2n).toString()).toBe('192.168.35.254');
    expect(addrAt(cidr('2001:db8:35::/56'), -3n).toString()).toBe('2001:db8:35:ff:ffff:ffff:ffff:fffd');
  });

  it('finds next subnets and sub-subnets, and stops at the end of the address space', () => {
    expect(formatCidr(nextSubnet(cidr('192.168.39.0/24'), 3)!)).toBe('192.168.42.0/24');
    expect(formatCidr(subnetOf(cidr('2001:db8:35:200::/56'), 108, 1))).toBe('2001:db8:35:200::10:0/108');
    expect(nextSubnet(cidr('255.255.255.0/24'), 1)).toBeUndefined();
  });

  it('clears host bits, detects them, and tests containment and overlap per family', () => {
    expect(formatCidr(cidr('10.1.2.3/16'))).toBe('10.1.0.0/16');
    expect(isCanonicalCidr('10.1.2.3/16')).toBe(false);
    expect(isCanonicalCidr('10.1.0.0/16')).toBe(true);
    expect(contains(cidr('10.1.0.0/16'), parseAddr('10.1.200.1')!)).toBe(true);
    expect(contains(cidr('10.1.0.0/16'), parseAddr('::1')!)).toBe(false);
    expect(overlaps(cidr('10.0.0.0/8'), cidr('10.9.0.0/16'))).toBe(true);
    expect(overlaps(cidr('10.0.0.0/16'), cidr('10.1.0.0/16'))).toBe(false);
  });

  it('defaults the cluster AS and subnets like the previous tool', () => {
    expect(defaultClusterAsn(65002)).toBe(65003);
    expect(defaultClusterAsn(65534)).toBe(65533);
    const d6 = defaultSubnets(cidr('2001:db8:35::/56'));
    expect([d6.pod, d6.service, d6.external].map((c) => formatCidr(c!))).toEqual([
      '2001:db8:35:100::/56',
      '2001:db8:35:200::/108',
      '2001:db8:35:200::10:0/108',
    ]);
  });
});
