/**
 * Keys several claimants may claim (an IP two nodes report, a TEP two switches carry): each key belongs to the
 * claimant with the lowest rank, exactly the batch correlator's rule, whatever order the claims arrive in.
 */
type Claim = { id: string; rank: string };

export class ClaimIndex {
  /** Key → its one claim, or every claim when there are several (rare). */
  private readonly byKey = new Map<string, Claim | Map<string, string>>();
  private readonly byClaimant = new Map<string, Map<string, string>>();

  /** The winning claimant of `key`, or undefined. */
  get(key: string): string | undefined {
    const c = this.byKey.get(key);
    if (!c) return undefined;
    return c instanceof Map ? best(c).id : c.id;
  }

  /** Replaces the claims of `claimant` (key → rank); returns the keys whose winner changed. */
  set(claimant: string, claims: ReadonlyMap<string, string>): string[] {
    const before = this.byClaimant.get(claimant);
    const changed: string[] = [];
    for (const [key] of before ?? []) if (!claims.has(key) && this.remove(key, claimant)) changed.push(key);
    for (const [key, rank] of claims) if (before?.get(key) !== rank && this.add(key, claimant, rank)) changed.push(key);
    if (claims.size > 0) this.byClaimant.set(claimant, new Map(claims));
    else this.byClaimant.delete(claimant);
    return changed;
  }

  private add(key: string, id: string, rank: string): boolean {
    const c = this.byKey.get(key);
    if (!c) {
      this.byKey.set(key, { id, rank });
      return true;
    }
    if (!(c instanceof Map) && c.id === id) {
      this.byKey.set(key, { id, rank });
      return false;
    }
    const was = c instanceof Map ? best(c).id : c.id;
    const map = c instanceof Map ? c : new Map([[c.id, c.rank]]);
    map.set(id, rank);
    this.byKey.set(key, map);
    return best(map).id !== was;
  }

  private remove(key: string, id: string): boolean {
    const c = this.byKey.get(key);
    if (!c) return false;
    if (!(c instanceof Map)) {
      if (c.id !== id) return false;
      this.byKey.delete(key);
      return true;
    }
    const was = best(c).id;
    c.delete(id);
    if (c.size === 1) {
      const [only, rank] = c.entries().next().value!;
      this.byKey.set(key, { id: only, rank });
    }
    return this.get(key) !== was;
  }
}

function best(m: Map<string, string>): Claim {
  let out: Claim | null = null;
  for (const [id, rank] of m) if (!out || rank < out.rank || (rank === out.rank && id < out.id)) out = { id, rank };
  return out!;
}
