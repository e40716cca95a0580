import type { LabWorld } from './model';

/** Where the lab keeps what a spec references: its own files, next to lab.json. */
export interface LabSpecFiles {
  apicUrls: string[];
  apicUser: string;
  apicPasswordFile: string;
  apicCaFile?: string;
  kubeconfigFile: string;
  bgpPasswordFile?: string;
}

/**
 * The document written (the lab does not depend on the provisioner: its tests validate the document with the
 * provisioner's own validator, `tests/unit/lab-provision-spec.test.ts`).
 */
export type ProvisionSpecDocument = { mode: 'aci-only'; fabric: Record<string, unknown>; cluster: Record<string, unknown> };

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
    mode: 'aci-only',
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
      kubeconfig: `file:${files.kubeconfigFile}`,
      podSubnet: { ipv4: c.podSubnet },
      serviceSubnet: { ipv4: c.serviceSubnet },
      externalServiceSubnet: { ipv4: c.externalSubnet },
      podBlockSize: { ipv4: c.podBlockPrefix },
      nodes: w.nodes.map((n) => ({
        name: n.name,
        role: n.role,
        rack: String(n.rack),
        ipv4: n.ip,
        placement: { type: 'existing' as const },
      })),
      // akb itself is part of what apply installs (kubernetes/20-akb.yaml); the lab's controllers run its Deployment.
      visualiser: { enabled: true },
    },
  };
}
