/**
 * The one IP and CIDR module of akb (the core, the provisioner and the lab), on top of ipaddr.js.
 *
 * Failure convention: `parse*` and `canonical*` return null for text that is not an address or a CIDR; the
 * `must*` variants throw an Error naming the text and what would be valid, for values already validated at a trust
 * boundary. Arithmetic that would leave the subnet or the address space throws a RangeError naming the values.
 *
 * PERFORMANCE: `ipaddr.parse`/`parseCIDR`/`isValid` try IPv6 first and throw-and-catch internally for every IPv4
 * string, which dominated correlation profiles at 2,000 nodes. These helpers pick the family from the text (a colon
 * means IPv6), rule out non-address text with a regex before the IPv6 parser (APIC DNs contain colons), and remember
 * recent answers: the same prefixes and next hops recur on every leaf. IPv4 arithmetic stays in 32-bit numbers.
 */
import ipaddr from 'ipaddr.js';

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;
export type Family = 'ipv4' | 'ipv6';

/** A subnet: its network address (host bits cleared) and prefix length. Shared when memoised: never mutate. */
export interface Cidr {
  readonly family: Family;
  readonly network: IpAddress;
  readonly prefix: number;
}

const BITS: Record<Family, number> = { ipv4: 32, ipv6: 128 };
const CACHE_LIMIT = 100_000;
const IPV6_CHARS = /^[0-9a-fA-F:.]+(%[0-9A-Za-z._-]+)?$/;

/** A bounded memo: cleared when full, which keeps memory flat without the bookkeeping of an LRU. */
function memo<T>(compute: (text: string) => T): (text: string) => T {
  const cache = new Map<string, T>();
  return (text) => {
    const hit = cache.get(text);
    if (hit !== undefined || cache.has(text)) return hit as T;
    const value = compute(text);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(text, value);
    return value;
  };
}

export function familyOf(a: IpAddress): Family {
  return a.kind() === 'ipv4' ? 'ipv4' : 'ipv6';
}

/** Parses an address in its own family (dotted quad or IPv6); IPv4-mapped IPv6 stays IPv6 here (see `canonicalIp`). */
export function parseIp(text: string): IpAddress | null {
  if (text.includes(':')) return IPV6_CHARS.test(text) && ipaddr.IPv6.isValid(text) ? ipaddr.IPv6.parse(text) : null;
  return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text) : null;
}

function v4Number(a: ipaddr.IPv4): number {
  const o = a.octets;
  return ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;
}

function v4FromNumber(n: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
}

function toBig(a: IpAddress): bigint {
  return a.toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

function fromBig(v: bigint, family: Family): IpAddress {
  if (family === 'ipv4') return v4FromNumber(Number(v));
  const bytes: number[] = new Array<number>(16);
  for (let i = 15; i >= 0; i--) {
    bytes[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return ipaddr.fromByteArray(bytes);
}

function networkOf(addr: IpAddress, prefix: number): IpAddress {
  if (addr.kind() === 'ipv4') {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return v4FromNumber((v4Number(addr as ipaddr.IPv4) & mask) >>> 0);
  }
  const host = 128n - BigInt(prefix);
  return fromBig((toBig(addr) >> host) << host, 'ipv6');
}

function splitCidr(text: string): [IpAddress, number] | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const len = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(len)) return null;
  const addr = parseIp(text.slice(0, slash));
  if (!addr) return null;
  const n = Number(len);
  return n <= BITS[familyOf(addr)] ? [addr, n] : null;
}

/** The subnet of `ip/len` (host bits cleared), or null when either part is malformed or the length out of range. */
export const parseCidr = memo((text: string): Cidr | null => {
  const parts = splitCidr(text);
  if (!parts) return null;
  const [addr, prefix] = parts;
  return Object.freeze({ family: familyOf(addr), network: networkOf(addr, prefix), prefix });
});

const IP_EXPECTED = 'expected an IPv4 address like 10.0.0.1 or an IPv6 address like fd00::1';
const CIDR_EXPECTED = 'expected a subnet like 10.0.0.0/24 or fd00::/64';

/** `parseIp` for a value already validated: throws naming it. */
export function mustParseIp(text: string, what = 'address'): IpAddress {
  const a = parseIp(text);
  if (!a) throw new Error(`${what}: "${text}" is not an IP address (${IP_EXPECTED})`);
  return a;
}

/** `parseCidr` for a value already validated: throws naming it. */
export function mustParseCidr(text: string, what = 'subnet'): Cidr {
  const c = parseCidr(text);
  if (!c) throw new Error(`${what}: "${text}" is not a CIDR (${CIDR_EXPECTED})`);
  return c;
}

/** True if `text` is a CIDR whose address is the network address (no host bits set). */
export function isCanonicalCidr(text: string): boolean {
  const parts = splitCidr(text);
  return !!parts && sameAddr(parts[0], networkOf(parts[0], parts[1]));
}

/** Canonical text of an IP (IPv4-mapped IPv6 becomes IPv4; IPv6 in RFC 5952 form), or null. */
export const canonicalIp = memo((text: string): string | null => {
  const addr = parseIp(text);
  if (!addr) return null;
  return addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()
    ? (addr as ipaddr.IPv6).toIPv4Address().toString()
    : addr.toString();
});

/** Canonical `ip/len` of a CIDR string as written (host bits kept, as APIC and Kubernetes write gateways), or null. */
export const canonicalCidr = memo((text: string): string | null => {
  const parts = splitCidr(text);
  return parts ? `${parts[0].toString()}/${parts[1]}` : null;
});

export function formatCidr(c: Cidr): string {
  return `${c.network.toString()}/${c.prefix}`;
}

/** Number of addresses in the subnet. */
export function cidrSize(c: Cidr): bigint {
  return 1n << BigInt(BITS[c.family] - c.prefix);
}

/**
 * The address `offset` positions from the network address; a negative offset counts back from the end (−1 is the
 * last address, the IPv4 broadcast address). RangeError when the offset lies outside the subnet.
 */
export function addrAt(c: Cidr, offset: number | bigint): IpAddress {
  const size = cidrSize(c);
  const off = BigInt(offset);
  if (off >= size || -off > size) throw new RangeError(`offset ${offset} is outside ${formatCidr(c)} (${size} addresses)`);
  if (c.family === 'ipv4') return v4FromNumber(v4Number(c.network as ipaddr.IPv4) + Number(off < 0n ? size + off : off));
  return fromBig(toBig(c.network) + (off < 0n ? size + off : off), c.family);
}

/** Text of `addrAt(parseCidr(cidr), offset)`: the lab's and the plan's way to number hosts in a subnet. */
export function hostAt(cidr: string, offset: number | bigint): string {
  return addrAt(mustParseCidr(cidr), offset).toString();
}

/** The last address of the subnet (the IPv4 broadcast address; for IPv6 just the highest address). */
export function lastAddr(c: Cidr): IpAddress {
  return addrAt(c, -1);
}

/**
 * The subnet of the same size `n` positions after this one (the previous tool's "next free subnet"), or null when
 * it would run past the end of the address space.
 */
export function nextSubnet(c: Cidr, n: number): Cidr | null {
  const start = toBig(c.network) + cidrSize(c) * BigInt(n);
  if (start + cidrSize(c) > 1n << BigInt(BITS[c.family])) return null;
  return { ...c, network: fromBig(start, c.family) };
}

/** The `index`-th subnet of length `prefix` inside `c`; RangeError when it does not fit. */
export function subnetOf(c: Cidr, prefix: number, index: number): Cidr {
  const size = 1n << BigInt(BITS[c.family] - prefix);
  if (prefix < c.prefix || prefix > BITS[c.family] || index < 0 || size * BigInt(index + 1) > cidrSize(c)) {
    throw new RangeError(`subnet ${index} of /${prefix} does not fit in ${formatCidr(c)}`);
  }
  return { family: c.family, network: fromBig(toBig(c.network) + size * BigInt(index), c.family), prefix };
}

export function contains(c: Cidr, a: IpAddress): boolean {
  return familyOf(a) === c.family && a.match(c.network, c.prefix);
}

/** True when `ip` is an address inside the subnet `cidr`; false when either does not parse. */
export function inCidr(ip: string, cidr: string): boolean {
  const c = parseCidr(cidr);
  const a = parseIp(ip);
  return !!c && !!a && contains(c, a);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && (contains(a, b.network) || contains(b, a.network));
}

export function sameAddr(a: IpAddress, b: IpAddress): boolean {
  return compareIps(a, b) === 0;
}

/** Address order: IPv4 before IPv6, then numerically. */
export function compareIps(a: IpAddress, b: IpAddress): number {
  if (a.kind() !== b.kind()) return a.kind() === 'ipv4' ? -1 : 1;
  const ba = a.toByteArray();
  const bb = b.toByteArray();
  for (let k = 0; k < ba.length; k++) if (ba[k] !== bb[k]) return ba[k]! < bb[k]! ? -1 : 1;
  return 0;
}

/** The address of 4 (IPv4) or 16 (IPv6) network-order bytes, as SOCKS and other binary protocols carry it. */
export function ipFromBytes(bytes: readonly number[]): IpAddress {
  return ipaddr.fromByteArray([...bytes]);
}

/** The address as an unsigned integer (for range indexes); `v6` tells the family. */
export function ipNumber(a: IpAddress): { v6: boolean; n: bigint } {
  return { v6: a.kind() === 'ipv6', n: toBig(a) };
}
