import { wireMo, type WireMo } from '../../../lib/aci/mo';

/** An ACI managed object to create, with its relative name so DNs can be computed without APIC. */
export interface AciNode {
  cls: string;
  rn: string;
  attrs: Record<string, string>;
  children: AciNode[];
}

/** One object of the plan with its full DN (for review, tests and Terraform). */
export interface FlatMo {
  dn: string;
  cls: string;
  rn: string;
  parentDn: string;
  attrs: Record<string, string>;
}

/** One APIC POST, in apply order: the root object of the body is the MO named by the URL (WIRE.md A3). */
export interface AciPayload {
  dn: string;
  url: string;
  description: string;
  body: WireMo;
}

export function mo(cls: string, rn: string, attrs: Record<string, string>, children: AciNode[] = []): AciNode {
  return { cls, rn, attrs, children };
}

/** Wire form; the root carries its DN so the payload is self-describing, children are named by their RN attributes. */
export function toWire(node: AciNode, dn?: string): WireMo {
  const attrs = dn === undefined ? node.attrs : { dn, ...node.attrs };
  return wireMo(
    node.cls,
    attrs,
    node.children.map((c) => toWire(c)),
  );
}

export function flatten(node: AciNode, parentDn: string): FlatMo[] {
  const dn = `${parentDn}/${node.rn}`;
  return [{ dn, cls: node.cls, rn: node.rn, parentDn, attrs: node.attrs }, ...node.children.flatMap((c) => flatten(c, dn))];
}

export function payload(parentDn: string, node: AciNode, description: string): AciPayload {
  const dn = `${parentDn}/${node.rn}`;
  return { dn, url: `/api/mo/${dn}.json`, description, body: toWire(node, dn) };
}
