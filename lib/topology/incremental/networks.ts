/**
 * Network keys: a prefix reduced to its family, masked address and length, so "which routes' prefixes contain this
 * IP" is a handful of exact lookups (one per prefix length) instead of a scan of every route.
 */
import { parseCidr, parseIp, type IpAddress } from '../../net/ip';

function key(v6: boolean, bytes: number[], len: number): string {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, len - i * 8));
    out.push(bytes[i]! & ((0xff << (8 - keep)) & 0xff));
  }
  return `${v6 ? 6 : 4}:${out.join('.')}/${len}`;
}

const bytesOf = (a: IpAddress) => a.toByteArray();

/** The key of a prefix (host bits ignored), or null when it is not a CIDR. */
export function networkKey(prefix: string): string | null {
  const p = parseCidr(prefix);
  if (!p) return null;
  return key(p.family === 'ipv6', bytesOf(p.network), p.prefix);
}

/** The keys of every network (length 0 up to the full address) that contains `ip`. */
export function networksContaining(ip: string): string[] {
  const a = parseIp(ip);
  if (!a) return [];
  const v6 = a.kind() === 'ipv6';
  const bytes = bytesOf(a);
  const out: string[] = [];
  for (let len = 0; len <= bytes.length * 8; len++) out.push(key(v6, bytes, len));
  return out;
}
