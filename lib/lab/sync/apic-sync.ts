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
 * Keeps an ApicTree in line with derived MO lists, in one atomic batch per call so subscribers see each change once.
 * Only MOs the sync wrote are ever deleted: objects posted through the REST API by clients survive. What it owns is
 * kept by scope, so a caller that knows what changed rewrites only those scopes (`applyScoped`); `apply` is the
 * one-scope form. An MO whose derivation lost an attribute is replaced (not deleted and recreated: what others put
 * below it stays).
 */
export class ApicSync {
  private readonly scopes = new Map<string, Map<string, OwnedMo>>();
  /** DN → the scope owning it. */
  private readonly ownerOf = new Map<string, string>();

  constructor(private readonly tree: ApicTree) {}

  owns(dn: string): boolean {
    return this.ownerOf.has(dn);
  }

  apply(derived: readonly WireMo[]): ApicSyncStats {
    return this.applyScoped(new Map([['', derived]]));
  }

  /** Makes each given scope hold exactly its MOs (an empty list empties it); other scopes are left as they are. */
  applyScoped(byScope: ReadonlyMap<string, readonly WireMo[]>): ApicSyncStats {
    const ops: TreeOp[] = [];
    let upserted = 0;
    let deleted = 0;
    for (const [scope, derived] of byScope) {
      const wanted = flatten(derived);
      const owned = this.scopes.get(scope) ?? new Map<string, OwnedMo>();
      for (const dn of owned.keys()) {
        if (wanted.has(dn)) continue;
        ops.push({ op: 'delete', dn });
        this.ownerOf.delete(dn);
        deleted++;
      }
      // An MO that changed class is deleted first, and with it its subtree: what is wanted below it is rewritten.
      const reset = [...wanted]
        .filter(([dn, want]) => owned.has(dn) && owned.get(dn)!.className !== want.className)
        .map(([dn]) => `${dn}/`);
      for (const [dn, want] of wanted) {
        const had = owned.get(dn);
        const under = reset.length > 0 && reset.some((prefix) => dn.startsWith(prefix));
        if (had && !under && had.className === want.className && sameAttrs(had.attrs, want.attrs)) continue;
        const lost = had !== undefined && Object.keys(had.attrs).some((k) => !(k in want.attrs));
        if (had && had.className !== want.className) ops.push({ op: 'delete', dn });
        ops.push({ op: 'upsert', dn, className: want.className, attrs: want.attrs, ...(lost ? { replace: true } : {}) });
        this.ownerOf.set(dn, scope);
        upserted++;
      }
      if (wanted.size > 0) this.scopes.set(scope, wanted);
      else this.scopes.delete(scope);
    }
    if (ops.length > 0) this.tree.apply(ops);
    return { upserted, deleted };
  }
}
