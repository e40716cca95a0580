import { compareIps, parseIp, type IpAddress } from '../../net/ip';
import { badFilter } from './errors';
import { rnOf } from '../../aci/models/dn';
import { compareStrings } from '../../shared/compare';

/**
 * APIC query filters (`query-target-filter`, `rsp-subtree-filter`), WIRE.md A2.3:
 * `op(<class>.<prop>,"value")`, with `and`/`or` taking one or more sub-filters, `not` one, `xor` two or more,
 * `bw(prop,"lo","hi")`, `wcard(prop,"regex")`, `anybit`/`allbits(prop,"flag1,flag2")`. Values are usually
 * double-quoted (`\"` escapes a quote); bare values (PYACI sends numbers unquoted) are accepted too.
 * Pure: parse once, evaluate against many objects.
 */

export interface PropRef {
  className: string;
  prop: string;
}

export type Filter =
  | { op: 'eq' | 'ne' | 'lt' | 'gt' | 'le' | 'ge'; prop: PropRef; value: string }
  | { op: 'bw'; prop: PropRef; lo: string; hi: string }
  | { op: 'wcard'; prop: PropRef; pattern: string; regex: RegExp | undefined }
  | { op: 'anybit' | 'allbits'; prop: PropRef; bits: string[] }
  | { op: 'and' | 'or' | 'xor'; args: Filter[] }
  | { op: 'not'; arg: Filter };

/** What a filter is evaluated against. `attrs` excludes `dn`/`rn`, which are derived from `dn`. */
export interface FilterSubject {
  dn: string;
  className: string;
  attrs: Readonly<Record<string, string>>;
}

const COMPARE_OPS = new Set(['eq', 'ne', 'lt', 'gt', 'le', 'ge']);
const PROP_RE = /^([A-Za-z][A-Za-z0-9]*)\.([A-Za-z][A-Za-z0-9]*)$/;

/** Parses a filter expression; throws an APIC 400 `ApicError` naming the problem and its position. */
export function parseFilter(text: string): Filter {
  const p = new Parser(text);
  const f = p.expr();
  p.skipSpace();
  if (!p.atEnd()) throw p.fail('unexpected trailing text');
  return f;
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  atEnd(): boolean {
    return this.i >= this.s.length;
  }

  skipSpace(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  fail(why: string): Error {
    return badFilter(`${this.s}: ${why} at position ${this.i}`);
  }

  expect(ch: string): void {
    this.skipSpace();
    if (this.s[this.i] !== ch) throw this.fail(`expected '${ch}'`);
    this.i++;
  }

  /** True (and consumes it) when the next non-space character is `ch`. */
  accept(ch: string): boolean {
    this.skipSpace();
    if (this.s[this.i] !== ch) return false;
    this.i++;
    return true;
  }

  expr(): Filter {
    this.skipSpace();
    const m = /^[a-z]+/.exec(this.s.slice(this.i));
    if (!m) throw this.fail('expected an operator such as eq( or and(');
    const op = m[0];
    this.i += op.length;
    this.expect('(');
    const f = this.body(op);
    this.expect(')');
    return f;
  }

  private body(op: string): Filter {
    if (COMPARE_OPS.has(op)) {
      const prop = this.prop();
      this.expect(',');
      return { op: op as 'eq', prop, value: this.value() };
    }
    switch (op) {
      case 'bw': {
        const prop = this.prop();
        this.expect(',');
        const lo = this.value();
        this.expect(',');
        return { op, prop, lo, hi: this.value() };
      }
      case 'wcard': {
        const prop = this.prop();
        this.expect(',');
        const pattern = this.value();
        return { op, prop, pattern, regex: safeRegex(pattern) };
      }
      case 'anybit':
      case 'allbits': {
        const prop = this.prop();
        this.expect(',');
        return { op, prop, bits: splitFlags(this.value()) };
      }
      case 'and':
      case 'or':
      case 'xor': {
        const args = [this.expr()];
        while (this.accept(',')) args.push(this.expr());
        if (op === 'xor' && args.length < 2) throw this.fail('xor needs at least two operands');
        return { op, args };
      }
      case 'not':
        return { op, arg: this.expr() };
      default:
        throw this.fail(`unknown operator '${op}' (valid: eq ne lt gt le ge bw wcard anybit allbits and or xor not)`);
    }
  }

  private prop(): PropRef {
    this.skipSpace();
    const start = this.i;
    while (this.i < this.s.length && !/[,()\s]/.test(this.s[this.i]!)) this.i++;
    const m = PROP_RE.exec(this.s.slice(start, this.i));
    if (!m) {
      this.i = start;
      throw this.fail('expected <class>.<property>');
    }
    return { className: m[1]!, prop: m[2]! };
  }

  private value(): string {
    this.skipSpace();
    if (this.s[this.i] === '"') {
      this.i++;
      let out = '';
      while (this.i < this.s.length) {
        const ch = this.s[this.i++]!;
        if (ch === '\\' && this.i < this.s.length) out += this.s[this.i++];
        else if (ch === '"') return out;
        else out += ch;
      }
      throw this.fail('unterminated string');
    }
    const start = this.i;
    while (this.i < this.s.length && !/[,()]/.test(this.s[this.i]!)) this.i++;
    const bare = this.s.slice(start, this.i).trim();
    if (bare.length === 0) throw this.fail('expected a value');
    return bare;
  }
}

function safeRegex(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern);
  } catch {
    return undefined; // not a valid regex: wcard falls back to a plain substring match
  }
}

function splitFlags(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export interface EvalOptions {
  /**
   * When true, a term only matches objects of the class it names (rsp-subtree-filter picks objects in a subtree).
   * When false, a term naming another class still applies by property name (WIRE.md A2.3: real queries name a
   * sibling class, e.g. `faultDelegate.json?query-target-filter=wcard(faultInst.changeSet,...)`).
   */
  strictClass: boolean;
}

export function evalFilter(f: Filter, subject: FilterSubject, opts: EvalOptions = { strictClass: false }): boolean {
  switch (f.op) {
    case 'and':
      return f.args.every((a) => evalFilter(a, subject, opts));
    case 'or':
      return f.args.some((a) => evalFilter(a, subject, opts));
    case 'xor':
      return f.args.filter((a) => evalFilter(a, subject, opts)).length === 1;
    case 'not':
      return !evalFilter(f.arg, subject, opts);
    default: {
      const v = propValue(f.prop, subject, opts);
      if (v === undefined) return false;
      switch (f.op) {
        case 'eq':
          return v === f.value;
        case 'ne':
          return v !== f.value;
        case 'lt':
          return compareValues(v, f.value) < 0;
        case 'gt':
          return compareValues(v, f.value) > 0;
        case 'le':
          return compareValues(v, f.value) <= 0;
        case 'ge':
          return compareValues(v, f.value) >= 0;
        case 'bw':
          return compareValues(v, f.lo) >= 0 && compareValues(v, f.hi) <= 0;
        case 'wcard':
          return f.regex ? f.regex.test(v) : v.includes(f.pattern);
        case 'anybit': {
          const have = new Set(splitFlags(v));
          return f.bits.some((b) => have.has(b));
        }
        case 'allbits': {
          const have = new Set(splitFlags(v));
          return f.bits.every((b) => have.has(b));
        }
      }
    }
  }
}

/** The value of a property on a subject; `undefined` when the term cannot apply to it. */
function propValue(ref: PropRef, s: FilterSubject, opts: EvalOptions): string | undefined {
  const sameClass = ref.className === s.className;
  if (opts.strictClass && !sameClass) return undefined;
  if (ref.prop === 'dn') return s.dn;
  if (ref.prop === 'rn') return rnOf(s.dn);
  if (ref.prop === 'status') return '';
  const v = s.attrs[ref.prop];
  if (v !== undefined) return v;
  // An unset property of the named class reads as empty; on another class the term does not apply.
  return sameClass ? '' : undefined;
}

const NUMBER_RE = /^-?\d+(\.\d+)?$/;

/** Orders two attribute values the way their type suggests: numbers numerically, IPs by address, else as strings. */
export function compareValues(a: string, b: string): number {
  if (NUMBER_RE.test(a) && NUMBER_RE.test(b)) return Math.sign(Number(a) - Number(b));
  const ia = ipOf(a);
  const ib = ipOf(b);
  if (ia && ib && ia.kind() === ib.kind()) return compareIps(ia, ib);
  return compareStrings(a, b);
}

/** Only hex digits, dots and colons, with an optional `/len`: the strings worth handing to the IP parser. */
const IP_LIKE_RE = /^[0-9a-fA-F.:]+(\/\d{1,3})?$/;

/** The address of an `ip` or `ip/len` value, or null. */
function ipOf(v: string): IpAddress | null {
  // PERFORMANCE: sorting 200,000 DNs by order-by compares millions of pairs; rule out non-IPs with a regex first.
  if (!IP_LIKE_RE.test(v)) return null;
  return parseIp(v.split('/')[0] ?? '');
}
