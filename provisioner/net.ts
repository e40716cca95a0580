import ipaddr from 'ipaddr.js';

/**
 * Address math on top of ipaddr.js. ipaddr.js parses, formats and matches, but has no address arithmetic
 * (broadcast − n, "the next subnet of the same size"), so those few operations go through a bigint of the
 * address bytes here and nowhere else.
 */
export type Family = 'ipv4' | 'ipv6';
export type Addr = ipaddr.IPv4 | ipaddr.IPv6;

export interface Cidr {
  family: Family;
  /** The network address (host bits cleared). */
  network: Addr;
  prefix: number;
}

const BITS: Record<Family, number> = { ipv4: 32, ipv6: 128 };

export function familyOf(a: Addr): Family {
  return a.kind() === 'ipv4' ? 'ipv4' : 'ipv6';
}

function toBig(a: Addr): bigint {
  return a.toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

function fromBig(v: bigint, family: Family): Addr {
  const bytes: number[] = [];
  for (let i = BITS[family] / 8; i > 0; i--) {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  }
  return ipaddr.fromByteArray(bytes);
}

/** Parses "a.b.c.d/n" or "x::/n"; undefined if malformed. Host bits are cleared. */
export function parseCidr(text: string): Cidr | undefined {
  if (!ipaddr.isValidCIDR(text)) return undefined;
  const [addr, prefix] = ipaddr.parseCIDR(text);
  const family = familyOf(addr);
  const size = BITS[family];
  const mask = ((1n << BigInt(size)) - 1n) ^ ((1n << BigInt(size - prefix)) - 1n);
  return { family, network: fromBig(toBig(addr) & mask, family), prefix };
}

/** True if `text` is a CIDR whose address is the network address (no host bits set). */
export function isCanonicalCidr(text: string): boolean {
  if (!ipaddr.isValidCIDR(text)) return false;
  const [addr] = ipaddr.parseCIDR(text);
  const c = parseCidr(text)!;
  return toBig(addr) === toBig(c.network);
}

export function parseAddr(text: string): Addr | undefined {
  return ipaddr.isValid(text) ? ipaddr.parse(text) : undefined;
}

export function formatCidr(c: Cidr): string {
  return `${c.network.toString()}/${c.prefix}`;
}

export function cidrSize(c: Cidr): bigint {
  return 1n << BigInt(BITS[c.family] - c.prefix);
}

/** The last address of the subnet (the IPv4 broadcast address; for IPv6 just the highest address). */
export function lastAddr(c: Cidr): Addr {
  return fromBig(toBig(c.network) + cidrSize(c) - 1n, c.family);
}

/** The address `offset` positions from the network address (negative: back from the last address + 1). */
export function addrAt(c: Cidr, offset: bigint): Addr {
  const base = offset >= 0n ? toBig(c.network) : toBig(c.network) + cidrSize(c);
  return fromBig(base + offset, c.family);
}

/**
 * The subnet of the same size `n` positions after this one (the previous tool's "next free subnet"),
 * or undefined when it would run past the end of the address space.
 */
export function nextSubnet(c: Cidr, n: number): Cidr | undefined {
  const start = toBig(c.network) + cidrSize(c) * BigInt(n);
  if (start + cidrSize(c) > 1n << BigInt(BITS[c.family])) return undefined;
  return { ...c, network: fromBig(start, c.family) };
}

/** The `index`-th subnet of length `prefix` inside `c`. */
export function subnetOf(c: Cidr, prefix: number, index: number): Cidr {
  const size = 1n << BigInt(BITS[c.family] - prefix);
  return { family: c.family, network: fromBig(toBig(c.network) + size * BigInt(index), c.family), prefix };
}

export function contains(c: Cidr, a: Addr): boolean {
  return familyOf(a) === c.family && a.match(c.network, c.prefix);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && (contains(a, b.network) || contains(b, a.network));
}

export function sameAddr(a: Addr, b: Addr): boolean {
  return familyOf(a) === familyOf(b) && toBig(a) === toBig(b);
}

/** Canonical text of an address (compressed IPv6), for comparisons and output. */
export function addrText(a: Addr): string {
  return a.toString();
}
