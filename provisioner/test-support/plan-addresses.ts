import type { Plan } from '../plan/index';
import type { ResolvedSpec } from '../spec/defaults';
import { parseIp, type IpAddress } from '../../lib/net/ip';

/**
 * Finds every IP address and prefix written anywhere in a plan (ACI attributes, Kubernetes manifests, Helm
 * values, cloud-init user data including the files it writes) by scanning text, not by listing fields, so an
 * address added to a new field later is checked without anyone remembering to add it here.
 */

export interface AddressLiteral {
  /** Where it was found, for failure messages. */
  where: string;
  text: string;
  addr: IpAddress;
  prefix: number | undefined;
}

// A run of characters an address can be made of, with an optional prefix length. Runs are maximal, so
// "10.0.0.1:6443" or "fd00::1]" come out whole and are taken apart below.
const RUN = /[0-9A-Fa-f:.]+(?:\/\d{1,3})?/g;
const V4_WITH_PORT = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/;

function literal(run: string, where: string): AddressLiteral | undefined {
  const [body = '', len] = run.split('/');
  const prefix = len === undefined ? undefined : Number(len);
  const v4 = V4_WITH_PORT.exec(body.replace(/\.$/, ''));
  const a4 = v4 ? parseIp(v4[1]!) : null;
  if (a4) return { where, text: run, addr: a4, prefix };
  // Two colons at least: "a:b" (secret placeholders, "key:value") is never an IPv6 address.
  const a6 = (body.match(/:/g) ?? []).length >= 2 ? parseIp(body) : null;
  return a6 ? { where, text: run, addr: a6, prefix } : undefined;
}

export function literalsIn(text: string, where: string): AddressLiteral[] {
  return [...text.matchAll(RUN)].flatMap((m) => literal(m[0], where) ?? []);
}

/** Every string (keys included) in a JSON-like value. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (typeof v === 'object' && v !== null) return Object.entries(v).flatMap(([k, x]) => [k, ...strings(x)]);
  return [];
}

export function planAddressLiterals(plan: Plan): AddressLiteral[] {
  const out: AddressLiteral[] = [];
  for (const o of plan.aci.objects) {
    for (const [k, v] of Object.entries(o.attrs)) out.push(...literalsIn(v, `ACI ${o.dn} ${k}`));
  }
  for (const m of [...plan.manifests.cni, ...plan.manifests.akb]) {
    for (const s of strings(m)) out.push(...literalsIn(s, `manifest ${m.kind}/${m.metadata?.name ?? '?'}`));
  }
  for (const [chart, values] of Object.entries(plan.helmValues))
    for (const s of strings(values)) out.push(...literalsIn(s, `helm values ${chart}`));
  for (const n of plan.nodes) out.push(...literalsIn(n.userData, `user data ${n.node}`));
  return out;
}

/**
 * The one role of every host address the spec puts in the node subnet (anchor leaf, node, floating, secondary,
 * VIP), as address text → roles. More than one role for an address is a collision the plan must never carry.
 */
export function addressRoles(r: ResolvedSpec): Map<string, string[]> {
  const roles = new Map<string, string[]>();
  const add = (text: string | undefined, role: string) => {
    const a = text === undefined ? undefined : parseIp(text);
    if (!a) return;
    roles.set(a.toString(), [...(roles.get(a.toString()) ?? []), role]);
  };
  const { fabric: f, cluster: c } = r.spec;
  for (const fa of r.families) {
    add(fa.floatingIp.toString(), 'floating');
    add(fa.secondaryIp.toString(), 'secondary');
    for (const a of f.anchorLeaves) add(a[fa.family], `anchor ${a.nodeId}`);
    for (const n of c.nodes) add(n[fa.family], `node ${n.name}`);
  }
  // The VIP is served by keepalived only in front of three masters; with one master it is free for a node.
  if (r.spec.mode === 'full' && c.nodes.filter((n) => n.role === 'master').length === 3) add(r.vip.toString(), 'vip');
  return roles;
}
