/**
 * The Kubernetes and APIC objects the ECMP analysis needs beyond the graph, parsed leniently: an object
 * that does not parse is left out (the correlator already reports unreadable input), never fatal.
 */
import { z } from 'zod';
import type { Bundle } from '../bundle-types';
import { normaliseIp } from '../../aci/models/attributes';
import { nodeOfDn } from '../../aci/models/dn';

const labels = z.record(z.string(), z.string()).optional();
const meta = z.object({ name: z.string(), namespace: z.string().optional(), labels, annotations: labels });
const cidrList = z.array(z.object({ cidr: z.string() })).optional();

const bgpConfiguration = z.object({
  metadata: meta,
  spec: z.object({ serviceClusterIPs: cidrList, serviceExternalIPs: cidrList, serviceLoadBalancerIPs: cidrList }).optional(),
});
const bgpPeer = z.object({
  metadata: meta,
  spec: z
    .object({
      node: z.string().optional(),
      nodeSelector: z.string().optional(),
      peerIP: z.string().optional(),
      peerSelector: z.string().optional(),
    })
    .optional(),
});
const node = z.object({
  metadata: meta,
  spec: z.object({ podCIDR: z.string().optional(), podCIDRs: z.array(z.string()).optional() }).optional(),
  status: z.object({ conditions: z.array(z.object({ type: z.string(), status: z.string() })).optional() }).optional(),
});
const endpointSlice = z.object({
  metadata: meta,
  endpoints: z
    .array(
      z.object({
        nodeName: z.string().optional(),
        conditions: z.object({ ready: z.boolean().nullish() }).optional(),
        targetRef: z.object({ kind: z.string().optional(), name: z.string(), namespace: z.string().optional() }).optional(),
      }),
    )
    .nullish(),
});
const pod = z.object({ metadata: meta, spec: z.object({ nodeName: z.string().optional() }).optional() });
const ippool = z.object({ metadata: meta, spec: z.object({ cidr: z.string().optional() }).optional() });
const labelSelector = z.object({
  matchLabels: labels,
  matchExpressions: z.array(z.object({ key: z.string(), operator: z.string(), values: z.array(z.string()).optional() })).optional(),
});
const ciliumClusterConfig = z.object({
  metadata: meta,
  spec: z
    .object({
      nodeSelector: labelSelector.optional(),
      bgpInstances: z.array(z.object({ peers: z.array(z.object({ peerAddress: z.string().optional() })).optional() })).optional(),
    })
    .optional(),
});
const ciliumAdvertisement = z.object({
  metadata: meta,
  spec: z
    .object({
      advertisements: z
        .array(
          z.object({
            advertisementType: z.string(),
            service: z.object({ addresses: z.array(z.string()).optional() }).optional(),
            selector: labelSelector.optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});
const container = z.object({ args: z.array(z.string()).optional(), command: z.array(z.string()).optional() });
const daemonSet = z.object({
  metadata: meta,
  spec: z
    .object({ template: z.object({ spec: z.object({ containers: z.array(container).optional() }).optional() }).optional() })
    .optional(),
});

export type LabelSelector = z.output<typeof labelSelector>;
export type CalicoBgpConfiguration = z.output<typeof bgpConfiguration>;

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
  const nodes: NodeFacts[] = parseAll(node, k.nodes).map((n) => ({
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
    bgpConfigurations: parseAll(bgpConfiguration, k.bgpconfigurations),
    bgpPeers: parseAll(bgpPeer, k.bgppeers),
    endpointSlices: parseAll(endpointSlice, k.endpointslices),
    pods: parseAll(pod, k.pods),
    ippools: parseAll(ippool, k.ippools),
    ciliumClusterConfigs: parseAll(ciliumClusterConfig, k.ciliumbgpclusterconfigs),
    ciliumAdvertisements: parseAll(ciliumAdvertisement, k.ciliumbgpadvertisements),
    daemonSets: parseAll(daemonSet, k.daemonsets),
    anchorIps: anchorIps(bundle),
    maxEcmpPolicies: maxEcmpPolicies(bundle),
    vrfPolicyNames: vrfPolicyNames(bundle),
  };
}

export type EcmpInputs = ReturnType<typeof readEcmpInputs>;
