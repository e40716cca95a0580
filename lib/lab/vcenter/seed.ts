import type { Scenario } from '../model';
import type { VcenterSeed } from './inventory';

/**
 * The lab vCenter's inventory for a scenario: its ESXi hosts as one compute cluster, a datastore, the node
 * template, a folder for the cluster's VMs and a distributed port group on the L3Out VLAN (the floating SVI's
 * encapsulation, as the previous tool required). A scenario without ESXi hosts has no vCenter.
 */
export const LAB_VCENTER = {
  datacenter: 'DC1',
  cluster: 'Compute1',
  datastore: 'vsanDatastore',
  folder: 'k8s',
  templateFolder: 'templates',
  template: 'ubuntu-2404-kube',
  switchName: 'aci-vds',
  user: 'administrator@vsphere.local',
} as const;

export const labPortGroupName = (vlan: number): string => `k8s-l3out-vlan-${vlan}`;

/** A vSphere node's `placement.template` for the lab's template. */
export const LAB_TEMPLATE_PATH = `${LAB_VCENTER.templateFolder}/${LAB_VCENTER.template}`;

/** Where the lab directory says the vCenter is (lab.json's vcenter* fields). */
export interface LabVcenterFiles {
  vcenterUrl: string;
  vcenterUser: string;
  vcenterPasswordFile: string;
  vcenterCaFile: string;
}

/** The spec's `cluster.vsphere` block for the lab's vCenter (for provision-spec.yaml). */
export function labVsphereSpec(files: LabVcenterFiles, l3outVlan: number) {
  return {
    url: files.vcenterUrl,
    username: files.vcenterUser,
    credentials: `file:${files.vcenterPasswordFile}`,
    datacenter: LAB_VCENTER.datacenter,
    computeCluster: LAB_VCENTER.cluster,
    datastore: LAB_VCENTER.datastore,
    folder: LAB_VCENTER.folder,
    portGroup: labPortGroupName(l3outVlan),
    tls: { caFile: files.vcenterCaFile },
  };
}

export function vcenterSeedFor(scenario: Scenario): VcenterSeed | undefined {
  const hosts = scenario.hosts.filter((h) => h.kind === 'esxi').map((h) => h.name);
  if (hosts.length === 0) return undefined;
  return {
    datacenter: LAB_VCENTER.datacenter,
    cluster: LAB_VCENTER.cluster,
    hosts,
    datastores: [LAB_VCENTER.datastore],
    folder: LAB_VCENTER.folder,
    templateFolder: LAB_VCENTER.templateFolder,
    template: { name: LAB_VCENTER.template, cpus: 2, memoryMiB: 4096, diskGiB: 40, guestId: 'ubuntu64Guest' },
    switchName: LAB_VCENTER.switchName,
    portGroup: { name: labPortGroupName(scenario.l3out.vlan), vlan: scenario.l3out.vlan },
  };
}
