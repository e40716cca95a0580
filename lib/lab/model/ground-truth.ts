import { computeSessions, type SessionTruth } from './bgp';
import { linkMembers, linkPathDn } from './fabric';
import { computeRoutes, type RouteTruth } from './routes';
import type { HostKind } from './schema';
import { computeServices } from './services';
import { nodeLink, type LabWorld } from './world';

export interface NodeTruth {
  name: string;
  ip: string;
  mac: string;
  rack: number;
  ready: boolean;
  /** The hypervisor or bare-metal server the node runs on. */
  host: string;
  hostKind: HostKind;
  /** The blade switch / fabric interconnect between the host and the fabric, if any. */
  via: string | null;
  /** The fabric path its MAC is learned on (port, PC or vPC path DN), null if the host has no cables. */
  pathDn: string | null;
  /** Leaves (and ports) its traffic enters the fabric on. */
  leafPorts: { leaf: number; port: string }[];
}

export interface ServiceTruth {
  namespace: string;
  name: string;
  externalTrafficPolicy: 'Cluster' | 'Local';
  clusterIP?: string;
  externalIPs: string[];
  loadBalancerIP?: string;
  /** Nodes hosting a ready endpoint. */
  endpointNodes: string[];
}

export interface GroundTruth {
  nodes: NodeTruth[];
  sessions: SessionTruth[];
  routes: RouteTruth[];
  services: ServiceTruth[];
}

/** The world's own facts (nodes and where they are cabled, services and their endpoints), whoever decides sessions. */
export function worldFacts(w: LabWorld, services = computeServices(w)): Pick<GroundTruth, 'nodes' | 'services'> {
  const s = w.scenario;
  const hosts = new Map(s.hosts.map((h) => [h.name, h]));
  return {
    nodes: w.nodes.map((n) => {
      const host = hosts.get(n.host)!;
      const where = nodeLink(s, n);
      return {
        name: n.name,
        ip: n.ip,
        mac: n.mac,
        rack: n.rack,
        ready: n.ready,
        host: n.host,
        hostKind: host.kind,
        via: host.behind ?? null,
        pathDn: where ? linkPathDn(s, where.link) : null,
        leafPorts: where ? linkMembers(where.link).map((m) => ({ leaf: m.leaf, port: m.port })) : [],
      };
    }),
    services: services.map((sv) => ({
      namespace: sv.spec.namespace,
      name: sv.spec.name,
      externalTrafficPolicy: sv.spec.externalTrafficPolicy,
      ...(sv.clusterIP ? { clusterIP: sv.clusterIP } : {}),
      externalIPs: sv.externalIPs,
      ...(sv.loadBalancerIP ? { loadBalancerIP: sv.loadBalancerIP } : {}),
      endpointNodes: [...new Set(sv.endpoints.filter((p) => p.ready).map((p) => p.node))].sort(),
    })),
  };
}

/**
 * The scenario's declared truth: the sessions and routes its own description implies (model/bgp.ts, routes.ts).
 * A running lab's truth comes from its twin instead, which derives them from the servers' configuration; for a
 * shipped scenario the two agree (tests/integration/lab-twin-scenarios.test.ts).
 */
export function groundTruth(w: LabWorld): GroundTruth {
  const services = computeServices(w);
  const sessions = computeSessions(w);
  const facts = worldFacts(w, services);
  return { nodes: facts.nodes, sessions, routes: computeRoutes(w, sessions, services), services: facts.services };
}
