/**
 * Which units read which facts. A unit's lookups register `fact → unit` as they happen, so when a fact changes
 * (an IP's owner, a path's LLDP neighbours, a service's addresses) exactly the units that read it are redone.
 * Facts are strings with a kind prefix (`nodeip:10.0.0.5`, `path:topology/...`); each unit's facts are replaced
 * wholesale on every recompute, so a unit never keeps a dependency it no longer has.
 */
import type { UnitKey } from './output-store';

export class DependencyIndex {
  private readonly readers = new Map<string, Set<UnitKey>>();
  private readonly reads = new Map<UnitKey, string[]>();

  /** Replaces what `unit` depends on; returns the facts whose reader count went from 0 to 1 or from 1 to 0. */
  set(unit: UnitKey, facts: readonly string[]): string[] {
    const before = this.reads.get(unit) ?? [];
    const after = facts.length > 1 ? [...new Set(facts)] : [...facts];
    const flipped: string[] = [];
    const keep = new Set(after);
    for (const f of before) {
      if (keep.has(f)) continue;
      const set = this.readers.get(f);
      if (!set) continue;
      set.delete(unit);
      if (set.size === 0) {
        this.readers.delete(f);
        flipped.push(f);
      }
    }
    const had = new Set(before);
    for (const f of after) {
      if (had.has(f)) continue;
      let set = this.readers.get(f);
      if (!set) this.readers.set(f, (set = new Set()));
      set.add(unit);
      if (set.size === 1) flipped.push(f);
    }
    if (after.length > 0) this.reads.set(unit, after);
    else this.reads.delete(unit);
    return flipped;
  }

  readersOf(fact: string): ReadonlySet<UnitKey> {
    return this.readers.get(fact) ?? EMPTY;
  }

  hasReaders(fact: string): boolean {
    return this.readers.has(fact);
  }

  /** Facts with readers whose name starts with `prefix` (e.g. every `svcwithin:` network). */
  *factsStartingWith(prefix: string): Iterable<string> {
    for (const f of this.readers.keys()) if (f.startsWith(prefix)) yield f;
  }
}

const EMPTY: ReadonlySet<UnitKey> = new Set();
