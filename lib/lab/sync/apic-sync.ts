import { moEntry, type WireMo } from '../../aci/mo';
import type { ApicTree, TreeOp } from '../apic';

interface OwnedMo {
  className: string;
  attrs: Record<string, string>;
}

export interface ApicSyncStats {
  upserted: number;
  deleted: number;
}

const DERIVED_ATTRS = new Set(['dn', 'rn', 'status']);

function flatten(mos: readonly WireMo[]): Map<string, OwnedMo> {
  const out = new Map<string, OwnedMo>();
  const visit = (mo: WireMo, parent: string | undefined): void => {
    const [className, body] = moEntry(mo);
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(body.attributes)) if (!DERIVED_ATTRS.has(k)) attrs[k] = String(v);
    const dn = body.attributes.dn || (parent !== undefined && body.attributes.rn ? `${parent}/${body.attributes.rn}` : undefined);
    if (!dn) throw new Error(`apic sync: a derived ${className} has neither dn nor rn under a parent`);
    out.set(dn, { className, attrs });
    for (const child of body.children ?? []) visit(child, dn);
  };
  for (const mo of mos) visit(mo, undefined);
  return out;
}

function sameAttrs(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

/**
 * Keeps an ApicTree in line with a derived MO list, in one atomic batch per sync so subscribers see each change
 * once. Only MOs the sync wrote are ever deleted: objects posted through the REST API by clients survive.
 */
export class ApicSync {
  private owned = new Map<string, OwnedMo>();

  constructor(private readonly tree: ApicTree) {}

  owns(dn: string): boolean {
    return this.owned.has(dn);
  }

  apply(derived: readonly WireMo[]): ApicSyncStats {
    const wanted = flatten(derived);
    const ops: TreeOp[] = [];
    let deleted = 0;
    // An MO that lost an attribute or changed class must be recreated (upserts only merge attributes); the delete
    // takes its subtree with it, so wanted descendants are rewritten below.
    const recreated: string[] = [];
    const deletedDns = new Set<string>();
    for (const [dn, had] of this.owned) {
      const want = wanted.get(dn);
      const stale = !want || want.className !== had.className || Object.keys(had.attrs).some((k) => !(k in want.attrs));
      if (!stale) continue;
      ops.push({ op: 'delete', dn });
      deletedDns.add(dn);
      deleted++;
      if (want) recreated.push(`${dn}/`);
    }
    let upserted = 0;
    for (const [dn, want] of wanted) {
      const had = this.owned.get(dn);
      const forced = deletedDns.has(dn) || (recreated.length > 0 && recreated.some((prefix) => dn.startsWith(prefix)));
      if (had && !forced && sameAttrs(had.attrs, want.attrs)) continue;
      ops.push({ op: 'upsert', dn, className: want.className, attrs: want.attrs });
      upserted++;
    }
    if (ops.length > 0) this.tree.apply(ops);
    this.owned = wanted;
    return { upserted, deleted };
  }
}
