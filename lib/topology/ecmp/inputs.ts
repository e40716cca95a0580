/**
 * The Kubernetes and APIC objects the ECMP analysis needs beyond the graph, parsed with the one set of schemas
 * (../k8s-models.ts): an object that does not parse is left out (the correlator already reports unreadable input),
 * never fatal.
 */
import type { z } from 'zod';
import type { Bundle } from '../bundle-types';
import { K8S_SCHEMAS } from '../k8s-models';
import { normaliseIp } from '../../aci/models/attributes';
import { nodeOfDn } from '../../aci/models/dn';

function parseAll<T extends z.ZodType>(schema: T, items: readonly unknown[] | undefined): z.output<T>[] {
  const out: z.output<T>[] = [];
  for (const item of items ?? []) {
    const r = schema.safeParse(item);
    if (r.success) out.push(r.data);
  }
  return out;
}

export interface NodeFacts {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  ready: boolean;
  podCidrs: string[];
}

/** Anchor leaf addresses from the floating L3Out configuration: peer IP → `leaf:<id>`. */
function anchorIps(bundle: Bundle): Map<string, string> {
  const out = new Map<string, string>();
  for (const mo of bundle.apic.l3extVirtualLIfP ?? []) {
    const a = mo.l3extVirtualLIfP?.attributes;
    const ip = a?.addr ? normaliseIp(a.addr.split('/')[0] ?? '') : null;
    const where = a?.nodeDn ? nodeOfDn(a.nodeDn) : null;
    if (ip && where) out.set(ip, `leaf:${where.nodeId}`);
  }
  return out;
}

export interface MaxEcmpPolicy {
  dn: string;
  maxEcmp: number | null;
}

function maxEcmpPolicies(bundle: Bundle): MaxEcmpPolicy[] {
  return (bundle.apic.bgpCtxAfPol ?? []).flatMap((mo) => {
    const a = mo.bgpCtxAfPol?.attributes;
    if (!a?.dn) return [];
    const n = a.maxEcmp !== undefined && /^\d{1,3}$/.test(a.maxEcmp) ? Number(a.maxEcmp) : null;
    return [{ dn: a.dn, maxEcmp: n }];
  });
}

/** The VRF → policy relations (`fvRsCtxToBgpCtxAfPol`) naming which policy the cluster VRF uses. */
function vrfPolicyNames(bundle: Bundle): string[] {
  const vrfDn = `uni/tn-${bundle.fabric.tenant}/ctx-${bundle.fabric.vrf}/`;
  return (bundle.apic.fvRsCtxToBgpCtxAfPol ?? []).flatMap((mo) => {
    const a = mo.fvRsCtxToBgpCtxAfPol?.attributes;
    return a?.dn?.startsWith(vrfDn) && a.tnBgpCtxAfPolName ? [a.tnBgpCtxAfPolName] : [];
  });
}

export function readEcmpInputs(bundle: Bundle) {
  const k = bundle.k8s;
  const nodes: NodeFacts[] = parseAll(K8S_SCHEMAS.nodes, k.nodes).map((n) => ({
    name: n.metadata.name,
    labels: n.metadata.labels ?? {},
    annotations: n.metadata.annotations ?? {},
    // A node without a Ready=True condition is treated as down (kubelet's own convention).
    ready: (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    podCidrs: [...new Set([...(n.spec?.podCIDRs ?? []), ...(n.spec?.podCIDR ? [n.spec.podCIDR] : [])])],
  }));
  return {
    tenant: bundle.fabric.tenant,
    nodes,
    bgpConfigurations: parseAll(K8S_SCHEMAS.bgpconfigurations, k.bgpconfigurations),
    bgpPeers: parseAll(K8S_SCHEMAS.bgppeers, k.bgppeers),
    endpointSlices: parseAll(K8S_SCHEMAS.endpointslices, k.endpointslices),
    pods: parseAll(K8S_SCHEMAS.pods, k.pods),
    ippools: parseAll(K8S_SCHEMAS.ippools, k.ippools),
    ciliumClusterConfigs: parseAll(K8S_SCHEMAS.ciliumbgpclusterconfigs, k.ciliumbgpclusterconfigs),
    ciliumAdvertisements: parseAll(K8S_SCHEMAS.ciliumbgpadvertisements, k.ciliumbgpadvertisements),
    daemonSets: parseAll(K8S_SCHEMAS.daemonsets, k.daemonsets),
    anchorIps: anchorIps(bundle),
    maxEcmpPolicies: maxEcmpPolicies(bundle),
    vrfPolicyNames: vrfPolicyNames(bundle),
  };
}

export type EcmpInputs = ReturnType<typeof readEcmpInputs>;
