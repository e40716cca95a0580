/**
 * APIC filter expressions (`query-target-filter`, `rsp-subtree-filter`), WIRE.md A2.3:
 * `op(<class>.<prop>,"value")`, `and(f1,f2,...)`, `or(...)`, `not(f)`, `bw(cls.prop,"lo","hi")`.
 * Filters are built as a small AST and rendered once, so quoting is done in exactly one place.
 */

export type CompareOp = 'eq' | 'ne' | 'lt' | 'gt' | 'le' | 'ge' | 'wcard';
export type FilterValue = string | number;

export type Filter =
  | { op: CompareOp; prop: string; value: FilterValue }
  | { op: 'bw'; prop: string; lo: FilterValue; hi: FilterValue }
  | { op: 'and' | 'or'; args: Filter[] }
  | { op: 'not'; arg: Filter };

/** `<class>.<property>`; both parts are APIC identifiers (letters and digits, starting with a letter). */
const PROP_RE = /^[A-Za-z][A-Za-z0-9]*\.[A-Za-z][A-Za-z0-9]*$/;

function checkProp(prop: string): string {
  if (!PROP_RE.test(prop)) {
    throw new TypeError(`filter property "${prop}" must be <class>.<property>, e.g. fvTenant.name`);
  }
  return prop;
}

const compare =
  (op: CompareOp) =>
  (prop: string, value: FilterValue): Filter => ({ op, prop: checkProp(prop), value });

export const eq = compare('eq');
export const ne = compare('ne');
export const lt = compare('lt');
export const gt = compare('gt');
export const le = compare('le');
export const ge = compare('ge');
/** Unanchored pattern match (APIC treats the pattern as a regular expression; plain substrings work too). */
export const wcard = compare('wcard');

export function bw(prop: string, lo: FilterValue, hi: FilterValue): Filter {
  return { op: 'bw', prop: checkProp(prop), lo, hi };
}

export function and(...args: Filter[]): Filter {
  if (args.length === 0) throw new TypeError('and() needs at least one filter');
  return { op: 'and', args };
}

export function or(...args: Filter[]): Filter {
  if (args.length === 0) throw new TypeError('or() needs at least one filter');
  return { op: 'or', args };
}

export function not(arg: Filter): Filter {
  return { op: 'not', arg };
}

/**
 * Quotes a value as APIC expects: always double-quoted (every real query quotes, numbers included), with `\` and
 * `"` backslash-escaped so a value can never close the string early and inject filter syntax.
 */
export function quoteValue(value: FilterValue): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`filter value ${value} is not a finite number`);
  return `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Renders a filter to APIC syntax. A one-argument and/or renders as its argument alone (as Ansible does). */
export function renderFilter(f: Filter): string {
  switch (f.op) {
    case 'and':
    case 'or':
      return f.args.length === 1 ? renderFilter(f.args[0]!) : `${f.op}(${f.args.map(renderFilter).join(',')})`;
    case 'not':
      return `not(${renderFilter(f.arg)})`;
    case 'bw':
      return `bw(${f.prop},${quoteValue(f.lo)},${quoteValue(f.hi)})`;
    default:
      return `${f.op}(${f.prop},${quoteValue(f.value)})`;
  }
}
