import { parseCidr, parseIp } from '../../net/ip';
import { z } from 'zod';

/**
 * The lab scenario: one description of a fabric and a cluster from which both simulated servers are derived.
 * Everything the servers show is computed from this plus the mutable runtime state in `LabWorld`.
 */

const ipv4 = z.string().refine((s) => parseIp(s)?.kind() === 'ipv4', { message: 'must be a dotted-quad IPv4 address' });
const cidr4 = z.string().refine((s) => parseCidr(s)?.family === 'ipv4', { message: 'must be an IPv4 CIDR like 10.0.0.0/16' });
const mac = z.string().regex(/^([0-9A-F]{2}:){5}[0-9A-F]{2}$/, 'must be an upper-case MAC like 00:50:56:AA:BB:CC');
const asn = z.number().int().min(1).max(4294967295);
const leafPort = z.string().regex(/^eth\d+\/\d+(\/\d+)?$/, 'must be a leaf port like eth1/12');
const dnsName = z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, 'must be a lower-case DNS name');
const labels = z.record(z.string(), z.string());

export const switchSchema = z.object({
  id: z.number().int().min(101).max(4000),
  name: dnsName,
  model: z.string().optional(),
  rack: z.number().int().min(1).optional(),
});

/** A cable bundle from a host or blade switch to the fabric. `ports[i]` is on `leaves[i]`. */
export const linkSchema = z.object({
  kind: z.enum(['single', 'pc', 'vpc']),
  leaves: z.array(z.number().int()).min(1).max(2),
  /** Leaf-side ports, one per member; for a PC several members may be on the one leaf. */
  ports: z.array(leafPort).min(1),
  /** Host-side NIC names, one per port (vmnic0, ens192, Ethernet1/49 ...). */
  nics: z.array(z.string()).min(1),
  /** The interface policy group: the path endpoint name of a PC/vPC. */
  policyGroup: z.string().optional(),
});

export const hostKinds = ['esxi', 'ahv', 'baremetal', 'ucs-fi', 'blade-switch'] as const;
export type HostKind = (typeof hostKinds)[number];

/**
 * Anything cabled to a leaf: a hypervisor, a bare-metal server, or a blade system's switch
 * (UCS fabric interconnect, blade I/O module) that hypervisors sit behind (`behind`).
 */
export const hostSchema = z.object({
  name: dnsName,
  kind: z.enum(hostKinds),
  links: z.array(linkSchema).default([]),
  /** For hypervisors in a blade chassis: the name of the ucs-fi/blade-switch host whose uplinks they share. */
  behind: z.string().optional(),
  serial: z.string().optional(),
  /**
   * A bare-metal host's address on the node subnet, where akb reaches it over SSH (through the lab's gateway).
   * A host with an address and no node of the cluster on it is a machine ready to be provisioned: the lab runs
   * an SSH host twin for it.
   */
  address: ipv4.optional(),
});

export const anchorSchema = z.object({
  leaf: z.number().int(),
  rack: z.number().int().min(1),
  /** The anchor's primary SVI address: the BGP neighbour address the nodes use. */
  ip: ipv4,
  routerId: ipv4,
});

export const l3outSchema = z.object({
  /**
   * False: the floating L3Out is only planned (the lab writes it into provision-spec.yaml) and nothing of it is on
   * the APIC; the fabric side below it (tenant, VRF, contract, physical domain and VLAN pool, fabric AS) is.
   */
  deployed: z.boolean().default(true),
  name: z.string().min(1),
  vlan: z.number().int().min(1).max(4094),
  physDomain: z.string().min(1),
  nodeSubnet: cidr4,
  fabricAs: asn,
  /** The AS the fabric expects the nodes to be in (bgpAsP under the peer profile). */
  peerAs: asn,
  password: z.string().optional(),
  /** ECMP paths a leaf installs per prefix (bgpCtxAfPol maxEcmp); ACI's default is 16. */
  maxPaths: z.number().int().min(1).max(64).default(16),
  mtu: z.number().int().default(9000),
  anchors: z.array(anchorSchema).min(1),
});

export const nodeSchema = z.object({
  name: dnsName,
  role: z.enum(['master', 'worker']),
  rack: z.number().int().min(1),
  ip: ipv4.optional(),
  /** The VLAN of the node's interface; default the L3Out's. */
  vlan: z.number().int().min(1).max(4094).optional(),
  mac: mac.optional(),
  /** The hosts entry the node runs on: a hypervisor for a VM, or the `baremetal` server itself. */
  host: z.string(),
});

export const workloadSchema = z.object({
  name: dnsName,
  namespace: dnsName,
  kind: z.enum(['Deployment', 'DaemonSet']),
  replicas: z.number().int().min(0).default(1),
  labels: labels.default({}),
  /** For DaemonSets: only nodes with this role (default: all). */
  nodeRole: z.enum(['master', 'worker']).optional(),
  /** Secondary networks (NodeFabricNetworkAttachment names) the pods attach to. */
  networks: z.array(z.string()).default([]),
});

export const serviceSchema = z.object({
  name: dnsName,
  namespace: dnsName,
  type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']),
  selector: labels.default({}),
  port: z.number().int().min(1).max(65535).default(80),
  externalIPs: z.array(ipv4).default([]),
  loadBalancerIP: ipv4.optional(),
  externalTrafficPolicy: z.enum(['Cluster', 'Local']).default('Cluster'),
  externalName: z.string().optional(),
  headless: z.boolean().default(false),
});

export const peerSchema = z.object({
  rack: z.number().int().min(1),
  ip: ipv4,
  as: asn,
  password: z.string().optional(),
});

export const cniSchema = z.object({
  kind: z.enum(['calico', 'kube-router', 'cilium']),
  /**
   * How Calico was installed: `manifest` (calico-node in kube-system, crd.projectcalico.org/v1 objects) or
   * `operator` (tigera-operator: calico-system, Installation/APIServer, projectcalico.org/v3 served too).
   */
  install: z.enum(['manifest', 'operator']).default('manifest'),
  as: asn,
  /** The node side of the peering; empty: no BGP peer configured (and for Calico no BGPConfiguration). */
  peers: z.array(peerSchema).default([]),
  advertise: z
    .object({ clusterIPs: z.boolean().default(true), externalIPs: z.boolean().default(true), loadBalancerIPs: z.boolean().default(true) })
    .default({ clusterIPs: true, externalIPs: true, loadBalancerIPs: true }),
});

export const secondaryNetworkSchema = z.object({
  name: dnsName,
  kind: z.enum(['sriov', 'macvlan', 'bridge']),
  vlan: z.number().int().min(1).max(4094),
  subnet: cidr4,
  /** Host interface the network rides on (e.g. ens224 / PF name / bridge name). */
  hostInterface: z.string(),
});

export const clusterSchema = z.object({
  /**
   * False: the cluster is only planned (the greenfield case): nothing of it runs, the lab's Kubernetes API holds no
   * node, and provision-spec.yaml is a `mode: full` spec that builds it on the scenario's hosts (vSphere VMs on the
   * ESXi hosts, the bare-metal hosts over SSH). Its nodes name the host each goes on and their planned addresses.
   */
  built: z.boolean().default(true),
  name: dnsName,
  version: z.string().default('v1.34.1'),
  podSubnet: cidr4,
  /** Prefix length of each node's pod block (its podCIDR). */
  podBlockPrefix: z.number().int().min(16).max(30).default(26),
  serviceSubnet: cidr4,
  externalSubnet: cidr4,
  loadBalancerSubnet: cidr4.optional(),
  namespaces: z.array(dnsName).default([]),
  nodes: z.array(nodeSchema).min(1),
  workloads: z.array(workloadSchema).default([]),
  services: z.array(serviceSchema).default([]),
  cni: cniSchema,
  secondaryNetworks: z.array(secondaryNetworkSchema).default([]),
});

export const scenarioSchema = z.object({
  name: dnsName,
  seed: z.number().int().default(1),
  description: z.string().default(''),
  fabric: z.object({
    name: z.string().default('fab1'),
    pod: z.number().int().min(1).default(1),
    tepPool: cidr4.default('10.0.0.0/16'),
    version: z.string().default('n9000-16.0(5h)'),
    controllers: z.array(switchSchema.extend({ id: z.number().int().min(1).max(100) })).min(1),
    spines: z.array(switchSchema).min(1),
    leaves: z.array(switchSchema).min(1),
    vpcPairs: z.array(z.tuple([z.number().int(), z.number().int()])).default([]),
  }),
  tenant: z.string().min(1),
  vrf: z.string().min(1),
  /** A contract in the tenant (the external EPG provides and consumes it). */
  contract: z.string().min(1).default('k8s'),
  l3out: l3outSchema,
  hosts: z.array(hostSchema).min(1),
  cluster: clusterSchema,
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type SwitchSpec = z.infer<typeof switchSchema>;
export type LinkSpec = z.infer<typeof linkSchema>;
export type HostSpec = z.infer<typeof hostSchema>;
export type AnchorSpec = z.infer<typeof anchorSchema>;
export type NodeSpec = z.infer<typeof nodeSchema>;
export type WorkloadSpec = z.infer<typeof workloadSchema>;
export type ServiceSpec = z.infer<typeof serviceSchema>;
export type PeerSpec = z.infer<typeof peerSchema>;
export type CniSpec = z.infer<typeof cniSchema>;
export type SecondaryNetworkSpec = z.infer<typeof secondaryNetworkSchema>;
