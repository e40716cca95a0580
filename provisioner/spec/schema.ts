import { z } from 'zod';

/**
 * The provisioner's input: one typed spec (YAML or JSON). Every object is strict, so a misspelt field is
 * reported rather than silently ignored. Cross-field rules (subnets, duplicates, racks) live in validate.ts;
 * derived values (floating IP, VIP, service subnets) in defaults.ts. docs/spec.md documents each field.
 */

/** A pointer to a secret held outside akb's files: an environment variable or a file path. */
export const secretRef = z
  .string()
  .regex(/^(env:[A-Za-z_][A-Za-z0-9_]*|file:\S+)$/, 'must be a secret reference "env:NAME" or "file:/path", never the secret itself');

/** ACI object names: 1-64 of letters, digits, "_", ".", ":" and "-" (the APIC naming rule for policy names). */
const aciName = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 _ . : -');
/** RFC 1123 DNS label, which is what a Kubernetes node name and a Linux hostname must both satisfy. */
const dnsLabel = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a lowercase RFC 1123 label (a-z, 0-9, "-", at most 63)');
const cidrText = z.string().min(1);
const ipText = z.string().min(1);
const asn = z.number().int('must be an integer');

const dualCidr = z.strictObject({ ipv4: cidrText.optional(), ipv6: cidrText.optional() });
const dualIp = z.strictObject({ ipv4: ipText.optional(), ipv6: ipText.optional() });

export const anchorLeafSchema = z.strictObject({
  podId: z.number().int().min(1, 'must be ≥ 1').meta({ title: 'Pod', description: 'Fabric pod of the leaf.' }),
  rackId: z.string().min(1).meta({ title: 'Rack', description: 'The rack this leaf serves: nodes of the rack peer with it.' }),
  nodeId: z
    .number()
    .int()
    .min(101, 'must be a leaf node ID (≥ 101)')
    .max(4000, 'must be ≤ 4000')
    .meta({ title: 'Leaf', description: 'Leaf node ID (101-4000), unique.' }),
  routerId: ipText.meta({ title: 'Router ID', description: 'IPv4 router ID of the leaf in the VRF, unique.' }),
  /** The leaf's own address on the floating SVI (plain address, no prefix length). */
  ipv4: ipText.meta({
    title: 'Leaf address (IPv4)',
    description: "The leaf's primary address on the floating SVI: the nodes' BGP neighbour. Plain address, inside the node subnet.",
  }),
  ipv6: ipText.optional().meta({ title: 'Leaf address (IPv6)', description: 'Required when the cluster is dual stack.' }),
});

export const fabricSchema = z.strictObject({
  apic: z.strictObject({
    urls: z
      .array(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }))
      .min(1, 'must list at least one APIC URL')
      .meta({ title: 'APIC controllers', description: 'The APIC URLs (https://…), at least one; akb fails over between them.' }),
    username: z.string().min(1).meta({ title: 'APIC user', description: 'The APIC user akb acts as.' }),
    /** Password ("env:"/"file:") or, with certificateName, the private key file. */
    credentials: secretRef.meta({
      title: 'APIC credentials',
      description:
        'The password (or, with a certificate name, the private key) as a secret reference env:NAME or file:/path; in the wizard, the password you type is held in memory only.',
    }),
    certificateName: z.string().min(1).optional(),
    /** PEM file of the CA(s) to verify the APIC's certificate with (TLS is always verified; without it: the system's CAs). */
    caFile: z.string().min(1).optional().meta({
      title: 'APIC CA file',
      description:
        "PEM file (on the server) of the CA that signs the APIC's certificate. TLS is always verified: without it, against the system's CAs.",
    }),
  }),
  /** The fabric's BGP AS (uni/fabric/bgpInstP-default/as): what the nodes peer with. */
  asn: asn.meta({
    title: 'Fabric AS',
    description: "The fabric's BGP AS (uni/fabric/bgpInstP-default/as): what the nodes peer with. Read from the APIC.",
  }),
  tenant: aciName.meta({
    title: 'Tenant',
    description: 'Existing tenant of the L3Out; every object akb creates lives under uni/tn-<tenant>.',
  }),
  vrf: z.strictObject({
    tenant: aciName
      .optional()
      .meta({ title: 'VRF tenant', description: "The VRF's tenant: the L3Out tenant or common. Default: the L3Out tenant." }),
    name: aciName.meta({
      title: 'VRF',
      description: "Existing VRF (BD enforcement off); akb points its BGP address-family context at akb's ECMP policy.",
    }),
  }),
  contract: z.strictObject({
    tenant: aciName
      .optional()
      .meta({ title: 'Contract tenant', description: "The contract's tenant: the L3Out tenant or common. Default: the L3Out tenant." }),
    name: aciName.meta({ title: 'Contract', description: 'Existing contract the external EPG provides and consumes.' }),
  }),
  physicalDomain: aciName.meta({
    title: 'Physical domain',
    description: 'Domain of the floating SVI path; its VLAN pool must contain the VLAN.',
  }),
  /** Optional L3 domain attached to the L3Out (l3extRsL3DomAtt); the previous tool attached none. */
  l3Domain: aciName.optional().meta({ title: 'L3 domain', description: 'Optional L3 domain attached to the L3Out.' }),
  l3out: z
    .strictObject({
      name: aciName
        .default('K8s_L3OUT')
        .meta({ title: 'L3Out name', description: "Name of the L3Out; also the prefix of its policies' names." }),
      externalEpg: aciName.default('catch_all').meta({ title: 'External EPG', description: "Name of the L3Out's external EPG." }),
      scope: z
        .array(z.enum(['import-security', 'shared-rtctrl', 'shared-security']))
        .min(1)
        .default(['import-security', 'shared-rtctrl', 'shared-security']),
    })
    .prefault({}),
  nodeSubnet: z.strictObject({
    ipv4: cidrText.meta({
      title: 'Node subnet (IPv4)',
      description: "The nodes' subnet on the L3Out VLAN, network address only, at most /29.",
    }),
    ipv6: cidrText.optional().meta({ title: 'Node subnet (IPv6)', description: 'Setting it makes the cluster dual stack.' }),
  }),
  floatingIp: dualIp
    .optional()
    .meta({ title: 'Floating IP', description: 'Floating SVI address. Default: the last address of the node subnet − 1.' }),
  secondaryIp: dualIp.optional().meta({
    title: 'Secondary IP',
    description: "Secondary address on every floating SVI: the nodes' default gateway. Default: last address − 2.",
  }),
  vlan: z
    .number()
    .int('must be an integer')
    .meta({ title: 'VLAN', description: "Encapsulation of the floating SVI (1-4094), in the physical domain's VLAN pool." }),
  mtu: z.number().int('must be an integer').default(9000).meta({ title: 'MTU', description: 'SVI and node MTU, 576-9216.' }),
  bgpPassword: secretRef.optional().meta({
    title: 'BGP password',
    description: 'MD5 password on the ACI peers and in the CNI, as a secret reference env:NAME or file:/path.',
  }),
  maxEcmpPaths: z
    .number()
    .int()
    .min(1, 'must be 1-64')
    .max(64, 'must be 1-64 (ACI maximum)')
    .default(64)
    .meta({ title: 'ECMP paths', description: "maxEcmp of the VRF's BGP address-family context, 1-64." }),
  maxPrefixes: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(500)
    .meta({ title: 'Prefix limit', description: 'Prefixes accepted per BGP peer (beyond it the peer is rejected).' }),
  anchorLeaves: z
    .array(anchorLeafSchema)
    .min(1, 'must list at least one anchor leaf')
    .meta({ title: 'Anchor leaves', description: 'The leaves of the floating L3Out (1-6), per rack.' }),
});

const vsphereVm = z.strictObject({
  type: z.literal('vsphere'),
  template: z.string().min(1),
  cpus: z.number().int().min(2, 'kubeadm needs at least 2 CPUs').default(2),
  memoryMiB: z.number().int().min(2048, 'kubeadm needs at least 2048 MiB').default(8192),
  diskGiB: z.number().int().min(20).default(40),
});
/** A machine that already runs as a node of an existing cluster (aci-only mode): akb creates and bootstraps nothing. */
const existingMachine = z.strictObject({ type: z.literal('existing') });
const bareMetal = z.strictObject({
  type: z.literal('bare-metal'),
  sshHost: z.string().min(1),
  sshUser: z.string().min(1).default('ubuntu'),
  sshPort: z.number().int().min(1).max(65535).default(22),
  /** The host's SSH key, pinned: its `SHA256:` fingerprint as `ssh-keygen -lf` prints it. */
  hostKey: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, 'must be an OpenSSH fingerprint "SHA256:<43 base64 characters>" (ssh-keygen -lf <host key>.pub)')
    .optional(),
});

export const nodeSchema = z.strictObject({
  name: dnsLabel.meta({ title: 'Name', description: 'Hostname and node name, unique.' }),
  role: z.enum(['master', 'worker']).meta({ title: 'Role', description: 'master or worker; the first node is a master.' }),
  rack: z.string().min(1).meta({ title: 'Rack', description: 'Must be the rack of at least one anchor leaf.' }),
  ipv4: ipText.meta({
    title: 'Address (IPv4)',
    description: 'Inside the node subnet; not the network, broadcast, floating, secondary or VIP address; unique.',
  }),
  ipv6: ipText.optional().meta({ title: 'Address (IPv6)', description: 'Required when the cluster is dual stack.' }),
  /** The node's interface on the L3Out VLAN. */
  interface: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,15}$/, 'must be a Linux interface name')
    .default('ens192'),
  placement: z.discriminatedUnion('type', [vsphereVm, bareMetal, existingMachine]),
});

export const clusterSchema = z.strictObject({
  name: dnsLabel.meta({ title: 'Cluster name', description: 'A DNS label; names the state directory and the ApplySet.' }),
  kubernetesVersion: z
    .string()
    .regex(/^1\.\d+\.\d+$/, 'must be a Kubernetes release "1.MINOR.PATCH"')
    .meta({ title: 'Kubernetes version', description: '1.MINOR.PATCH, at least 1.31.' }),
  cni: z.enum(['calico', 'kube-router', 'cilium']).meta({ title: 'CNI', description: 'The BGP-speaking CNI, no overlay.' }),
  /** The one AS of every node; defaults to fabric AS + 1 (− 1 at the top of the range), as before. */
  asn: asn.optional().meta({ title: 'Cluster AS', description: 'The one AS of every node; must differ from the fabric AS.' }),
  /** The existing cluster's kubeconfig (aci-only mode: where the CNI manifests are applied), as a secret reference. */
  kubeconfig: secretRef
    .optional()
    .meta({ title: 'Kubeconfig', description: "The existing cluster's kubeconfig (aci-only mode) as a secret reference file:/path." }),
  podSubnet: dualCidr.optional().meta({ title: 'Pod subnet', description: 'One block per node.' }),
  serviceSubnet: dualCidr.optional().meta({ title: 'Service subnet', description: 'At most 20 host bits.' }),
  externalServiceSubnet: dualCidr
    .optional()
    .meta({ title: 'External service subnet', description: 'Service external IPs advertised by BGP.' }),
  /** Per-node pod block (Calico blockSize, kube-controller-manager node-cidr-mask-size). */
  podBlockSize: z
    .strictObject({ ipv4: z.number().int().min(20).max(32).default(26), ipv6: z.number().int().min(116).max(128).default(122) })
    .prefault({}),
  controlPlane: z
    .strictObject({
      vip: ipText
        .optional()
        .meta({ title: 'Control-plane VIP', description: 'keepalived VIP in front of the API servers (three masters).' }),
      port: z.number().int().min(1).max(65535).default(8443),
      keepalivedRouterId: z.number().int().min(1).max(255).default(51),
    })
    .prefault({}),
  dns: z
    .strictObject({
      servers: z.array(ipText).min(1).default(['8.8.8.8']).meta({ title: 'DNS servers', description: 'Node resolvers, comma-separated.' }),
      domain: z.string().optional().meta({ title: 'DNS domain', description: 'Search domain.' }),
    })
    .prefault({}),
  ntpServers: z.array(z.string().min(1)).default([]),
  sshAuthorizedKeys: z.array(z.string().min(1)).default([]),
  /** How akb logs in to bare-metal hosts. */
  ssh: z
    .strictObject({
      /** Private key (secret reference); without one akb uses the ssh-agent at $SSH_AUTH_SOCK. */
      privateKey: secretRef.optional(),
      /** A known_hosts file with the hosts' keys, for hosts without placement.hostKey. */
      knownHosts: z.string().min(1).optional(),
    })
    .prefault({}),
  /**
   * How akb reaches the node subnet when it is not routable from where akb runs: a SOCKS5 or HTTP CONNECT proxy
   * (a jump host's `ssh -D`). Used for SSH to the hosts and written as `proxy-url` into the new cluster's kubeconfig.
   */
  proxyUrl: z
    .string()
    .regex(/^(socks5h?|socks4a?|http):\/\/[^/\s]+\/?$/, 'must be a proxy URL socks5://host:port, socks4://host:port or http://host:port')
    .optional(),
  vsphere: z
    .strictObject({
      url: z.url(),
      username: z.string().min(1),
      credentials: secretRef,
      datacenter: z.string().min(1),
      computeCluster: z.string().min(1),
      datastore: z.string().min(1),
      folder: z.string().min(1),
      portGroup: z.string().min(1),
      /** How vCenter's certificate is verified: the system trust store unless a CA file or a pinned thumbprint is given. */
      tls: z
        .strictObject({
          caFile: z.string().min(1).optional(),
          thumbprint: z
            .string()
            .regex(
              /^([0-9A-Fa-f]{2}:?){19}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$/,
              'must be a SHA-1 or SHA-256 certificate thumbprint in hex',
            )
            .optional(),
        })
        .refine((t) => !(t.caFile && t.thumbprint), 'give either caFile or thumbprint, not both')
        .optional(),
    })
    .optional(),
  nodes: z.array(nodeSchema).default([]),
  addons: z
    .strictObject({
      ingressNginx: z.boolean().default(true).meta({ title: 'ingress-nginx', description: 'Install the ingress-nginx controller.' }),
      metricsServer: z.boolean().default(true).meta({ title: 'metrics-server', description: 'Install metrics-server.' }),
    })
    .prefault({}),
  visualiser: z
    .strictObject({
      enabled: z
        .boolean()
        .default(true)
        .meta({ title: 'Install akb', description: 'Install akb (this visualiser) in the cluster from deploy/.' }),
      ingressHost: z
        .string()
        .min(1)
        .optional()
        .meta({ title: 'Ingress host', description: 'Adds an Ingress for this host (TLS from Secret akb-tls).' }),
      image: z.string().min(1).default('ghcr.io/akb/akb:0.1.0').meta({ title: 'Image', description: "akb's image (tag or digest)." }),
    })
    .prefault({}),
});

export const specSchema = z.strictObject({
  /** "full" builds the cluster; "aci-only" stops at the ACI objects and the manifests to apply by hand. */
  mode: z
    .enum(['full', 'aci-only'])
    .default('full')
    .meta({ title: 'Mode', description: 'full builds the machines and the cluster; aci-only attaches an existing cluster to the fabric.' }),
  fabric: fabricSchema,
  cluster: clusterSchema,
});

/** A spec as written by the user. */
export type SpecInput = z.input<typeof specSchema>;
/** A spec after parsing, with schema defaults filled in (derived addresses are not yet resolved). */
export type Spec = z.output<typeof specSchema>;
export type AnchorLeaf = z.output<typeof anchorLeafSchema>;
export type ClusterNode = z.output<typeof nodeSchema>;
