import type { LabWorld } from './model';
import { LAB_SSH_USER } from './ssh/user';
import { LAB_TEMPLATE_PATH, labVsphereSpec, type LabVcenterFiles } from './vcenter/seed';

/** Where the lab keeps what a spec references: its own files, next to lab.json. */
export interface LabSpecFiles {
  apicUrls: string[];
  apicUser: string;
  apicPasswordFile: string;
  apicCaFile?: string;
  kubeconfigFile: string;
  bgpPasswordFile?: string;
  /** The vCenter twin (scenarios with ESXi hosts). */
  vcenter?: LabVcenterFiles;
  /** The key the SSH host twins accept and their known_hosts file. */
  sshKeyFile?: string;
  sshKnownHostsFile?: string;
  /** The node network's gateway (SOCKS5). */
  nodeProxyUrl?: string;
}

/**
 * The document written (the lab does not depend on the provisioner: its tests validate the document with the
 * provisioner's own validator, `tests/unit/lab-provision-spec.test.ts`).
 */
export type ProvisionSpecDocument = { mode: 'aci-only' | 'full'; fabric: Record<string, unknown>; cluster: Record<string, unknown> };

/**
 * The `akb plan` spec of a lab's fabric and cluster (`<lab-dir>/provision-spec.yaml`): what a user would write to
 * provision this lab, so `akb plan` (and `akb apply`) run against it with no editing. The cluster already exists in
 * every lab, so the mode is `aci-only`: the plan is the L3Out (the scenario's `l3out`, deployed or not) and the CNI
 * manifests for the existing nodes (`placement: existing`). Secrets are `file:` references to the lab's own files,
 * and the APIC is trusted through the lab's CA.
 */
export function provisionSpec(w: LabWorld, files: LabSpecFiles): ProvisionSpecDocument {
  const s = w.scenario;
  const l3 = s.l3out;
  const c = s.cluster;
  return {
    mode: c.built ? 'aci-only' : 'full',
    fabric: {
      apic: {
        urls: files.apicUrls,
        username: files.apicUser,
        credentials: `file:${files.apicPasswordFile}`,
        ...(files.apicCaFile ? { caFile: files.apicCaFile } : {}),
      },
      asn: l3.fabricAs,
      tenant: s.tenant,
      vrf: { name: s.vrf },
      contract: { name: s.contract },
      physicalDomain: l3.physDomain,
      l3out: { name: l3.name },
      nodeSubnet: { ipv4: l3.nodeSubnet },
      vlan: l3.vlan,
      mtu: l3.mtu,
      ...(files.bgpPasswordFile ? { bgpPassword: `file:${files.bgpPasswordFile}` } : {}),
      maxEcmpPaths: l3.maxPaths,
      anchorLeaves: l3.anchors.map((a) => ({
        podId: s.fabric.pod,
        rackId: String(a.rack),
        nodeId: a.leaf,
        routerId: a.routerId,
        ipv4: a.ip,
      })),
    },
    cluster: {
      name: c.name,
      kubernetesVersion: c.version.replace(/^v/, ''),
      cni: c.cni.kind,
      asn: c.cni.as,
      ...(c.built ? { kubeconfig: `file:${files.kubeconfigFile}` } : {}),
      podSubnet: { ipv4: c.podSubnet },
      serviceSubnet: { ipv4: c.serviceSubnet },
      externalServiceSubnet: { ipv4: c.externalSubnet },
      podBlockSize: { ipv4: c.podBlockPrefix },
      ...(c.built ? existingCluster(w) : plannedCluster(w, files)),
    },
  };
}

function existingCluster(w: LabWorld): Record<string, unknown> {
  return {
    nodes: w.nodes.map((n) => ({
      name: n.name,
      role: n.role,
      rack: String(n.rack),
      ipv4: n.ip,
      placement: { type: 'existing' as const },
    })),
    // akb itself is part of what apply installs (kubernetes/20-akb.yaml); the lab's controllers run its Deployment.
    visualiser: { enabled: true },
  };
}

/**
 * The cluster to build (greenfield): nodes on ESXi hosts as clones of the lab template, nodes on bare-metal hosts
 * over SSH at the host's address with the lab's key, host keys pinned by the lab's known_hosts file, and the node
 * network reached through the lab's gateway. Add-ons come from upstream charts, which the lab cannot reach.
 */
function plannedCluster(w: LabWorld, files: LabSpecFiles): Record<string, unknown> {
  const s = w.scenario;
  const kind = new Map(s.hosts.map((h) => [h.name, h]));
  const vsphere = s.cluster.nodes.some((n) => kind.get(n.host)?.kind === 'esxi');
  if (vsphere && !files.vcenter) throw new Error('provision spec: nodes on ESXi hosts need the lab vCenter');
  return {
    ...(files.sshKeyFile || files.sshKnownHostsFile
      ? {
          ssh: {
            ...(files.sshKeyFile ? { privateKey: `file:${files.sshKeyFile}` } : {}),
            ...(files.sshKnownHostsFile ? { knownHosts: files.sshKnownHostsFile } : {}),
          },
        }
      : {}),
    ...(files.nodeProxyUrl ? { proxyUrl: files.nodeProxyUrl } : {}),
    ...(vsphere && files.vcenter ? { vsphere: labVsphereSpec(files.vcenter, s.l3out.vlan) } : {}),
    nodes: s.cluster.nodes.map((n) => {
      const host = kind.get(n.host);
      return {
        name: n.name,
        role: n.role,
        rack: String(n.rack),
        ipv4: n.ip,
        placement:
          host?.kind === 'baremetal'
            ? { type: 'bare-metal' as const, sshHost: host.address ?? n.ip, sshUser: LAB_SSH_USER }
            : { type: 'vsphere' as const, template: LAB_TEMPLATE_PATH },
      };
    }),
    addons: { ingressNginx: false, metricsServer: false },
  };
}
