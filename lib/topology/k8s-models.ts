import { z } from 'zod';
import { normaliseIp } from '../aci/models/attributes';

/**
 * Typed views of the Kubernetes objects the correlator reads. Lenient on what it ignores, strict on
 * what it uses: an IP must be an IP. Parsed once per object; values are normalised (IPv6 forms).
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
  status: z
    .object({
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

export const podSchema = z.object({
  metadata: objectMeta,
  spec: z.object({ nodeName: z.string().optional(), hostNetwork: z.boolean().optional() }).optional(),
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
        targetRef: z.object({ kind: z.string().optional(), name: z.string(), namespace: z.string().optional() }).optional(),
      }),
    )
    .nullish(),
});
export type K8sEndpointSlice = z.output<typeof endpointSliceSchema>;

const asNumber = z.union([z.number().int().min(0).max(4294967295), z.string()]);

export const bgpConfigurationSchema = z.object({ metadata: objectMeta, spec: z.object({ asNumber: asNumber.optional() }).optional() });

const container = z.object({ name: z.string().optional(), args: z.array(z.string()).optional(), command: z.array(z.string()).optional() });
export const daemonSetSchema = z.object({
  metadata: objectMeta,
  spec: z
    .object({ template: z.object({ spec: z.object({ containers: z.array(container).optional() }).optional() }).optional() })
    .optional(),
});

export const ciliumBgpClusterConfigSchema = z.object({
  metadata: objectMeta,
  spec: z.object({ bgpInstances: z.array(z.object({ name: z.string().optional(), localASN: asNumber.optional() })).optional() }).optional(),
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

/** The k8s bundle keys the correlator reads, with their schemas. */
export const K8S_SCHEMAS = {
  nodes: nodeSchema,
  pods: podSchema,
  services: serviceSchema,
  endpointslices: endpointSliceSchema,
  bgpconfigurations: bgpConfigurationSchema,
  daemonsets: daemonSetSchema,
  ciliumbgpclusterconfigs: ciliumBgpClusterConfigSchema,
  nodefabricnetworkattachments: nfnaSchema,
} as const;
