import type { VcenterSeed } from '../../lib/lab/vcenter';

/** A small vCenter inventory for twin tests that do not start a whole lab. */
export const LAB_VCENTER_SEED_EXAMPLE: VcenterSeed = {
  datacenter: 'DC1',
  cluster: 'Compute1',
  hosts: ['esxi-1', 'esxi-2'],
  datastores: ['vsanDatastore'],
  folder: 'akb',
  templateFolder: 'templates',
  template: { name: 'ubuntu-2404-kube', cpus: 2, memoryMiB: 2048, diskGiB: 20, guestId: 'ubuntu64Guest' },
  switchName: 'ACI-VDS',
  portGroup: { name: 'k8s-l3out-vlan-31', vlan: 31 },
};
