import { moEntry, type WireMo } from '../../aci/mo';
import { ancestorsOf, parentDn, rnOf, splitDn, unbracketRn } from '../../aci/models/dn';
import { compareStrings } from '../../shared/compare';

/** One managed object in the lab MIT. `attrs` never holds `dn`, `rn` or `status`: those are derived on output. */
export interface MoRecord {
  readonly dn: string;
  readonly className: string;
  readonly attrs: Readonly<Record<string, string>>;
}

export type TreeChangeKind = 'created' | 'modified' | 'deleted';

/** A change as subscribers see it: `mo` is the state after the change (the last state for `deleted`). */
export interface TreeChange {
  kind: TreeChangeKind;
  mo: MoRecord;
  /** Attribute names whose value changed (all names for created/deleted). */
  changed: string[];
}

/** An upsert merges attributes into an existing object; with `replace` the object ends with exactly `attrs`. */
export type TreeOp =
  { op: 'upsert'; dn: string; className: string; attrs: Record<string, string>; replace?: boolean } | { op: 'delete'; dn: string };

export type TreeListener = (changes: readonly TreeChange[]) => void;

const DERIVED = new Set(['dn', 'rn', 'status']);

/**
 * The management information tree shared by one or more lab controllers. Every mutation, in-process or via REST,
 * goes through `apply`, so change listeners (websocket subscriptions) see all of them, once, after the whole batch
 * is in place. Parents need not exist (a leaf's `sys/...` objects can be loaded without `topology/pod-1`): the
 * child index keeps "virtual" intermediate DNs so subtree walks still reach every descendant.
 */
export class ApicTree {
  private readonly mos = new Map<string, MoRecord>();
  private readonly kids = new Map<string, Set<string>>();
  private readonly classes = new Map<string, Map<string, MoRecord>>();
  private readonly sortedByClass = new Map<string, MoRecord[]>();
  /** Relation target DN → DNs of relation MOs pointing at it (for rsp-subtree-include=relations). */
  private readonly relationsTo = new Map<string, Set<string>>();
  private readonly listeners = new Set<TreeListener>();

  get size(): number {
    return this.mos.size;
  }

  get(dn: string): MoRecord | undefined {
    return this.mos.get(dn);
  }

  /** True for an object, and for an implicit container that holds objects (`topology/pod-1` with no MO of its own). */
  holds(dn: string): boolean {
    return this.mos.has(dn) || (this.kids.get(dn)?.size ?? 0) > 0;
  }

  /**
   * The DN of the object (or implicit container) `dn` names, however its naming values were bracketed
   * (`.../lifp-[ip1]` → `.../lifp-ip1`); `dn` itself, RN by RN, where nothing matches.
   */
  canonicalDn(dn: string): string {
    if (this.mos.has(dn) || this.kids.has(dn)) return dn;
    let at: string | undefined;
    for (const rn of splitDn(dn)) {
      const exact = at === undefined ? rn : `${at}/${rn}`;
      if (at === undefined || this.mos.has(exact) || this.kids.has(exact)) {
        at = exact;
        continue;
      }
      const loose = unbracketRn(rn);
      let found: string | undefined;
      for (const child of this.kids.get(at) ?? []) if (unbracketRn(rnOf(child)) === loose) found = child;
      at = found ?? exact;
    }
    return at ?? dn;
  }

  /** All objects of a class, ordered by DN (a stable order for paging). */
  byClass(className: string): readonly MoRecord[] {
    let sorted = this.sortedByClass.get(className);
    if (!sorted) {
      sorted = [...(this.classes.get(className)?.values() ?? [])].sort((a, b) => compareStrings(a.dn, b.dn));
      this.sortedByClass.set(className, sorted);
    }
    return sorted;
  }

  /** Real (non-virtual) objects directly below `dn`, ordered by DN. */
  children(dn: string): MoRecord[] {
    return this.sortedRecords(this.kids.get(dn));
  }

  /** Every real object strictly below `dn`, parents before their children. */
  descendants(dn: string): MoRecord[] {
    const out: MoRecord[] = [];
    const walk = (at: string): void => {
      for (const child of [...(this.kids.get(at) ?? [])].sort()) {
        const mo = this.mos.get(child);
        if (mo) out.push(mo);
        walk(child);
      }
    };
    walk(dn);
    return out;
  }

  /** Relation MOs (objects with a `tDn`) that point at `dn`. */
  relationsPointingAt(dn: string): MoRecord[] {
    return this.sortedRecords(this.relationsTo.get(dn));
  }

  onChange(listener: TreeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  upsert(dn: string, className: string, attrs: Record<string, string> = {}): TreeChange[] {
    return this.apply([{ op: 'upsert', dn, className, attrs }]);
  }

  /** Deletes `dn` and its whole subtree. */
  delete(dn: string): TreeChange[] {
    return this.apply([{ op: 'delete', dn }]);
  }

  /**
   * Loads wire MOs (as returned by an APIC query or written in a bundle). Top-level items need a `dn`;
   * children may give `dn` or `rn` (relative to their parent).
   */
  load(wireMos: readonly WireMo[]): TreeChange[] {
    const ops: TreeOp[] = [];
    const visit = (mo: WireMo, parent: string | undefined): void => {
      const [className, body] = moEntry(mo);
      const { dn: givenDn, rn, ...rest } = body.attributes;
      const dn = givenDn || (parent !== undefined && rn ? `${parent}/${rn}` : undefined);
      if (!dn) throw new Error(`load: ${className} object needs a "dn" attribute (or an "rn" under a parent)`);
      ops.push({ op: 'upsert', dn, className, attrs: rest });
      for (const child of body.children ?? []) visit(child, dn);
    };
    for (const mo of wireMos) visit(mo, undefined);
    return this.apply(ops);
  }

  /**
   * Applies a batch of operations, then notifies listeners once with every resulting change. Upserts merge
   * attributes into an existing object; changing an object's class is refused before anything is applied.
   */
  apply(ops: readonly TreeOp[]): TreeChange[] {
    for (const op of ops) {
      if (op.op !== 'upsert') continue;
      if (splitDn(op.dn).length === 0) throw new Error('upsert: empty DN');
      const existing = this.mos.get(op.dn);
      if (existing && existing.className !== op.className)
        throw new Error(`upsert: ${op.dn} is a ${existing.className}, not a ${op.className}`);
    }
    const changes: TreeChange[] = [];
    for (const op of ops) {
      if (op.op === 'upsert') {
        const change = this.applyUpsert(op.dn, op.className, op.attrs, op.replace === true);
        if (change) changes.push(change);
      } else {
        changes.push(...this.applyDelete(op.dn));
      }
    }
    if (changes.length > 0) for (const listener of this.listeners) listener(changes);
    return changes;
  }

  private applyUpsert(dn: string, className: string, given: Record<string, string>, replace: boolean): TreeChange | undefined {
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(given)) if (!DERIVED.has(k)) attrs[k] = String(v);
    const existing = this.mos.get(dn);
    if (!existing) {
      const mo: MoRecord = { dn, className, attrs };
      this.insert(mo);
      return { kind: 'created', mo, changed: Object.keys(attrs) };
    }
    const keys = replace ? new Set([...Object.keys(existing.attrs), ...Object.keys(attrs)]) : Object.keys(attrs);
    const changed = [...keys].filter((k) => existing.attrs[k] !== attrs[k] && (replace || attrs[k] !== undefined));
    if (changed.length === 0) return undefined;
    const mo: MoRecord = { dn, className, attrs: replace ? attrs : { ...existing.attrs, ...attrs } };
    this.unindexRelation(existing);
    this.mos.set(dn, mo);
    this.classes.get(className)!.set(dn, mo);
    this.sortedByClass.delete(className);
    this.indexRelation(mo);
    return { kind: 'modified', mo, changed };
  }

  private applyDelete(dn: string): TreeChange[] {
    const doomed = [this.mos.get(dn), ...this.descendants(dn)].filter((mo): mo is MoRecord => mo !== undefined);
    for (const mo of [...doomed].reverse()) this.remove(mo);
    return doomed.map((mo) => ({ kind: 'deleted', mo, changed: Object.keys(mo.attrs) }));
  }

  private insert(mo: MoRecord): void {
    this.mos.set(mo.dn, mo);
    let byDn = this.classes.get(mo.className);
    if (!byDn) this.classes.set(mo.className, (byDn = new Map()));
    byDn.set(mo.dn, mo);
    this.sortedByClass.delete(mo.className);
    this.indexRelation(mo);
    // Link the DN into the child index, creating virtual intermediate links as needed.
    let child = mo.dn;
    for (const parent of ancestorsOf(mo.dn)) {
      let set = this.kids.get(parent);
      if (!set) this.kids.set(parent, (set = new Set()));
      if (set.has(child)) break;
      set.add(child);
      child = parent;
    }
  }

  private remove(mo: MoRecord): void {
    this.mos.delete(mo.dn);
    this.classes.get(mo.className)?.delete(mo.dn);
    this.sortedByClass.delete(mo.className);
    this.unindexRelation(mo);
    // Unlink the DN and any virtual ancestors left without children.
    let child = mo.dn;
    let parent = parentDn(child);
    while (parent !== undefined && !this.mos.has(child) && !this.kids.get(child)?.size) {
      this.kids.delete(child);
      const set = this.kids.get(parent);
      set?.delete(child);
      child = parent;
      parent = parentDn(child);
    }
  }

  private indexRelation(mo: MoRecord): void {
    const target = mo.attrs['tDn'];
    if (!target) return;
    let set = this.relationsTo.get(target);
    if (!set) this.relationsTo.set(target, (set = new Set()));
    set.add(mo.dn);
  }

  private unindexRelation(mo: MoRecord): void {
    const target = mo.attrs['tDn'];
    if (target) this.relationsTo.get(target)?.delete(mo.dn);
  }

  private sortedRecords(dns: Iterable<string> | undefined): MoRecord[] {
    const out: MoRecord[] = [];
    for (const dn of [...(dns ?? [])].sort()) {
      const mo = this.mos.get(dn);
      if (mo) out.push(mo);
    }
    return out;
  }
}
