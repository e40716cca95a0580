import { canonicalIp, parseIp } from '../../net/ip';
import { compareStrings } from '../../shared/compare';

/**
 * The flow-placement model behind every rehash estimate. ACI L3Out ECMP has no resilient hashing
 * (PEERS.md B2), so akb assumes the textbook scheme: a flow's hash h picks next hop `list[h mod n]`
 * from the next hops in address order. Stated next to every number so nobody reads it as measured.
 */
export const REHASH_MODEL =
  'modulo-N hashing over the next hops in address order (ACI L3Out ECMP is not resilient); share of existing flows assumed uniformly spread over hash values';

function ipKey(ip: string): string {
  const canonical = canonicalIp(ip);
  if (canonical === null) return `~${ip}`;
  // Fixed-width hex of the bytes: sorts numerically, IPv4 before IPv6.
  const bytes = parseIp(canonical)!.toByteArray();
  return `${bytes.length === 4 ? '4' : '6'}${bytes.map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Next hops in the order the model hashes over: by address, numerically. */
export function orderNextHops(ips: readonly string[]): string[] {
  return [...new Set(ips)].sort((a, b) => compareStrings(ipKey(a), ipKey(b)));
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Share (0..1) of existing flows that land on a different next hop when the set changes from `before`
 * to `after`, under REHASH_MODEL. Hash values repeat with period lcm(n, m) (≤ 64 × 64), so counting one
 * period is exact. No existing flows (empty `before`) moves nothing; losing every path moves everything.
 */
export function rehashShare(before: readonly string[], after: readonly string[]): number {
  const a = orderNextHops(before);
  const b = orderNextHops(after);
  if (a.length === 0) return 0;
  if (b.length === 0) return 1;
  const period = (a.length / gcd(a.length, b.length)) * b.length;
  let moved = 0;
  for (let h = 0; h < period; h++) if (a[h % a.length] !== b[h % b.length]) moved++;
  return moved / period;
}
