/**
 * APIC distinguished-name parsing. RN values containing `/` are wrapped in brackets
 * (`pathep-[eth1/1]`, `rt-[10.1.0.0/16]`) and brackets nest (`rscEpToPathEp-[topology/.../pathep-[eth1/1]]`),
 * so a DN is split on `/` only at bracket depth zero.
 */

/** Splits a DN into its RNs, keeping bracketed values whole. */
export function splitDn(dn: string): string[] {
  const rns: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i];
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    else if (c === '/' && depth === 0) {
      rns.push(dn.slice(start, i));
      start = i + 1;
    }
  }
  rns.push(dn.slice(start));
  return rns;
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
