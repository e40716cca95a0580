import type { ResolvedSpec } from '../../spec/defaults';
import { formatCidr } from '../../../lib/net/ip';
import { mo, type AciNode } from './tree';

/** Names of the tenant-level policies, all derived from the L3Out name so several clusters can share a tenant. */
export function policyNames(r: ResolvedSpec) {
  const n = r.spec.fabric.l3out.name;
  return {
    timers: `${n}-Timers`,
    ecmp: n,
    prefixLimit: n,
    exportMatch: `${n}-export-match`,
    importMatch: `${n}-import-match`,
  };
}

/**
 * BGP timers: 1 s keepalive / 3 s hold so a dead node's routes go fast; graceful-restart helper only;
 * maxAsLimit 1 because every legitimate route from a node has an AS path of exactly the cluster AS.
 */
export function timersPolicy(r: ResolvedSpec): AciNode {
  const name = policyNames(r).timers;
  return mo('bgpCtxPol', `bgpCtxP-${name}`, { name, kaIntvl: '1', holdIntvl: '3', staleIntvl: '6', grCtrl: 'helper', maxAsLimit: '1' });
}

/** ECMP: service /32s and /128s are load-balanced across every advertising node, up to maxEcmpPaths. */
export function ecmpPolicy(r: ResolvedSpec): AciNode {
  const name = policyNames(r).ecmp;
  const paths = String(r.spec.fabric.maxEcmpPaths);
  return mo('bgpCtxAfPol', `bgpCtxAfP-${name}`, { name, maxEcmp: paths, maxEcmpIbgp: paths });
}

/** Per-peer prefix limit: a misbehaving node cannot flood the leaf's routing table. */
export function prefixLimitPolicy(r: ResolvedSpec): AciNode {
  const name = policyNames(r).prefixLimit;
  return mo('bgpPeerPfxPol', `bgpPfxP-${name}`, { name, maxPfx: String(r.spec.fabric.maxPrefixes), action: 'reject' });
}

function matchRule(name: string, cidrs: string[]): AciNode {
  return mo(
    'rtctrlSubjP',
    `subj-${name}`,
    { name },
    cidrs.map((ip) => mo('rtctrlMatchRtDest', `dest-[${ip}]`, { ip, aggregate: 'yes' })),
  );
}

/** Export to the nodes: only the pod subnets (nodes learn each other's pod blocks through the leaf). */
export function exportMatchRule(r: ResolvedSpec): AciNode {
  return matchRule(
    policyNames(r).exportMatch,
    r.families.map((f) => formatCidr(f.podSubnet)),
  );
}

/** Import from the nodes: pod, node, service and external-service subnets and anything more specific. */
export function importMatchRule(r: ResolvedSpec): AciNode {
  const cidrs = r.families.flatMap((f) => [f.podSubnet, f.nodeSubnet, f.serviceSubnet, f.externalServiceSubnet].map(formatCidr));
  return matchRule(policyNames(r).importMatch, cidrs);
}
