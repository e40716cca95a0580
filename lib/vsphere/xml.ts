import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * A small element tree over fast-xml-parser, for vim25 SOAP. vim25 needs what a plain object mapping loses: element
 * order (the XSD sequences are ordered, and a device read from vCenter is sent back edited), repeated elements
 * whatever their count, and both a managed object reference's `type` attribute and `xsi:type` on one element. So
 * names are namespace-resolved here: element names lose their prefix, and `xsi:type` is kept under that one key
 * whatever prefix the sender bound the XML Schema instance namespace to.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated character data directly inside this element. */
  text: string;
}

export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
export const XSD_NS = 'http://www.w3.org/2001/XMLSchema';

/** A malformed or hostile document: never echoes the document itself (it may carry a password). */
export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
});

const builder = new XMLBuilder({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', suppressEmptyNode: true });

type RawNode = Record<string, unknown>;

const localName = (qname: string): string => qname.slice(qname.indexOf(':') + 1);
const prefixOf = (qname: string): string => (qname.includes(':') ? qname.slice(0, qname.indexOf(':')) : '');

function convert(raw: RawNode, scope: Map<string, string>): XmlElement | undefined {
  const tag = Object.keys(raw).find((k) => k !== ':@');
  if (tag === undefined || tag === '#text' || tag.startsWith('?') || tag.startsWith('!')) return undefined;
  const rawAttrs = (raw[':@'] ?? {}) as Record<string, string>;
  let inner = scope;
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) {
      if (inner === scope) inner = new Map(scope);
      inner.set(k === 'xmlns' ? '' : localName(k), v);
    }
  }
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    const isXsi = k.includes(':') && inner.get(prefixOf(k)) === XSI_NS;
    attrs[isXsi ? `xsi:${localName(k)}` : localName(k)] = String(v);
  }
  const el: XmlElement = { name: localName(tag), attrs, children: [], text: '' };
  for (const child of (raw[tag] ?? []) as RawNode[]) {
    if ('#text' in child) el.text += String(child['#text']);
    else {
      const c = convert(child, inner);
      if (c) el.children.push(c);
    }
  }
  return el;
}

/** Parses a document into its root element. Refuses DTDs (entity expansion is an attack, and SOAP forbids them). */
export function parseXml(text: string): XmlElement {
  if (/<!DOCTYPE/i.test(text)) throw new XmlError('XML with a document type declaration is refused');
  // The parser itself is lenient (it accepts mismatched tags); the validator is not. Its messages name tags and
  // positions, never character data.
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlError(`malformed XML (${valid.err.msg} at line ${valid.err.line})`);
  let raw: RawNode[];
  try {
    raw = parser.parse(text) as RawNode[];
  } catch (err) {
    throw new XmlError(`malformed XML (${err instanceof Error ? err.message.split('\n')[0] : 'unparseable'})`);
  }
  for (const node of raw) {
    const el = convert(node, new Map());
    if (el) return el;
  }
  throw new XmlError('XML document without a root element');
}

function toRaw(el: XmlElement): RawNode {
  const body: RawNode[] = [];
  if (el.text !== '') body.push({ '#text': el.text });
  for (const c of el.children) body.push(toRaw(c));
  const node: RawNode = { [el.name]: body };
  if (Object.keys(el.attrs).length > 0) node[':@'] = { ...el.attrs };
  return node;
}

/** Serialises an element (names written as given: callers choose prefixes and declare namespaces in attrs). */
export function buildXml(root: XmlElement): string {
  return builder.build([toRaw(root)]) as string;
}

type Child = XmlElement | string | number | boolean | undefined | null | false | readonly Child[];

/**
 * Builds an element: `el('numCPUs', 4)`, `el('val', { 'xsi:type': 'xsd:string' }, text)`. Children that are
 * undefined, null or false are left out, so optional XSD members read as they are declared.
 */
export function el(name: string, ...rest: [Record<string, string>, ...Child[]] | Child[]): XmlElement {
  const first = rest[0];
  const hasAttrs = typeof first === 'object' && first !== null && !Array.isArray(first) && !('children' in first);
  const attrs = hasAttrs ? { ...(first as Record<string, string>) } : {};
  const out: XmlElement = { name, attrs, children: [], text: '' };
  const add = (c: Child): void => {
    if (c === undefined || c === null || c === false) return;
    if (Array.isArray(c)) (c as readonly Child[]).forEach(add);
    else if (typeof c === 'object') out.children.push(c as XmlElement);
    else out.text += String(c);
  };
  (hasAttrs ? rest.slice(1) : rest).forEach((c) => add(c as Child));
  return out;
}

/** The first child named `name`, if any. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** Every child named `name`, in document order. */
export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** Text of the child at a path of names (`childText(info, 'state')`), if present. */
export function childText(el: XmlElement | undefined, ...path: string[]): string | undefined {
  let cur = el;
  for (const p of path) cur = child(cur, p);
  return cur?.text;
}

/** The local name of an element's `xsi:type` (`xsd:string` → `string`, `vim25:VirtualVmxnet3` → `VirtualVmxnet3`). */
export function xsiType(el: XmlElement): string | undefined {
  const t = el.attrs['xsi:type'];
  return t === undefined ? undefined : localName(t);
}
