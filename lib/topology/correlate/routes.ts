import type { UribNexthop, UribRoute } from '../../aci/models';
import type { Route, RouteNextHop } from '../graph';
import type { GraphSink } from './builder';
import { ensureSwitch, type Context } from './context';
import { compareStrings } from '../../shared/compare';
import type { IpIndex } from './ip-index';

/** One next hop of a route on a leaf in the cluster VRF, as one URIB object reports it. */
export interface RouteHop {
  nodeId: number;
  prefix: string;
  addr: string;
  tag: string;
}

/** The cluster-VRF hops one uribv4/6Nexthop or uribv4/6Route object carries (a route object nests its next hops). */
export function hopsOf(mo: UribNexthop | UribRoute, dom: string): RouteHop[] {
  const out: RouteHop[] = [];
  for (const nh of 'nextHops' in mo ? mo.nextHops : [mo]) {
    if (nh.dom !== dom || nh.nodeId === null || nh.prefix === null) continue;
    out.push({ nodeId: nh.nodeId, prefix: nh.prefix, addr: nh.addr, tag: nh.tag });
  }
  return out;
}

export const isHostRoute = (prefix: string) => prefix.endsWith(prefix.includes(':') ? '/128' : '/32');

/** What labelling a route looks up. */
export interface RouteLookups {
  nodeAt(ip: string): string | undefined;
  tepAt(ip: string): string | undefined;
  asn: number | null;
  servicesAt(ip: string): readonly string[];
  servicesWithin(prefix: string): readonly string[];
}

/**
 * One route (leaf, prefix) from its next hops. It is a Kubernetes route when every next hop is tagged with the
 * cluster AS (tags compared as numbers); host routes carry the services at that exact IP, shorter Kubernetes routes
 * (e.g. a service CIDR) the services inside it.
 */
export function buildRoute(
  leaf: string,
  prefix: string,
  hops: readonly { addr: string; tag: string }[],
  look: RouteLookups,
  sink: GraphSink,
): Route {
  const seen = new Set<string>();
  const nextHops: RouteNextHop[] = [];
  for (const h of hops) {
    const key = `${h.addr}|${h.tag}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const hop: RouteNextHop = { ip: h.addr, node: look.nodeAt(h.addr) ?? null, tag: h.tag };
    const tep = look.tepAt(h.addr);
    if (hop.node === null && tep) hop.fabricNode = tep;
    nextHops.push(hop);
  }
  nextHops.sort((a, b) => compareStrings(a.ip, b.ip) || compareStrings(a.tag, b.tag));
  const asn = look.asn;
  const kubernetes = asn !== null && nextHops.length > 0 && nextHops.every((h) => /^\d+$/.test(h.tag) && Number(h.tag) === asn);
  const addr = prefix.slice(0, prefix.indexOf('/'));
  const svc = isHostRoute(prefix) ? look.servicesAt(addr) : kubernetes ? look.servicesWithin(prefix) : [];
  const route: Route = { leaf, prefix, nextHops, kubernetes, services: [...new Set(svc)].sort(compareStrings) };
  if (kubernetes) {
    for (const h of nextHops) {
      if (h.node === null && !h.fabricNode)
        sink.problem(
          'warning',
          'route-next-hop-not-a-node',
          leaf,
          `${prefix} is tagged with the cluster AS but its next hop ${h.ip} is no Kubernetes node.`,
        );
    }
  }
  return route;
}

/** One route per (leaf, prefix) in the cluster VRF from the URIB next hops. */
export function addRoutes(ctx: Context, teps: Map<string, string>, asn: number | null, services: IpIndex<string>): void {
  const { inputs } = ctx;
  const byRoute = new Map<string, RouteHop[]>();
  for (const mo of [
    ...inputs.apic('uribv4Nexthop'),
    ...inputs.apic('uribv6Nexthop'),
    ...inputs.apic('uribv4Route'),
    ...inputs.apic('uribv6Route'),
  ]) {
    for (const hop of hopsOf(mo, ctx.dom)) {
      const key = `${hop.nodeId}|${hop.prefix}`;
      const list = byRoute.get(key);
      if (list) list.push(hop);
      else byRoute.set(key, [hop]);
    }
  }
  const look: RouteLookups = {
    nodeAt: (ip) => ctx.nodeByIp.get(ip),
    tepAt: (ip) => teps.get(ip),
    asn,
    servicesAt: (ip) => services.at(ip),
    servicesWithin: (prefix) => services.within(prefix),
  };
  for (const hops of byRoute.values()) {
    const leaf = ensureSwitch(ctx, hops[0]!.nodeId);
    ctx.g.addRoute(buildRoute(leaf, hops[0]!.prefix, hops, look, ctx.g));
  }
}
