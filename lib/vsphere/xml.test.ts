import { describe, expect, it } from 'vitest';
import { parseSoapAnswer, parseSoapRequest, soapFault, soapRequest } from './envelope';
import { buildXml, child, el, parseXml, xsiType, XmlError } from './xml';

describe('vim25 XML', () => {
  it('keeps a reference type and xsi:type apart, whatever prefix binds the instance namespace', () => {
    const doc = parseXml(
      '<a xmlns:q="http://www.w3.org/2001/XMLSchema-instance"><val type="VirtualMachine" q:type="ManagedObjectReference">vm-1</val></a>',
    );
    const val = child(doc, 'val')!;
    expect(val.attrs.type).toBe('VirtualMachine');
    expect(xsiType(val)).toBe('ManagedObjectReference');
  });

  it('round-trips order, repeated elements and escaped text', () => {
    const tree = el('spec', el('b', '1'), el('a', 'x & <y>'), el('b', '2'));
    const back = parseXml(buildXml(tree));
    expect(back.children.map((c) => `${c.name}=${c.text}`)).toEqual(['b=1', 'a=x & <y>', 'b=2']);
  });

  it('refuses a document type declaration (entity expansion) and malformed XML without quoting it', () => {
    expect(() => parseXml('<!DOCTYPE x [<!ENTITY a "secret">]><x>&a;</x>')).toThrow(XmlError);
    const err = (() => {
      try {
        parseXml('<x><password>hunter2</x>');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(XmlError);
    expect(err?.message).not.toContain('hunter2');
  });

  it('reads requests and faults in the envelope both ends use', () => {
    const req = parseSoapRequest(soapRequest('Login', { type: 'SessionManager', value: 'SessionManager' }, [el('userName', 'u')]));
    expect(req.method).toBe('Login');
    expect(req.self).toEqual({ type: 'SessionManager', value: 'SessionManager' });
    expect(child(req.call, 'userName')?.text).toBe('u');
    expect(parseSoapAnswer(soapFault('InvalidLogin', 'Cannot complete login'))).toMatchObject({
      kind: 'fault',
      faultType: 'InvalidLogin',
      message: 'Cannot complete login',
    });
  });
});
