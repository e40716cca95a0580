import { describe, expect, it } from 'vitest';
import { ApicError } from './errors';
import { compareValues, evalFilter, parseFilter, type FilterSubject } from './filter';

const cep: FilterSubject = {
  dn: 'uni/tn-k8s/ap-a/epg-e/cep-00:11:22:33:44:55',
  className: 'fvCEp',
  attrs: { mac: '00:11:22:33:44:55', ip: '10.0.0.20', encap: 'vlan-13', lcC: 'learned,vmm', id: '42', name: 'ep "one"' },
};

describe('filter evaluation table', () => {
  const table: Array<[string, boolean]> = [
    ['eq(fvCEp.mac,"00:11:22:33:44:55")', true],
    ['eq(fvCEp.mac,"00:11:22:33:44:56")', false],
    ['ne(fvCEp.encap,"vlan-13")', false],
    ['ne(fvCEp.encap,"vlan-14")', true],
    ['lt(fvCEp.id,"100")', true], // numeric, not lexical ("42" > "100" as strings)
    ['gt(fvCEp.id,"100")', false],
    ['le(fvCEp.id,"42")', true],
    ['ge(fvCEp.id,"43")', false],
    ['gt(fvCEp.ip,"10.0.0.3")', true], // by address, not lexical
    ['bw(fvCEp.ip,"10.0.0.1","10.0.0.100")', true],
    ['bw(fvCEp.ip,"10.0.0.21","10.0.0.100")', false],
    ['wcard(fvCEp.dn,"tn-k8s/")', true],
    ['wcard(fvCEp.dn,".*/epg-e/.*")', true],
    ['wcard(fvCEp.dn,"^tn-k8s")', false],
    ['wcard(fvCEp.dn,"[unclosed")', false], // invalid regex falls back to substring
    ['anybit(fvCEp.lcC,"vmm,static")', true],
    ['allbits(fvCEp.lcC,"vmm,static")', false],
    ['allbits(fvCEp.lcC,"learned,vmm")', true],
    ['and(eq(fvCEp.encap,"vlan-13"),eq(fvCEp.id,"42"))', true],
    ['and(eq(fvCEp.encap,"vlan-13"))', true], // ACC sends single-operand and()
    ['and(eq(fvCEp.encap,"vlan-13"),eq(fvCEp.id,"41"))', false],
    ['or(eq(fvCEp.id,"1"),eq(fvCEp.id,"2"),eq(fvCEp.id,"42"))', true],
    ['xor(eq(fvCEp.id,"42"),eq(fvCEp.encap,"vlan-13"))', false],
    ['not(eq(fvCEp.id,"42"))', false],
    ['eq(fvCEp.id,42)', true], // unquoted numbers (pyaci)
    ['eq(fvCEp.name,"ep \\"one\\"")', true], // escaped quotes
    ['eq( fvCEp.id , "42" )', true],
    ['eq(fvCEp.rn,"cep-00:11:22:33:44:55")', true],
    ['eq(fvCEp.descr,"")', true], // unset property of the named class reads as empty
    ['eq(fvIp.id,"42")', true], // another class: applied by property name (WIRE A2.3 sim note)
    ['eq(fvIp.addr,"")', false], // ... but never to a property the object lacks
  ];
  it.each(table)('%s → %s', (text, expected) => {
    expect(evalFilter(parseFilter(text), cep)).toBe(expected);
  });

  it('strict class mode ignores terms naming another class', () => {
    expect(evalFilter(parseFilter('eq(fvIp.id,"42")'), cep, { strictClass: true })).toBe(false);
    expect(evalFilter(parseFilter('eq(fvCEp.id,"42")'), cep, { strictClass: true })).toBe(true);
  });
});

describe('malformed filters', () => {
  const bad = [
    'eq(fvCEp.mac,"x"',
    'eq(fvCEp.mac "x")',
    'eq(mac,"x")',
    'frob(fvCEp.mac,"x")',
    'eq(fvCEp.mac,"unterminated)',
    'and()',
    'xor(eq(fvCEp.id,"1"))',
    'eq(fvCEp.mac,"x") trailing',
    'and(ge(fvCEp.ip,"a")le(fvCEp.ip,"b"))',
    'eq(fvCEp.mac,)',
    '',
  ];
  it.each(bad)('%j is rejected with an APIC 400 error', (text) => {
    let caught: unknown;
    try {
      parseFilter(text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ApicError);
    expect((caught as ApicError).httpStatus).toBe(400);
    expect((caught as ApicError).text).toContain('Incorrect filter format');
  });
});

describe('compareValues', () => {
  it('orders numbers numerically, IPv6 by address and falls back to strings', () => {
    expect(compareValues('9', '10')).toBe(-1);
    expect(compareValues('2001:db8::10', '2001:db8::9')).toBe(1);
    expect(compareValues('192.168.1.0/24', '192.168.1.0/25')).toBe(0);
    expect(compareValues('b', 'a')).toBe(1);
  });
});
