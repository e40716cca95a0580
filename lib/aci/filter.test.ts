import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { and, bw, eq, ge, gt, le, lt, ne, not, or, quoteValue, renderFilter, wcard } from './filter';

describe('renderFilter', () => {
  it.each([
    [eq('fvTenant.name', 't1'), 'eq(fvTenant.name,"t1")'],
    [ne('fabricNode.role', 'spine'), 'ne(fabricNode.role,"spine")'],
    [lt('fabricNode.id', 200), 'lt(fabricNode.id,"200")'],
    [gt('fabricNode.id', 101), 'gt(fabricNode.id,"101")'],
    [le('fabricNode.id', 1), 'le(fabricNode.id,"1")'],
    [ge('fabricNode.id', 1), 'ge(fabricNode.id,"1")'],
    [bw('fabricNode.id', 101, 199), 'bw(fabricNode.id,"101","199")'],
    [wcard('bgpPeerEntry.dn', '.*/dom-t:v/.*'), 'wcard(bgpPeerEntry.dn,".*/dom-t:v/.*")'],
    [not(eq('a.b', 'x')), 'not(eq(a.b,"x"))'],
    [
      or(eq('faultInst.code', 'F1527'), eq('faultInst.code', 'F1528'), eq('faultInst.code', 'F1529')),
      'or(eq(faultInst.code,"F1527"),eq(faultInst.code,"F1528"),eq(faultInst.code,"F1529"))',
    ],
    [and(wcard('x.dn', 'a'), or(eq('x.b', '1'), not(eq('x.c', '2')))), 'and(wcard(x.dn,"a"),or(eq(x.b,"1"),not(eq(x.c,"2"))))'],
    [and(eq('topSystem.role', 'leaf')), 'eq(topSystem.role,"leaf")'],
  ])('renders %j as %s', (f, expected) => {
    expect(renderFilter(f)).toBe(expected);
  });

  it('escapes quotes and backslashes so a value cannot break out of its string', () => {
    expect(quoteValue('a"b')).toBe('"a\\"b"');
    expect(quoteValue('a\\b')).toBe('"a\\\\b"');
    expect(renderFilter(eq('fvTenant.descr', '"),eq(x.y,"z'))).toBe('eq(fvTenant.descr,"\\"),eq(x.y,\\"z")');
  });

  it('quoting round-trips for any string', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const quoted = quoteValue(s);
        const inner = quoted.slice(1, -1);
        // No unescaped quote inside, and unescaping restores the value.
        expect(/(^|[^\\])(\\\\)*"/.test(inner)).toBe(false);
        expect(inner.replace(/\\(.)/g, '$1')).toBe(s);
      }),
    );
  });

  it('rejects malformed properties, empty and/or, and non-finite numbers', () => {
    expect(() => eq('name', 'x')).toThrow(/<class>\.<property>/);
    expect(() => eq('fvTenant.na me', 'x')).toThrow(/fvTenant\.na me/);
    expect(() => and()).toThrow(/at least one/);
    expect(() => or()).toThrow(/at least one/);
    expect(() => quoteValue(Number.NaN)).toThrow(/finite/);
  });
});
