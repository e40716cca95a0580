import type { WireMo } from '../../aci/mo';
import { advertisedPrefixes } from '../model/advertise';
import { installRoutes, type LearnedPath, type RouteTruth } from '../model/routes';
import type { ServiceState } from '../model/services';
import type { ClusterConfig, NodeBgpConfig } from './cluster-config';
import type { FabricConfig } from './fabric-config';
import { leafBgpMos, routeMos, vrfKeyOf, type LeafNaming } from './operational';
import { decideSessions, type DecidedSession, type WireFacts } from './sessions';

/** What the twin derives: every session, and the routes of each VRF with the AS each prefix came from (its tag). */
export interface TwinDerivation {
  sessions: DecidedSession[];
  routesByVrf: Array<{ vrfDn: string; vrf: string; routes: RouteTruth[]; tags: ReadonlyMap<string, string> }>;
}

export interface TwinClusterInput {
  config: ClusterConfig;
  wire: WireFacts;
  services: readonly ServiceState[];
}

/** Sessions from both sides' configuration and the wire; routes from the established ones, capped by each VRF's maxEcmp. Pure. */
export function deriveTwin(fabric: FabricConfig, clusters: readonly TwinClusterInput[]): TwinDerivation {
  const sessions: DecidedSession[] = [];
  /** VRF DN → leaf → prefix → paths */
  const learned = new Map<string, { vrf: string; table: Map<number, Map<string, LearnedPath[]>>; tags: Map<string, string> }>();
  for (const c of clusters) {
    const decided = decideSessions(c.config, fabric, c.wire);
    for (const s of decided) sessions.push(s);
    learn(decided, c.config.nodes, c.services, learned);
  }
  sessions.sort((a, b) => (a.node === b.node ? (a.peerIp < b.peerIp ? -1 : a.peerIp > b.peerIp ? 1 : 0) : a.node < b.node ? -1 : 1));
  const routesByVrf = [...learned].map(([vrfDn, { vrf, table, tags }]) => ({
    vrfDn,
    vrf,
    routes: installRoutes(fabric.leaves, table, fabric.ecmp(vrfDn)),
    tags,
  }));
  return { sessions, routesByVrf };
}

function learn(
  sessions: readonly DecidedSession[],
  nodes: readonly NodeBgpConfig[],
  services: readonly ServiceState[],
  learned: Map<string, { vrf: string; table: Map<number, Map<string, LearnedPath[]>>; tags: Map<string, string> }>,
): void {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const adverts = new Map<string, string[]>();
  for (const s of sessions) {
    if (s.state !== 'established' || s.leaf === null || !s.svi?.vrf) continue;
    const node = byName.get(s.node)!;
    let prefixes = adverts.get(node.name);
    if (!prefixes) adverts.set(node.name, (prefixes = advertisedPrefixes(node.name, node.podCidr, node.advertise, services)));
    let vrf = learned.get(s.svi.vrf.dn);
    if (!vrf) learned.set(s.svi.vrf.dn, (vrf = { vrf: vrfKeyOf(s.svi), table: new Map(), tags: new Map() }));
    let table = vrf.table.get(s.leaf);
    if (!table) vrf.table.set(s.leaf, (table = new Map()));
    for (const p of prefixes) {
      const path = { addr: s.nodeIp, node: s.node };
      const list = table.get(p);
      if (list) list.push(path);
      else table.set(p, [path]);
      if (!vrf.tags.has(p) && s.peer) vrf.tags.set(p, String(s.peer.localAs));
    }
  }
}

/** What the leaves show for a derivation: bgpPeer/bgpPeerEntry per leaf, uribv4Route/uribv4Nexthop per VRF. Pure. */
export function operationalMos(fabric: FabricConfig, derived: TwinDerivation, naming: LeafNaming): WireMo[] {
  const byLeaf = new Map<number, DecidedSession[]>();
  for (const s of derived.sessions) {
    if (s.leaf === null) continue;
    const list = byLeaf.get(s.leaf);
    if (list) list.push(s);
    else byLeaf.set(s.leaf, [s]);
  }
  const mos: WireMo[] = [];
  // A loop, not push(...list): a large fabric has more routes than a call takes arguments.
  const add = (list: readonly WireMo[]): void => {
    for (const mo of list) mos.push(mo);
  };
  for (const l of fabric.leaves) add(leafBgpMos(l.id, fabric.svis, byLeaf.get(l.id) ?? [], naming, fabric.fabricAs));
  for (const { vrf, routes, tags } of derived.routesByVrf) add(routeMos(routes, vrf, naming, fabric.fabricAs, (p) => tags.get(p) ?? ''));
  return mos;
}

/** The routes of one prefix in one VRF on every leaf: the unit the twin rewrites when something changes. */
export interface RouteScope {
  vrf: string;
  routes: RouteTruth[];
  tag: string;
  /** Equal signatures, equal MOs: an unchanged scope is not rewritten. */
  signature: string;
}

/** The derivation's routes grouped by `vrf|prefix`. */
export function routeScopes(derived: TwinDerivation): Map<string, RouteScope> {
  const out = new Map<string, RouteScope>();
  for (const { vrf, routes, tags } of derived.routesByVrf) {
    for (const r of routes) {
      const key = `${vrf}|${r.prefix}`;
      let scope = out.get(key);
      if (!scope) out.set(key, (scope = { vrf, routes: [], tag: tags.get(r.prefix) ?? '', signature: tags.get(r.prefix) ?? '' }));
      scope.routes.push(r);
      scope.signature += `;${r.leaf}:${r.nextHops.map((h) => `${h.addr}@${h.node ?? h.viaLeaf}`).join(',')}`;
    }
  }
  return out;
}
