/**
 * The APIC objects a live source holds: one map per class of the attributes it was sent, and the wire form a
 * capture with `rsp-subtree=children` has, where children (fvIp and fvRsCEpToPathEp under fvCEp, lldpAdjEp under
 * lldpIf, cdpAdjEp under cdpIf) are nested in their parent. An APIC pushes events for the subscribed class only, so
 * child classes are held on their own and a change to a child is a change to its parent.
 */
import type { MoAttributes, WireMo } from '../../aci/mo';
import { splitDn } from '../../aci/models/dn';

/** Child classes and the parent class they nest under in a bundle. */
export const NESTED_CLASSES: Readonly<Record<string, string>> = {
  fvIp: 'fvCEp',
  fvRsCEpToPathEp: 'fvCEp',
  lldpAdjEp: 'lldpIf',
  cdpAdjEp: 'cdpIf',
};

/** A top-level object that changed: its wire form now, or null when it is gone. */
export interface ApicObjectChange {
  cls: string;
  dn: string;
  mo: WireMo | null;
}

const parentOf = (dn: string) => {
  const rns = splitDn(dn);
  return { parent: rns.slice(0, -1).join('/'), rn: rns[rns.length - 1] ?? '' };
};

export class ApicObjects {
  private readonly byClass = new Map<string, Map<string, MoAttributes>>();
  /** `parentClass\0parentDn` → `childClass\0childDn` of the children held. */
  private readonly children = new Map<string, Set<string>>();

  classNames(): string[] {
    return [...this.byClass.keys()];
  }

  objects(cls: string): ReadonlyMap<string, MoAttributes> {
    return this.byClass.get(cls) ?? EMPTY;
  }

  /** Sets (attrs) or deletes (null) one object; returns the top-level objects that changed as a result. */
  put(cls: string, dn: string, attrs: MoAttributes | null): ApicObjectChange[] {
    let objects = this.byClass.get(cls);
    if (!objects) this.byClass.set(cls, (objects = new Map()));
    const parentCls = NESTED_CLASSES[cls];
    if (attrs) objects.set(dn, attrs);
    else if (!objects.delete(dn)) return [];
    if (!parentCls) return [{ cls, dn, mo: this.wire(cls, dn) }];
    const { parent } = parentOf(dn);
    const key = `${parentCls}\u0000${parent}`;
    const member = `${cls}\u0000${dn}`;
    if (attrs) {
      let set = this.children.get(key);
      if (!set) this.children.set(key, (set = new Set()));
      set.add(member);
    } else {
      const set = this.children.get(key);
      set?.delete(member);
      if (set?.size === 0) this.children.delete(key);
    }
    // A child without its parent is not in a capture either (the parent query brings the children).
    return this.byClass.get(parentCls)?.has(parent) ? [{ cls: parentCls, dn: parent, mo: this.wire(parentCls, parent) }] : [];
  }

  /** Replaces a whole class with `fresh` (a resync); returns the top-level changes. */
  replace(cls: string, fresh: ReadonlyMap<string, MoAttributes>): ApicObjectChange[] {
    const held = this.byClass.get(cls) ?? EMPTY;
    const out: ApicObjectChange[] = [];
    for (const dn of [...held.keys()]) if (!fresh.has(dn)) out.push(...this.put(cls, dn, null));
    for (const [dn, attrs] of fresh) if (!sameAttrs(held.get(dn), attrs)) out.push(...this.put(cls, dn, attrs));
    return dedupeChanges(out);
  }

  /** The wire form of a top-level object with its children, or null. Children come in DN order. */
  wire(cls: string, dn: string): WireMo | null {
    const attributes = this.byClass.get(cls)?.get(dn);
    if (!attributes) return null;
    const kids = this.children.get(`${cls}\u0000${dn}`);
    if (!kids?.size) return { [cls]: { attributes } };
    const children: WireMo[] = [];
    for (const member of [...kids].sort()) {
      const cut = member.indexOf('\u0000');
      const childCls = member.slice(0, cut);
      const childDn = member.slice(cut + 1);
      const { dn: _dn, ...rest } = this.byClass.get(childCls)!.get(childDn)!;
      children.push({ [childCls]: { attributes: { ...rest, rn: parentOf(childDn).rn } } });
    }
    return { [cls]: { attributes, children } };
  }

  /** Every top-level class in wire form, DN order: the `apic` section of a bundle. */
  bundleSection(): Record<string, WireMo[]> {
    const out: Record<string, WireMo[]> = {};
    for (const [cls, objects] of this.byClass) {
      if (NESTED_CLASSES[cls]) continue;
      out[cls] = [...objects.keys()].sort().map((dn) => this.wire(cls, dn)!);
    }
    return out;
  }
}

const EMPTY: ReadonlyMap<string, MoAttributes> = new Map();

function sameAttrs(a: MoAttributes | undefined, b: MoAttributes): boolean {
  if (!a) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** The last change per object wins (a parent changed by several children in one resync is sent once). */
function dedupeChanges(changes: ApicObjectChange[]): ApicObjectChange[] {
  const m = new Map<string, ApicObjectChange>();
  for (const c of changes) m.set(`${c.cls}\u0000${c.dn}`, c);
  return [...m.values()];
}
