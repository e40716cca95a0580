/**
 * The APIC wire shape of a managed object, exactly as the REST API and the websocket carry it:
 * `{ "<class>": { "attributes": { ...all string values }, "children": [ ...more of the same ] } }`.
 *
 * This is the one type the lab APIC server, the APIC client, the bundle format and the lab model share.
 * Parsing attribute strings into typed values happens once, in lib/aci's class models.
 */
export type MoAttributes = Record<string, string>;

export interface MoBody {
  attributes: MoAttributes;
  children?: WireMo[];
}

/** One imdata item: a single-key object whose key is the APIC class name. */
export type WireMo = Record<string, MoBody>;

/** Returns the class name and body of a wire MO, or throws if the item is not a single-key object. */
export function moEntry(mo: WireMo): [className: string, body: MoBody] {
  const keys = Object.keys(mo);
  if (keys.length !== 1) throw new Error(`APIC object must have exactly one class key, got ${keys.length}`);
  const cls = keys[0]!;
  return [cls, mo[cls]!];
}

/** Builds a wire MO. */
export function wireMo(className: string, attributes: MoAttributes, children?: WireMo[]): WireMo {
  return children && children.length > 0 ? { [className]: { attributes, children } } : { [className]: { attributes } };
}
