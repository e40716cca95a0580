import type { UribNexthop } from '../../aci/models';
import type { RouteNextHop } from '../graph';
import { ensureSwitch, type Context } from './context';
import { compareStrings } from './ids';
import type { IpIndex } from './ip-index';

function allNexthops(ctx: Context): Iterable<UribNexthop> {
  const { inputs } = ctx;
  return [
    ...inputs.apic('uribv4Nexthop'),
    ...inputs.apic('uribv6Nexthop'),
    ...inputs.apic('uribv4Route').flatMap((r) => r.nextHops),
    ...inputs.apic('uribv6Route').flatMap((r) => r.nextHops),
  ];
}

const isHostRoute = (prefix: string) => prefix.endsWith(prefix.includes(':') ? '/128' : '/32');

/**
 * One route per (leaf, prefix) in the cluster VRF from the URIB next hops. A route is a Kubernetes
 * route when every next hop is tagged with the cluster AS (tags compared as numbers); host routes
 * carry the services at that exact IP, shorter Kubernetes routes (e.g. a service CIDR) the services inside it.
 */
export function addRoutes(ctx: Context, teps: Map<string, string>, asn: number | null, services: IpIndex<string>): void {
  // Seen (leaf, prefix, next hop, tag): a route with many ECMP next hops stays linear to build.
  const seen = new Set<string>();
  for (const nh of allNexthops(ctx)) {
    if (nh.dom !== ctx.dom || nh.nodeId === null || nh.prefix === null) continue;
    const leaf = ensureSwitch(ctx, nh.nodeId);
    const key = `${leaf}|${nh.prefix}|${nh.addr}|${nh.tag}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const route = ctx.g.route(leaf, nh.prefix);
    const hop: RouteNextHop = { ip: nh.addr, node: ctx.nodeByIp.get(nh.addr) ?? null, tag: nh.tag };
    const tep = teps.get(nh.addr);
    if (hop.node === null && tep) hop.fabricNode = tep;
    route.nextHops.push(hop);
  }
  for (const route of ctx.g.allRoutes()) {
    route.nextHops.sort((a, b) => compareStrings(a.ip, b.ip) || compareStrings(a.tag, b.tag));
    route.kubernetes =
      asn !== null && route.nextHops.length > 0 && route.nextHops.every((h) => /^\d+$/.test(h.tag) && Number(h.tag) === asn);
    const addr = route.prefix.slice(0, route.prefix.indexOf('/'));
    const svc = isHostRoute(route.prefix) ? services.at(addr) : route.kubernetes ? services.within(route.prefix) : [];
    route.services = [...new Set(svc)].sort(compareStrings);
    if (!route.kubernetes) continue;
    for (const h of route.nextHops) {
      if (h.node === null && !h.fabricNode) {
        ctx.g.problem(
          'warning',
          'route-next-hop-not-a-node',
          route.leaf,
          `${route.prefix} is tagged with the cluster AS but its next hop ${h.ip} is no Kubernetes node.`,
        );
      }
    }
  }
}
