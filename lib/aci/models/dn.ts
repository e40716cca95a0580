/**
 * APIC distinguished names: the one DN module of the project (client, live service, lab).
 *
 * A DN is RNs joined by `/`. A naming value inside an RN may be written in brackets, and must be when it contains
 * `/` (`pathep-[eth1/1]`, `rt-[10.1.0.0/16]`); brackets nest (`rscEpToPathEp-[topology/.../pathep-[eth1/1]]`), so
 * a DN is split on `/` only at bracket depth zero. `lifp-[ip1]` and `lifp-ip1` name the same object: an APIC
 * accepts either and answers with the canonical form its class's RN format gives (APPLY.md §2). `sameDn` compares
 * two DNs that way without knowing the classes; `rnFromFormat`/`matchRnFormat` build and parse RNs from a class's
 * RN format (`lifp-{name}`, `vlifp-[{nodeDn}]-[{encap}]`).
 */

/** Splits a DN into its RNs, keeping bracketed values whole; empty RNs (`uni//x`, a trailing `/`) are dropped. */
export function splitDn(dn: string): string[] {
  const rns: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i];
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    else if (c === '/' && depth === 0) {
      if (i > start) rns.push(dn.slice(start, i));
      start = i + 1;
    }
  }
  if (dn.length > start) rns.push(dn.slice(start));
  return rns;
}

/** The DN of the parent, or `undefined` for a root (single-RN) DN. */
export function parentDn(dn: string): string | undefined {
  const rns = splitDn(dn);
  return rns.length > 1 ? rns.slice(0, -1).join('/') : undefined;
}

/** The last RN of a DN. */
export function rnOf(dn: string): string {
  const rns = splitDn(dn);
  return rns[rns.length - 1] ?? '';
}

/** True when `dn` is `ancestor` itself or lies below it. */
export function isAtOrBelow(dn: string, ancestor: string): boolean {
  return dn === ancestor || dn.startsWith(ancestor + '/');
}

/** Every proper ancestor of a DN, nearest first. */
export function ancestorsOf(dn: string): string[] {
  const rns = splitDn(dn);
  const out: string[] = [];
  for (let n = rns.length - 1; n >= 1; n--) out.push(rns.slice(0, n).join('/'));
  return out;
}

/** Index of the `]` closing the `[` at `open`, or -1 when the brackets do not balance. */
function closingBracket(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '[') depth++;
    else if (s[i] === ']' && --depth === 0) return i;
  }
  return -1;
}

/** An RN with its outermost brackets removed: `vlifp-[topology/pod-1/node-101]-[vlan-12]` → `vlifp-topology/pod-1/node-101-vlan-12`. */
export function unbracketRn(rn: string): string {
  let out = '';
  for (let i = 0; i < rn.length; i++) {
    const close = rn[i] === '[' ? closingBracket(rn, i) : -1;
    if (close < 0) {
      out += rn[i];
      continue;
    }
    out += rn.slice(i + 1, close);
    i = close;
  }
  return out;
}

/** True when two DNs name the same object, whichever naming values were written in brackets. */
export function sameDn(a: string, b: string): boolean {
  if (a === b) return true;
  const ra = splitDn(a);
  const rb = splitDn(b);
  return ra.length === rb.length && ra.every((rn, i) => rn === rb[i] || unbracketRn(rn) === unbracketRn(rb[i]!));
}

type FormatPart = { literal: string } | { prop: string; bracketed: boolean };

const formatCache = new Map<string, FormatPart[]>();

/** `vlifp-[{nodeDn}]-[{encap}]` → literal/property parts, with the brackets around properties folded into them. */
function formatParts(format: string): FormatPart[] {
  let parts = formatCache.get(format);
  if (parts) return parts;
  parts = [];
  const re = /\[?\{([A-Za-z0-9]+)\}\]?/g;
  let last = 0;
  for (let m = re.exec(format); m; m = re.exec(format)) {
    if (m.index > last) parts.push({ literal: format.slice(last, m.index) });
    parts.push({ prop: m[1]!, bracketed: m[0].startsWith('[') && m[0].endsWith(']') });
    last = m.index + m[0].length;
  }
  if (last < format.length) parts.push({ literal: format.slice(last) });
  formatCache.set(format, parts);
  return parts;
}

/** The properties an RN format names, in order: `vlifp-[{nodeDn}]-[{encap}]` → `['nodeDn','encap']`. */
export function formatProps(format: string): string[] {
  return formatParts(format).flatMap((p) => ('prop' in p ? [p.prop] : []));
}

/**
 * The canonical RN for naming values: a value the format brackets is bracketed, and so is any value holding `/`
 * or a bracket (it could not be read back otherwise). `undefined` values are reported by name.
 */
export function rnFromFormat(
  format: string,
  values: Readonly<Record<string, string | undefined>>,
  onMissing: (prop: string) => Error = (prop) => new TypeError(`naming property '${prop}' is required by the RN format ${format}`),
): string {
  return formatParts(format)
    .map((p) => {
      if ('literal' in p) return p.literal;
      const v = values[p.prop];
      if (v === undefined || v === '') throw onMissing(p.prop);
      return p.bracketed || /[/[\]]/.test(v) ? `[${v}]` : v;
    })
    .join('');
}

/**
 * Reads the naming values out of an RN written with or without brackets around each value (`lifp-[ip1]`,
 * `lifp-ip1`); a value holding `/` must be bracketed. `undefined` when the RN does not fit the format.
 */
export function matchRnFormat(format: string, rn: string): Record<string, string> | undefined {
  const parts = formatParts(format);
  const values: Record<string, string> = {};
  const match = (i: number, pos: number): boolean => {
    if (i === parts.length) return pos === rn.length;
    const part = parts[i]!;
    if ('literal' in part) return rn.startsWith(part.literal, pos) && match(i + 1, pos + part.literal.length);
    if (rn[pos] === '[') {
      const close = closingBracket(rn, pos);
      if (close <= pos + 1) return false;
      values[part.prop] = rn.slice(pos + 1, close);
      return match(i + 1, close + 1);
    }
    // A bare value: shortest first, so a literal that follows (`-fault-`) ends it; never `/` or a bracket.
    for (let end = pos + 1; end <= rn.length; end++) {
      if (/[/[\]]/.test(rn[end - 1]!)) return false;
      values[part.prop] = rn.slice(pos, end);
      if (match(i + 1, end)) return true;
    }
    return false;
  };
  return match(0, 0) ? values : undefined;
}

/** The bracketed values of one RN, outermost level only: `nh-[a]-[b/32]` → `['a', 'b/32']`. */
export function bracketedParts(rn: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < rn.length; i++) {
    const c = rn[i];
    if (c === '[') {
      if (depth === 0) start = i + 1;
      depth++;
    } else if (c === ']' && depth > 0) {
      depth--;
      if (depth === 0) parts.push(rn.slice(start, i));
    }
  }
  return parts;
}

/** Pod and node of a `topology/pod-P/node-N/...` DN, or null for any other DN. */
export function nodeOfDn(dn: string): { podId: number; nodeId: number } | null {
  const rns = splitDn(dn);
  if (rns[0] !== 'topology') return null;
  const pod = /^pod-(\d+)$/.exec(rns[1] ?? '');
  const node = /^node-(\d+)$/.exec(rns[2] ?? '');
  if (!pod || !node) return null;
  return { podId: Number(pod[1]), nodeId: Number(node[1]) };
}

/** `tn-T:V` style VRF of a `dom-T:V` RN anywhere in a DN (BGP, URIB, ARP), or null. */
export function domOfDn(dn: string): string | null {
  for (const rn of splitDn(dn)) if (rn.startsWith('dom-')) return rn.slice(4);
  return null;
}

/** The `dom-` name the switches use for a tenant VRF (`tenant:vrf`). */
export function domName(tenant: string, vrf: string): string {
  return `${tenant}:${vrf}`;
}

/** The policy DN of a tenant VRF (`uni/tn-T/ctx-V`), as fvIp.vrfDn carries it. */
export function vrfDn(tenant: string, vrf: string): string {
  return `uni/tn-${tenant}/ctx-${vrf}`;
}

/** Tenant and VRF of `uni/tn-T/ctx-V`, or null. */
export function parseVrfDn(dn: string): { tenant: string; vrf: string } | null {
  const rns = splitDn(dn);
  if (rns.length !== 3 || rns[0] !== 'uni' || !rns[1]?.startsWith('tn-') || !rns[2]?.startsWith('ctx-')) return null;
  return { tenant: rns[1].slice(3), vrf: rns[2].slice(4) };
}

export type PathKind = 'port' | 'vpc' | 'fex';

/** A fabric path endpoint DN: `paths-N/pathep-[x]`, `protpaths-A-B/pathep-[x]`, `paths-N/extpaths-F/pathep-[x]`. */
export interface PathRef {
  dn: string;
  podId: number;
  /** One leaf for a port or PC, two for a vPC. */
  nodeIds: number[];
  kind: PathKind;
  fexId?: number;
  /** Interface name (`eth1/1`) or aggregate policy-group name. */
  name: string;
}

export function parsePathDn(dn: string): PathRef | null {
  const rns = splitDn(dn);
  if (rns[0] !== 'topology') return null;
  const pod = /^pod-(\d+)$/.exec(rns[1] ?? '');
  if (!pod) return null;
  const last = rns[rns.length - 1] ?? '';
  const name = last.startsWith('pathep-') ? bracketedParts(last)[0] : undefined;
  if (name === undefined) return null;
  const podId = Number(pod[1]);
  const single = /^paths-(\d+)$/.exec(rns[2] ?? '');
  const prot = /^protpaths-(\d+)-(\d+)$/.exec(rns[2] ?? '');
  if (prot && rns.length === 4) return { dn, podId, nodeIds: [Number(prot[1]), Number(prot[2])], kind: 'vpc', name };
  if (!single) return null;
  const ext = /^extpaths-(\d+)$/.exec(rns[3] ?? '');
  if (ext && rns.length === 5) return { dn, podId, nodeIds: [Number(single[1])], kind: 'fex', fexId: Number(ext[1]), name };
  if (rns.length === 4) return { dn, podId, nodeIds: [Number(single[1])], kind: 'port', name };
  return null;
}

/**
 * Leaf ids and port of a loosely written fabric link (NFNA `fabricLink`): any of `node-N`, `paths-N`,
 * `protpaths-A-B` segments give the leaves, the last bracketed value the port.
 */
export function parseFabricLink(link: string): { nodeIds: number[]; port: string } | null {
  const nodeIds: number[] = [];
  let port: string | undefined;
  for (const rn of splitDn(link)) {
    const m = /^(?:node|paths)-(\d+)$/.exec(rn) ?? /^protpaths-(\d+)-(\d+)$/.exec(rn);
    if (m) for (const id of m.slice(1)) if (id !== undefined) nodeIds.push(Number(id));
    const b = bracketedParts(rn);
    if (b.length > 0) port = b[b.length - 1];
  }
  return nodeIds.length > 0 && port ? { nodeIds, port } : null;
}
