import ipaddr from 'ipaddr.js';

/** IPv4 arithmetic over 32-bit unsigned integers; ipaddr.js does parsing and validation. */

export function ipToInt(ip: string): number {
  const b = ipaddr.IPv4.parse(ip).octets;
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Cidr {
  base: number;
  prefix: number;
  size: number;
}

export function parseCidr(cidr: string): Cidr {
  const [addr, prefix] = ipaddr.parseCIDR(cidr);
  const size = 2 ** (32 - prefix);
  const base = Math.floor(ipToInt(addr.toString()) / size) * size;
  return { base, prefix, size };
}

export function cidrString(c: Cidr): string {
  return `${intToIp(c.base)}/${c.prefix}`;
}

/** The n-th host address of a subnet (offset from the network address); throws when outside it. */
export function hostAt(cidr: string, offset: number): string {
  const c = parseCidr(cidr);
  if (offset < 0 || offset >= c.size) throw new Error(`offset ${offset} is outside ${cidr}`);
  return intToIp(c.base + offset);
}

/** The index-th sub-block of length `prefix` inside `cidr`. */
export function subBlock(cidr: string, prefix: number, index: number): string {
  const c = parseCidr(cidr);
  const size = 2 ** (32 - prefix);
  if (prefix < c.prefix || (index + 1) * size > c.size) throw new Error(`block ${index} of /${prefix} does not fit in ${cidr}`);
  return `${intToIp(c.base + index * size)}/${prefix}`;
}

export function inCidr(ip: string, cidr: string): boolean {
  const c = parseCidr(cidr);
  const n = ipToInt(ip);
  return n >= c.base && n < c.base + c.size;
}

export function compareIp(a: string, b: string): number {
  return ipToInt(a) - ipToInt(b);
}
