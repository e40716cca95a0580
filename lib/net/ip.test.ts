import { describe, expect, it } from 'vitest';
import {
  addrAt,
  canonicalCidr,
  canonicalIp,
  cidrSize,
  compareIps,
  contains,
  formatCidr,
  hostAt,
  inCidr,
  isCanonicalCidr,
  lastAddr,
  mustParseCidr,
  mustParseIp,
  nextSubnet,
  overlaps,
  parseCidr,
  parseIp,
  subnetOf,
} from './ip';

const cidr = (t: string) => mustParseCidr(t);

describe('parsing', () => {
  it.each([
    ['10.1.2.3', '10.1.2.3'],
    ['2001:DB8:0:0::1', '2001:db8::1'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['10.1', null], // APICs and Kubernetes only ever send four-part decimal IPv4
    ['10.1.2.300', null],
    ['leaf-101', null],
    ['', null],
    ['dom-t:vrf', null],
    ['topology/pod-1/node-101/sys/bgp/inst/dom-common:vrf', null],
  ])('canonicalIp(%j) = %j', (text, expected) => {
    expect(canonicalIp(text)).toBe(expected);
    expect(canonicalIp(text)).toBe(expected); // the memoised answer is the same
  });

  it.each([
    ['10.1.2.0/24', '10.1.2.0/24'],
    ['10.1.2.1/24', '10.1.2.1/24'], // gateways keep their host bits
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

  it('has one failure convention: parse returns null, must throws naming the value and what is valid', () => {
    expect(parseIp('nope')).toBeNull();
    expect(parseCidr('10.0.0.0/40')).toBeNull();
    expect(() => mustParseIp('nope', 'l3out.anchors.0.ip')).toThrow(
      'l3out.anchors.0.ip: "nope" is not an IP address (expected an IPv4 address like 10.0.0.1 or an IPv6 address like fd00::1)',
    );
    expect(() => mustParseCidr('10.0.0.0/40', 'cluster.podSubnet')).toThrow(
      'cluster.podSubnet: "10.0.0.0/40" is not a CIDR (expected a subnet like 10.0.0.0/24 or fd00::/64)',
    );
    expect(() => addrAt(cidr('10.0.0.0/30'), 4)).toThrow(RangeError);
    expect(() => subnetOf(cidr('10.0.0.0/24'), 26, 4)).toThrow('subnet 4 of /26 does not fit in 10.0.0.0/24');
  });

  it('clears host bits in the parsed subnet, detects them, and keeps the family', () => {
    expect(formatCidr(cidr('10.1.2.3/16'))).toBe('10.1.0.0/16');
    expect(formatCidr(cidr('2001:db8::1/64'))).toBe('2001:db8::/64');
    expect(formatCidr(cidr('10.1.2.3/0'))).toBe('0.0.0.0/0');
    expect(isCanonicalCidr('10.1.2.3/16')).toBe(false);
    expect(isCanonicalCidr('10.1.0.0/16')).toBe(true);
    expect(isCanonicalCidr('bogus')).toBe(false);
    expect(cidr('fd00::/8').family).toBe('ipv6');
  });
});

describe('address math', () => {
  it("derives the previous tool's addresses from the end of the subnet", () => {
    expect(lastAddr(cidr('192.168.35.0/24')).toString()).toBe('192.168.35.255');
    expect(addrAt(cidr('192.168.35.0/24'), -2n).toString()).toBe('192.168.35.254');
    expect(addrAt(cidr('2001:db8:35::/56'), -3n).toString()).toBe('2001:db8:35:ff:ffff:ffff:ffff:fffd');
    expect(lastAddr(cidr('0.0.0.0/0')).toString()).toBe('255.255.255.255');
  });

  it('numbers hosts in a subnet the way the lab does, and refuses offsets outside it', () => {
    expect(hostAt('10.0.0.0/16', 1)).toBe('10.0.0.1');
    expect(hostAt('10.0.0.0/16', 65535)).toBe('10.0.255.255');
    expect(hostAt('fd00::/64', 16)).toBe('fd00::10');
    expect(() => hostAt('10.0.0.0/16', 65536)).toThrow('offset 65536 is outside 10.0.0.0/16 (65536 addresses)');
    expect(cidrSize(cidr('10.0.0.0/16'))).toBe(65536n);
  });

  it('finds next subnets and sub-subnets, and stops at the end of the address space', () => {
    expect(formatCidr(nextSubnet(cidr('192.168.39.0/24'), 3)!)).toBe('192.168.42.0/24');
    expect(formatCidr(subnetOf(cidr('2001:db8:35:200::/56'), 108, 1))).toBe('2001:db8:35:200::10:0/108');
    expect(formatCidr(subnetOf(cidr('10.244.0.0/16'), 24, 255))).toBe('10.244.255.0/24');
    expect(nextSubnet(cidr('255.255.255.0/24'), 1)).toBeNull();
  });

  it('tests containment and overlap per family', () => {
    expect(contains(cidr('10.1.0.0/16'), mustParseIp('10.1.200.1'))).toBe(true);
    expect(contains(cidr('10.1.0.0/16'), mustParseIp('::1'))).toBe(false);
    expect(overlaps(cidr('10.0.0.0/8'), cidr('10.9.0.0/16'))).toBe(true);
    expect(overlaps(cidr('10.0.0.0/16'), cidr('10.1.0.0/16'))).toBe(false);
    expect(inCidr('10.96.3.4', '10.96.0.0/16')).toBe(true);
    expect(inCidr('10.97.0.1', '10.96.0.0/16')).toBe(false);
    expect(inCidr('10.96.0.1', 'fd00::/64')).toBe(false);
    expect(inCidr('10.96.0.1', 'not-a-cidr')).toBe(false);
  });

  it('orders addresses numerically, IPv4 first', () => {
    const sorted = ['10.0.0.10', 'fd00::1', '10.0.0.9', '9.255.255.255'].map((t) => mustParseIp(t)).sort(compareIps);
    expect(sorted.map(String)).toEqual(['9.255.255.255', '10.0.0.9', '10.0.0.10', 'fd00::1']);
  });
});
