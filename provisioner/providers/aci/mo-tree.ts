import { moEntry, type WireMo } from '../../../lib/aci/mo';
import { parentDn, sameDn, splitDn, unbracketRn } from '../../../lib/aci/models/dn';

/**
 * The APIC objects of one payload as flat records keyed by DN, for comparing what the plan wants with what an APIC
 * query returned. Keys ignore brackets around naming values (`lifp-[x]` and `lifp-x` are one object).
 */

export interface MoRecordLike {
  dn: string;
  cls: string;
  attrs: Record<string, string>;
}

/** A DN's comparison key: the same for every bracketed or unbracketed spelling of it. */
export function dnKey(dn: string): string {
  return splitDn(dn).map(unbracketRn).join('/');
}

/** Flattens a query answer (`rsp-subtree=full`) into DN-keyed records; children's DNs come from `dn` or parent + `rn`. */
export function flattenWire(items: readonly WireMo[], parent?: string): Map<string, MoRecordLike> {
  const out = new Map<string, MoRecordLike>();
  const visit = (mo: WireMo, at: string | undefined) => {
    const [cls, body] = moEntry(mo);
    const { dn: givenDn, rn, ...attrs } = body.attributes;
    const dn = givenDn || (at !== undefined && rn ? `${at}/${rn}` : undefined);
    if (!dn) return;
    out.set(dnKey(dn), { dn, cls, attrs });
    for (const child of body.children ?? []) visit(child, dn);
  };
  for (const item of items) visit(item, parent);
  return out;
}

export { parentDn, sameDn };
