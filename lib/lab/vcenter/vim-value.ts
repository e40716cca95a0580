import type { MoRef } from '../../vsphere/envelope';
import { el, type XmlElement } from '../../vsphere/xml';

/**
 * The twin's typed view of vim25 data, enough to answer a property read the way vCenter does: every value knows
 * its wire type, so a `val` (declared `anyType`) carries the `xsi:type` pyVmomi needs to decode it, and a path such
 * as `config.hardware.device` walks into nested data objects.
 */
export type VimValue =
  | { k: 'prim'; t: 'xsd:string' | 'xsd:int' | 'xsd:long' | 'xsd:boolean' | 'xsd:dateTime' | 'xsd:short'; v: string }
  | { k: 'enum'; t: string; v: string }
  | { k: 'ref'; ref: MoRef }
  | { k: 'obj'; t: string; fields: Array<[string, VimValue | VimValue[] | undefined]> }
  | { k: 'array'; itemType: string; items: VimValue[] }
  /** Where the schema declares `anyType` (TaskInfo.result, OptionValue.value): the value names its type. */
  | { k: 'any'; v: VimValue };

export const str = (v: string): VimValue => ({ k: 'prim', t: 'xsd:string', v });
export const int = (v: number): VimValue => ({ k: 'prim', t: 'xsd:int', v: String(v) });
export const long = (v: number): VimValue => ({ k: 'prim', t: 'xsd:long', v: String(v) });
export const bool = (v: boolean): VimValue => ({ k: 'prim', t: 'xsd:boolean', v: String(v) });
export const time = (d: Date): VimValue => ({ k: 'prim', t: 'xsd:dateTime', v: d.toISOString() });
export const enumOf = (t: string, v: string): VimValue => ({ k: 'enum', t, v });
export const ref = (r: MoRef): VimValue => ({ k: 'ref', ref: r });
export const obj = (t: string, fields: Array<[string, VimValue | VimValue[] | undefined]>): VimValue => ({ k: 'obj', t, fields });
export const anyType = (v: VimValue): VimValue => ({ k: 'any', v });
/** An array-valued property read on its own (`ArrayOfVirtualDevice`); inside an object it is repeated elements. */
export const arrayOf = (itemType: string, items: VimValue[]): VimValue => ({ k: 'array', itemType, items });

/** The type name an item has inside an `ArrayOfX` value. */
function itemElementName(itemType: string, v: VimValue): string {
  if (v.k === 'ref') return 'ManagedObjectReference';
  return itemType;
}

/** One element for a value. `top`: the value stands where `anyType` is declared, so it names its type. */
export function valueEl(name: string, v: VimValue, top: boolean): XmlElement {
  switch (v.k) {
    case 'any':
      return valueEl(name, v.v, true);
    case 'prim':
      return el(name, top ? { 'xsi:type': v.t } : {}, v.v);
    case 'enum':
      return el(name, top ? { 'xsi:type': v.t } : {}, v.v);
    case 'ref':
      return el(name, { type: v.ref.type, ...(top ? { 'xsi:type': 'ManagedObjectReference' } : {}) }, v.ref.value);
    case 'array':
      return el(
        name,
        { 'xsi:type': v.itemType === 'ManagedObjectReference' ? 'ArrayOfManagedObjectReference' : `ArrayOf${v.itemType}` },
        v.items.map((i) => valueEl(itemElementName(v.itemType, i), i, i.k === 'obj' || i.k === 'ref')),
      );
    case 'obj':
      return el(
        name,
        { 'xsi:type': v.t },
        v.fields.flatMap(([f, fv]) =>
          fv === undefined ? [] : Array.isArray(fv) ? fv.map((x) => valueEl(f, x, false)) : [valueEl(f, fv, false)],
        ),
      );
  }
}

/** Array values inside data objects are repeated elements; a path read of one becomes an `ArrayOfX`. */
export type FieldValue = VimValue | VimValue[] | undefined;

/**
 * Walks a property path (`config.hardware.device`) from the top-level value named `rootName`; `arrayItemType`
 * names the item type of an array field read on its own. Answers undefined when a step is unset.
 */
export function walk(root: FieldValue, rootName: string, path: string[], arrayItemType: (field: string) => string): VimValue | undefined {
  let cur: FieldValue = root;
  let field = rootName;
  for (const step of path) {
    if (cur === undefined || Array.isArray(cur) || cur.k !== 'obj') return undefined;
    field = step;
    cur = cur.fields.find(([f]) => f === step)?.[1];
  }
  if (Array.isArray(cur)) return arrayOf(arrayItemType(field), cur);
  return cur;
}
