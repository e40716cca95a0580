import { canonicalIp, ipNumber, parseCidr, parseIp } from '../../net/ip';

/** An IP as an unsigned integer plus its family, for range queries. */
function toBig(ip: string): { v6: boolean; n: bigint } | null {
  const canonical = canonicalIp(ip);
  const addr = canonical === null ? null : parseIp(canonical);
  return addr ? ipNumber(addr) : null;
}

/**
 * IP → values, answering "which values sit at exactly this IP" and "which sit inside this prefix" in
 * O(log n + matches) via sorted arrays and binary search, so matching every route against every
 * service IP stays linear in the input rather than routes × services.
 */
export class IpIndex<T> {
  private readonly exact = new Map<string, T[]>();
  private sorted: { v4: { n: bigint; v: T }[]; v6: { n: bigint; v: T }[] } | null = { v4: [], v6: [] };
  private dirty = false;

  add(ip: string, value: T): void {
    const l = this.exact.get(ip);
    if (l) {
      if (!l.includes(value)) l.push(value);
      else return;
    } else this.exact.set(ip, [value]);
    const b = toBig(ip);
    if (!b || !this.sorted) return;
    (b.v6 ? this.sorted.v6 : this.sorted.v4).push({ n: b.n, v: value });
    this.dirty = true;
  }

  /** Takes `value` off `ip` (the incremental graph's services change their addresses). */
  remove(ip: string, value: T): void {
    const l = this.exact.get(ip);
    const i = l?.indexOf(value) ?? -1;
    if (!l || i < 0) return;
    l.splice(i, 1);
    if (l.length === 0) this.exact.delete(ip);
    const b = toBig(ip);
    if (!b || !this.sorted) return;
    const arr = b.v6 ? this.sorted.v6 : this.sorted.v4;
    const at = arr.findIndex((e) => e.n === b.n && e.v === value);
    if (at >= 0) arr.splice(at, 1);
  }

  at(ip: string): readonly T[] {
    return this.exact.get(ip) ?? [];
  }

  /** Values whose IP lies inside `cidr` (`10.96.0.0/12`). */
  within(cidr: string): T[] {
    const net = parseCidr(cidr);
    if (!net) return [];
    const base = toBig(net.network.toString());
    if (!base || !this.sorted) return [];
    if (this.dirty) {
      for (const arr of [this.sorted.v4, this.sorted.v6]) arr.sort((a, b) => (a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
      this.dirty = false;
    }
    const bits = base.v6 ? 128n : 32n;
    const hostBits = bits - BigInt(net.prefix);
    const lo = (base.n >> hostBits) << hostBits;
    const hi = lo + (1n << hostBits) - 1n;
    const arr = base.v6 ? this.sorted.v6 : this.sorted.v4;
    let l = 0;
    let r = arr.length;
    while (l < r) {
      const m = (l + r) >> 1;
      if (arr[m]!.n < lo) l = m + 1;
      else r = m;
    }
    const out: T[] = [];
    for (let i = l; i < arr.length && arr[i]!.n <= hi; i++) out.push(arr[i]!.v);
    return out;
  }
}
