/**
 * Output shapes of the ECMP/BGP analysis. Plain JSON (served by /api/v1/ecmp and /api/v1/bgp), ids are
 * the graph's ids (`leaf:201`, `node:worker-1`, `service:default/web`).
 */
import type { Severity } from '../graph';

export type CniKind = 'calico' | 'kube-router' | 'cilium' | 'unknown';
export type IpKind = 'cluster' | 'external' | 'load-balancer';
export type TrafficPolicy = 'Local' | 'Cluster';

/** The VRF's ECMP limit: read from the BGP address-family context policy, or the ACI default, assumed. */
export interface MaxPaths {
  value: number;
  source: 'bgpCtxAfPol' | 'assumed-default';
  /** The policy's DN when read from one. */
  policy?: string;
}

/** One service IP and whether the CNI advertises it at all. */
export interface ServiceIpAdvertisement {
  service: string;
  ip: string;
  kind: IpKind;
  policy: TrafficPolicy;
  /** The prefix carrying it: `/32`/`/128` for per-service routes, the configured CIDR for Calico's Cluster policy. */
  prefix: string | null;
  advertised: boolean;
  /** Why it is (not) advertised, in plain words. */
  reason: string;
}

/** What the cluster should put on the fabric for one prefix. */
export interface ExpectedPrefix {
  prefix: string;
  policy: TrafficPolicy;
  services: string[];
  /** Nodes expected to advertise the prefix (before any per-leaf session consideration). */
  advertisers: string[];
  /** Nodes left out on purpose, with why (no ready endpoint, excluded by label, not peering). */
  excluded: { node: string; reason: string }[];
}

export type CellState = 'installed' | 'missing' | 'stale' | 'truncated';

/** One (leaf, node) cell of a prefix's matrix; only cells that are expected or installed are listed. */
export interface MatrixCell {
  leaf: string;
  node: string;
  expected: boolean;
  installed: boolean;
  state: CellState;
  /** For missing/stale cells: the inferred reason. */
  cause?: 'session-down' | 'not-peering' | 'not-advertised' | 'max-paths' | 'no-ready-endpoint' | 'not-expected';
}

export interface LeafPaths {
  leaf: string;
  /** Next hops installed for the prefix on this leaf, as `node:<name>` or the raw IP when not a node. */
  installed: string[];
  /** Expected node next hops given this leaf's sessions. */
  expected: string[];
}

export interface PrefixAnalysis extends ExpectedPrefix {
  leaves: LeafPaths[];
  cells: MatrixCell[];
}

export type EcmpFindingCode =
  | 'ecmp-advertiser-missing'
  | 'ecmp-blackhole-risk'
  | 'ecmp-max-paths-exceeded'
  | 'ecmp-leaves-disagree'
  | 'ecmp-single-path'
  | 'ecmp-prefix-without-service';

export interface EcmpFinding {
  code: EcmpFindingCode;
  severity: Severity;
  prefix: string;
  /** The graph id the finding is about: a leaf, or a node when it is one node's route. */
  subject: string;
  leaf?: string;
  node?: string;
  message: string;
}

export interface EcmpAnalysis {
  cni: CniKind;
  maxPaths: MaxPaths;
  ips: ServiceIpAdvertisement[];
  prefixes: PrefixAnalysis[];
  findings: EcmpFinding[];
}

export type SessionExpectation = 'cni' | 'fabric';

/** One node ↔ anchor-leaf pair: expected by whom, and what the fabric reports. */
export interface BgpSessionHealth {
  node: string;
  leaf: string;
  expectedBy: SessionExpectation[];
  /** `bgpPeerEntry.operSt` as reported, or null when the fabric has no session entry. */
  state: string | null;
  peerIp: string | null;
  prefixesReceived: number | null;
}
