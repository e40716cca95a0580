import { buildXml, child, children, el, parseXml, XmlError, XSD_NS, XSI_NS, xsiType, type XmlElement } from './xml';

/**
 * vim25 SOAP envelopes, for both ends: akb's vSphere client and the lab's vCenter twin. A request is
 * `<Method xmlns="urn:vim25"><_this type="T">id</_this>...args</Method>` in a SOAP 1.1 body; an answer is
 * `<MethodResponse><returnval>...</returnval></MethodResponse>` or a SOAP fault whose `detail` holds the vim25
 * fault object (`<InvalidLoginFault xsi:type="InvalidLogin"/>`).
 */

export const VIM25_NS = 'urn:vim25';
export const SOAPENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

/** A managed object reference: `<obj type="VirtualMachine">vm-42</obj>`. */
export interface MoRef {
  type: string;
  value: string;
}

export const moRefEquals = (a: MoRef | undefined, b: MoRef | undefined): boolean =>
  a !== undefined && b !== undefined && a.type === b.type && a.value === b.value;

export const moRefText = (r: MoRef): string => `${r.type}:${r.value}`;

/** The element for a reference in a typed member (`<folder type="Folder">`), or with `xsi:type` where the member is `anyType`. */
export function moRefEl(name: string, ref: MoRef, inAnyType = false): XmlElement {
  return el(name, { type: ref.type, ...(inAnyType ? { 'xsi:type': 'ManagedObjectReference' } : {}) }, ref.value);
}

export function readMoRef(e: XmlElement | undefined): MoRef | undefined {
  const type = e?.attrs.type;
  if (!e || !type || e.text === '') return undefined;
  return { type, value: e.text };
}

const envelopeAttrs = { 'xmlns:soapenv': SOAPENV_NS, 'xmlns:xsd': XSD_NS, 'xmlns:xsi': XSI_NS };

function envelope(body: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${buildXml(el('soapenv:Envelope', envelopeAttrs, el('soapenv:Body', body)))}`;
}

/** A request body: `this` is the managed object the method is invoked on. */
export function soapRequest(method: string, self: MoRef, args: XmlElement[]): string {
  return envelope(el(method, { xmlns: VIM25_NS }, moRefEl('_this', self), args));
}

/** An answer with zero or more `returnval` elements (a method returning nothing answers an empty response). */
export function soapResponse(method: string, returnvals: XmlElement[]): string {
  return envelope(el(`${method}Response`, { xmlns: VIM25_NS }, returnvals));
}

/** A fault answer; `detail` is the fault object's members (its type is given by `faultType`, e.g. `InvalidLogin`). */
export function soapFault(faultType: string, message: string, detail: XmlElement[] = []): string {
  return envelope(
    el(
      'soapenv:Fault',
      el('faultcode', 'ServerFaultCode'),
      el('faultstring', message),
      el('detail', el(`${faultType}Fault`, { xmlns: VIM25_NS, 'xsi:type': faultType }, detail)),
    ),
  );
}

function body(text: string): XmlElement {
  const root = parseXml(text);
  const b = root.name === 'Envelope' ? child(root, 'Body') : undefined;
  if (!b) throw new XmlError('not a SOAP envelope (no Envelope/Body)');
  return b;
}

export type SoapAnswer =
  | { kind: 'response'; method: string; returnvals: XmlElement[] }
  | { kind: 'fault'; faultType: string; message: string; detail?: XmlElement };

/** Reads an answer. The fault type is the detail object's `xsi:type` (or its element name less `Fault`). */
export function parseSoapAnswer(text: string): SoapAnswer {
  const b = body(text);
  const fault = child(b, 'Fault');
  if (fault) {
    const detail = child(fault, 'detail')?.children[0];
    const faultType =
      (detail && (xsiType(detail) ?? detail.name.replace(/Fault$/, ''))) || (child(fault, 'faultcode')?.text ?? 'SoapFault');
    return { kind: 'fault', faultType, message: child(fault, 'faultstring')?.text ?? '', ...(detail ? { detail } : {}) };
  }
  const res = b.children[0];
  if (!res || !res.name.endsWith('Response')) throw new XmlError('SOAP body holds neither a response nor a fault');
  return { kind: 'response', method: res.name.slice(0, -'Response'.length), returnvals: children(res, 'returnval') };
}

export interface SoapRequest {
  method: string;
  self: MoRef;
  /** The method element: its children other than `_this` are the arguments. */
  call: XmlElement;
}

/** Reads a request (the twin's side). */
export function parseSoapRequest(text: string): SoapRequest {
  const b = body(text);
  const call = b.children[0];
  if (!call) throw new XmlError('SOAP body is empty');
  const self = readMoRef(child(call, '_this'));
  if (!self) throw new XmlError(`${call.name}: no _this managed object reference`);
  return { method: call.name, self, call };
}
