import { z } from 'zod';
import { normaliseIp } from '../aci/models/attributes';

/**
 * Typed views of the Kubernetes objects akb reads: the one set of schemas for the correlator, the ECMP/BGP
 * analysis, the ASN detector and bundle validation. Lenient on what it ignores, strict on what it uses: an IP
 * must be an IP. Parsed once per object; values are normalised (IPv6 forms).
 */

const ip = z.string().transform((s, ctx) => {
  const n = normaliseIp(s);
  if (n === null) {
    ctx.addIssue({ code: 'custom', message: `expected an IP address, got ${JSON.stringify(s.slice(0, 64))}` });
    return z.NEVER;
  }
  return n;
});
/** An IP, or the empty/`None` value Kubernetes uses for "no IP" (→ null). */
const ipOrNone = z.string().transform((s, ctx) => {
  if (s === '' || s === 'None') return null;
  const n = normaliseIp(s);
  if (n === null) {
    ctx.addIssue({ code: 'custom', message: `expected an IP address or "None", got ${JSON.stringify(s.slice(0, 64))}` });
    return z.NEVER;
  }
  return n;
});
const stringMap = z.record(z.string(), z.string());

export const objectMeta = z.object({
  name: z.string().min(1, 'expected a non-empty name'),
  namespace: z.string().optional(),
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
});

export const nodeSchema = z.object({
  metadata: objectMeta,
  spec: z.object({ podCIDR: z.string().optional(), podCIDRs: z.array(z.string()).optional() }).optional(),
  status: z
    .object({
      conditions: z.array(z.object({ type: z.string(), status: z.string() })).optional(),
      addresses: z
        .array(z.object({ type: z.string(), address: z.string() }))
        .optional()
        .superRefine((addrs, ctx) => {
          addrs?.forEach((a, i) => {
            if ((a.type === 'InternalIP' || a.type === 'ExternalIP') && normaliseIp(a.address) === null) {
              ctx.addIssue({
                code: 'custom',
                path: [i, 'address'],
                message: `expected an IP address for ${a.type}, got ${JSON.stringify(a.address.slice(0, 64))}`,
              });
            }
          });
        }),
    })
    .optional(),
});
export type K8sNode = z.output<typeof nodeSchema>;

const container = z.object({ name: z.string().optional(), args: z.array(z.string()).optional(), command: z.array(z.string()).optional() });
export const podSchema = z.object({
  metadata: objectMeta,
  spec: z
    .object({ nodeName: z.string().optional(), hostNetwork: z.boolean().optional(), containers: z.array(container).optional() })
    .optional(),
  status: z
    .object({
      podIP: ip.optional(),
      podIPs: z.array(z.object({ ip })).optional(),
      hostIP: ip.optional(),
      hostIPs: z.array(z.object({ ip })).optional(),
      phase: z.string().optional(),
    })
    .optional(),
});
export type K8sPod = z.output<typeof podSchema>;

export const serviceSchema = z.object({
  metadata: objectMeta,
  spec: z
    .object({
      type: z.string().optional(),
      clusterIP: ipOrNone.optional(),
      clusterIPs: z.array(ipOrNone).optional(),
      externalIPs: z.array(ip).optional(),
      loadBalancerIP: ipOrNone.optional(),
      externalTrafficPolicy: z.string().optional(),
    })
    .optional(),
  status: z
    .object({
      loadBalancer: z.object({ ingress: z.array(z.object({ ip: ip.optional(), hostname: z.string().optional() })).optional() }).optional(),
    })
    .optional(),
});
export type K8sService = z.output<typeof serviceSchema>;

export const endpointSliceSchema = z.object({
  metadata: objectMeta,
  endpoints: z
    .array(
      z.object({
        addresses: z.array(z.string()).optional(),
        nodeName: z.string().optional(),
        conditions: z.object({ ready: z.boolean().nullish() }).optional(),
        targetRef: z.object({ kind: z.string().optional(), name: z.string(), namespace: z.string().optional() }).optional(),
      }),
    )
    .nullish(),
});
export type K8sEndpointSlice = z.output<typeof endpointSliceSchema>;

const asNumber = z.union([z.number().int().min(0).max(4294967295), z.string()]);

const cidrList = z.array(z.object({ cidr: z.string() })).optional();

/** Calico's BGPConfiguration: the cluster AS and the service ranges it advertises. */
export const bgpConfigurationSchema = z.object({
  metadata: objectMeta,
  spec: z
    .object({ asNumber: asNumber.optional(), serviceClusterIPs: cidrList, serviceExternalIPs: cidrList, serviceLoadBalancerIPs: cidrList })
    .optional(),
});

export const bgpPeerSchema = z.object({
  metadata: objectMeta,
  spec: z
    .object({
      node: z.string().optional(),
      nodeSelector: z.string().optional(),
      peerIP: z.string().optional(),
      peerSelector: z.string().optional(),
    })
    .optional(),
});

export const ipPoolSchema = z.object({ metadata: objectMeta, spec: z.object({ cidr: z.string().optional() }).optional() });

const labelSelector = z.object({
  matchLabels: stringMap.optional(),
  matchExpressions: z.array(z.object({ key: z.string(), operator: z.string(), values: z.array(z.string()).optional() })).optional(),
});
export type LabelSelector = z.output<typeof labelSelector>;

export const daemonSetSchema = z.object({
  metadata: objectMeta,
  spec: z
    .object({ template: z.object({ spec: z.object({ containers: z.array(container).optional() }).optional() }).optional() })
    .optional(),
});

export const ciliumBgpClusterConfigSchema = z.object({
  metadata: objectMeta,
  spec: z
    .object({
      nodeSelector: labelSelector.optional(),
      bgpInstances: z
        .array(
          z.object({
            name: z.string().optional(),
            localASN: asNumber.optional(),
            peers: z.array(z.object({ peerAddress: z.string().optional() })).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

export const ciliumBgpAdvertisementSchema = z.object({
  metadata: objectMeta,
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

export const nfnaSchema = z.object({
  metadata: objectMeta,
  spec: z
    .object({
      nodeName: z.string().optional(),
      primaryCni: z.string().optional(),
      networkRef: z.object({ name: z.string(), namespace: z.string().optional() }).optional(),
      encapVlan: z.object({ vlanList: z.string().optional(), mode: z.string().optional() }).optional(),
      aciTopology: z
        .record(
          z.string(),
          z.object({
            fabricLink: z.array(z.string()).optional(),
            pods: z
              .array(
                z.object({ localIface: z.string().optional(), podRef: z.object({ name: z.string(), namespace: z.string().optional() }) }),
              )
              .optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});
export type K8sNfna = z.output<typeof nfnaSchema>;

/** The k8s bundle keys akb reads, with their schemas. */
export const K8S_SCHEMAS = {
  nodes: nodeSchema,
  pods: podSchema,
  services: serviceSchema,
  endpointslices: endpointSliceSchema,
  bgpconfigurations: bgpConfigurationSchema,
  daemonsets: daemonSetSchema,
  ciliumbgpclusterconfigs: ciliumBgpClusterConfigSchema,
  ciliumbgpadvertisements: ciliumBgpAdvertisementSchema,
  bgppeers: bgpPeerSchema,
  ippools: ipPoolSchema,
  nodefabricnetworkattachments: nfnaSchema,
} as const;
