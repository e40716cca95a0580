import { describe, expect, it } from 'vitest';
import { formatCidr, mustParseCidr } from '../../lib/net/ip';
import { defaultClusterAsn, defaultSubnets } from './defaults';

describe('defaults', () => {
  it('defaults the cluster AS and subnets like the previous tool', () => {
    expect(defaultClusterAsn(65002)).toBe(65003);
    expect(defaultClusterAsn(65534)).toBe(65533);
    const d4 = defaultSubnets(mustParseCidr('192.168.39.0/24'));
    expect([d4.pod, d4.service, d4.external].map((c) => formatCidr(c!))).toEqual(['192.168.40.0/24', '192.168.41.0/24', '192.168.42.0/24']);
    const d6 = defaultSubnets(mustParseCidr('2001:db8:35::/56'));
    expect([d6.pod, d6.service, d6.external].map((c) => formatCidr(c!))).toEqual([
      '2001:db8:35:100::/56',
      '2001:db8:35:200::/108',
      '2001:db8:35:200::10:0/108',
    ]);
  });
});
