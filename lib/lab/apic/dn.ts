/**
 * DN ↔ RN arithmetic. An APIC DN is RNs joined by `/`, but naming values containing `/` are wrapped in brackets,
 * possibly nested: `rspathAtt-[topology/pod-1/paths-101/pathep-[eth1/1]]`. Splitting must ignore `/` inside brackets.
 */

/** Splits a DN into its RNs, respecting (nested) brackets. `uni/tn-a/out-[x/y]` → `['uni','tn-a','out-[x/y]']`. */
export function splitDn(dn: string): string[] {
  const rns: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < dn.length; i++) {
    const ch = dn[i];
    if (ch === '[') depth++;
    else if (ch === ']') depth = Math.max(0, depth - 1);
    else if (ch === '/' && depth === 0) {
      rns.push(dn.slice(start, i));
      start = i + 1;
    }
  }
  rns.push(dn.slice(start));
  return rns.filter((rn) => rn.length > 0);
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
