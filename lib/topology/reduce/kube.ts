/**
 * The fields of each Kubernetes resource akb keeps: what the correlator (`k8s-models.ts`) and the ECMP and BGP
 * analyses (`ecmp/inputs.ts`) read, and the identity the informers need (name, namespace, uid,
 * resourceVersion). Labels are kept whole: selectors (Calico, Cilium) match arbitrary keys and the UI shows
 * them. Annotations are kept by name only. Anything else (env, args, probes, volumes, status messages,
 * last-applied copies) is dropped. A resource without an entry keeps its identity alone.
 *
 * When the correlator starts reading a new field, add it here; the equivalence test over every shipped
 * scenario and fixture fails until you do.
 */
import { container, KUBE_ROUTER_FLAGS } from './command-line';
import { each, fields, isPlainObject, pick, record, scalar, stringMap, type Reducer } from './mask';

/** Annotations the correlator reads, per resource. */
export const KEPT_ANNOTATIONS: Readonly<Record<string, readonly string[]>> = {
  nodes: ['kube-router.io/node.asn', 'kube-router.io/peer.ips'],
  pods: ['k8s.v1.cni.cncf.io/network-status'],
};

function object(shape: Record<string, Reducer>, annotations: readonly string[] = []): Reducer {
  return fields({
    apiVersion: scalar,
    kind: scalar,
    metadata: fields({
      name: scalar,
      namespace: scalar,
      uid: scalar,
      resourceVersion: scalar,
      labels: stringMap,
      annotations: pick(annotations),
    }),
    ...shape,
  });
}

const labelSelector = fields({
  matchLabels: stringMap,
  matchExpressions: each(fields({ key: scalar, operator: scalar, values: scalar })),
});
const cidrs = each(fields({ cidr: scalar }));
const ipList = each(fields({ ip: scalar }));
const ref = fields({ kind: scalar, name: scalar, namespace: scalar });

/** A pod's spec: where it runs, and only the containers whose command line has a kube-router flag (AS detection). */
const podSpec: Reducer = (value) => {
  const base = fields({ nodeName: scalar, hostNetwork: scalar })(value);
  if (!isPlainObject(value) || !isPlainObject(base) || !Array.isArray(value.containers)) return base;
  const kept = value.containers.map(container(KUBE_ROUTER_FLAGS)).filter((c) => {
    const o = c as { command?: unknown; args?: unknown };
    return (Array.isArray(o.command) && o.command.length > 0) || (Array.isArray(o.args) && o.args.length > 0);
  });
  return kept.length ? { ...base, containers: kept } : base;
};

export const KUBE_REDUCERS: Readonly<Record<string, Reducer>> = {
  nodes: object(
    {
      spec: fields({ podCIDR: scalar, podCIDRs: scalar }),
      status: fields({
        addresses: each(fields({ type: scalar, address: scalar })),
        conditions: each(fields({ type: scalar, status: scalar })),
      }),
    },
    KEPT_ANNOTATIONS.nodes,
  ),
  pods: object(
    {
      spec: podSpec,
      status: fields({ podIP: scalar, podIPs: ipList, hostIP: scalar, hostIPs: ipList, phase: scalar }),
    },
    KEPT_ANNOTATIONS.pods,
  ),
  services: object({
    spec: fields({
      type: scalar,
      clusterIP: scalar,
      clusterIPs: scalar,
      externalIPs: scalar,
      loadBalancerIP: scalar,
      externalTrafficPolicy: scalar,
    }),
    status: fields({ loadBalancer: fields({ ingress: each(fields({ ip: scalar, hostname: scalar })) }) }),
  }),
  endpointslices: object({
    endpoints: each(fields({ addresses: scalar, nodeName: scalar, conditions: fields({ ready: scalar }), targetRef: ref })),
  }),
  daemonsets: object({
    spec: fields({ template: fields({ spec: fields({ containers: each(container(KUBE_ROUTER_FLAGS)) }) }) }),
  }),
  bgpconfigurations: object({
    spec: fields({ asNumber: scalar, serviceClusterIPs: cidrs, serviceExternalIPs: cidrs, serviceLoadBalancerIPs: cidrs }),
  }),
  // asNumber: the BGP session causes name a peer whose AS is not the fabric's (lib/topology/ecmp/session-causes.ts).
  bgppeers: object({ spec: fields({ node: scalar, nodeSelector: scalar, peerIP: scalar, peerSelector: scalar, asNumber: scalar }) }),
  ippools: object({ spec: fields({ cidr: scalar }) }),
  ciliumbgpclusterconfigs: object({
    spec: fields({
      nodeSelector: labelSelector,
      bgpInstances: each(fields({ name: scalar, localASN: scalar, peers: each(fields({ peerAddress: scalar })) })),
    }),
  }),
  ciliumbgpadvertisements: object({
    spec: fields({
      advertisements: each(fields({ advertisementType: scalar, service: fields({ addresses: scalar }), selector: labelSelector })),
    }),
  }),
  nodefabricnetworkattachments: object({
    spec: fields({
      nodeName: scalar,
      primaryCni: scalar,
      networkRef: fields({ name: scalar, namespace: scalar }),
      encapVlan: fields({ vlanList: scalar, mode: scalar }),
      aciTopology: record(
        fields({ fabricLink: scalar, pods: each(fields({ localIface: scalar, podRef: fields({ name: scalar, namespace: scalar }) })) }),
      ),
    }),
  }),
};

/** Resources nothing reads beyond their identity (ciliumbgppeerconfigs, virtualmachineinstances, Secrets, …). */
export const IDENTITY_ONLY: Reducer = object({});
