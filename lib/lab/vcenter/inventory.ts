import { EventEmitter } from 'node:events';
import { v5 as uuidv5 } from 'uuid';
import type { MoRef } from '../../vsphere/envelope';

/**
 * The lab vCenter's inventory: one datacenter with its four root folders, a compute cluster of the lab's ESXi
 * hosts with its root resource pool, datastores, a distributed switch with a port group on the L3Out VLAN, a VM
 * folder holding the node template, and the VMs cloned from it. Names resolve by inventory path as vCenter's
 * SearchIndex does; every change is announced (`changed`) so property-collector waits wake up.
 */

export interface VcenterSeed {
  datacenter: string;
  cluster: string;
  hosts: string[];
  datastores: string[];
  /** VM folder (under the datacenter's VM folder) for the cluster's VMs. */
  folder: string;
  /** VM folder holding the template. */
  templateFolder: string;
  template: { name: string; cpus: number; memoryMiB: number; diskGiB: number; guestId: string };
  switchName: string;
  portGroup: { name: string; vlan: number };
}

export type TwinNic = {
  key: number;
  mac: string;
  backing: { switchUuid: string; portgroupKey: string } | { network: MoRef; name: string };
};

export interface TwinVm {
  ref: MoRef;
  name: string;
  parent: MoRef;
  pool?: MoRef;
  host: MoRef;
  datastore: MoRef;
  template: boolean;
  uuid: string;
  instanceUuid: string;
  guestId: string;
  cpus: number;
  memoryMiB: number;
  annotation: string;
  /** In insertion order; setting a key to "" removes it, as vCenter does. */
  extraConfig: Map<string, string>;
  nics: TwinNic[];
  diskKiB: number;
  powerState: 'poweredOn' | 'poweredOff' | 'suspended';
  guest: { ipAddress?: string; hostName?: string; toolsRunning: boolean };
  bootTime?: Date;
  modified: Date;
}

export type TwinEntity =
  | { kind: 'Folder'; ref: MoRef; name: string; parent?: MoRef; children: MoRef[]; childType: string[] }
  | {
      kind: 'Datacenter';
      ref: MoRef;
      name: string;
      parent: MoRef;
      vmFolder: MoRef;
      hostFolder: MoRef;
      datastoreFolder: MoRef;
      networkFolder: MoRef;
    }
  | {
      kind: 'ClusterComputeResource';
      ref: MoRef;
      name: string;
      parent: MoRef;
      hosts: MoRef[];
      resourcePool: MoRef;
      datastores: MoRef[];
      networks: MoRef[];
    }
  | { kind: 'ResourcePool'; ref: MoRef; name: string; parent: MoRef; owner: MoRef }
  | { kind: 'HostSystem'; ref: MoRef; name: string; parent: MoRef; uuid: string }
  | { kind: 'Datastore'; ref: MoRef; name: string; parent: MoRef; capacityKiB: number }
  | { kind: 'VmwareDistributedVirtualSwitch'; ref: MoRef; name: string; parent: MoRef; uuid: string; portgroups: MoRef[] }
  | { kind: 'DistributedVirtualPortgroup'; ref: MoRef; name: string; parent: MoRef; key: string; dvs: MoRef; vlan: number }
  | ({ kind: 'VirtualMachine' } & TwinVm);

const NS = '5d7b6f3c-8f0e-4b6a-9d6e-2c1a9e4f7b10';

export class VcenterInventory extends EventEmitter {
  readonly entities = new Map<string, TwinEntity>();
  readonly rootFolder: MoRef = { type: 'Folder', value: 'group-d1' };
  readonly instanceUuid: string;
  private next = 10;

  constructor(readonly seed: VcenterSeed) {
    super();
    this.setMaxListeners(0);
    this.instanceUuid = uuidv5(`vcenter/${seed.datacenter}`, NS);
    this.add({ kind: 'Folder', ref: this.rootFolder, name: 'Datacenters', children: [], childType: ['Folder', 'Datacenter'] });
    const dcRef = this.newRef('Datacenter', 'datacenter');
    const f = (name: string, value: string, childType: string[]): MoRef => {
      const ref = { type: 'Folder', value };
      this.add({ kind: 'Folder', ref, name, parent: dcRef, children: [], childType });
      return ref;
    };
    const vmFolder = f('vm', 'group-v3', ['Folder', 'VirtualMachine', 'VirtualApp']);
    const hostFolder = f('host', 'group-h4', ['Folder', 'ComputeResource']);
    const datastoreFolder = f('datastore', 'group-s5', ['Folder', 'Datastore', 'StoragePod']);
    const networkFolder = f('network', 'group-n6', ['Folder', 'Network', 'DistributedVirtualSwitch']);
    this.add({
      kind: 'Datacenter',
      ref: dcRef,
      name: seed.datacenter,
      parent: this.rootFolder,
      vmFolder,
      hostFolder,
      datastoreFolder,
      networkFolder,
    });
    this.link(this.rootFolder, dcRef);

    const clusterRef = this.newRef('ClusterComputeResource', 'domain-c');
    const poolRef = this.newRef('ResourcePool', 'resgroup-');
    const hosts = seed.hosts.map((name) => {
      const ref = this.newRef('HostSystem', 'host-');
      this.add({ kind: 'HostSystem', ref, name, parent: clusterRef, uuid: uuidv5(`host/${name}`, NS) });
      return ref;
    });
    const datastores = seed.datastores.map((name) => {
      const ref = this.newRef('Datastore', 'datastore-');
      this.add({ kind: 'Datastore', ref, name, parent: datastoreFolder, capacityKiB: 4 * 1024 ** 3 });
      this.link(datastoreFolder, ref);
      return ref;
    });
    const dvsRef = this.newRef('VmwareDistributedVirtualSwitch', 'dvs-');
    const pgRef = this.newRef('DistributedVirtualPortgroup', 'dvportgroup-');
    this.add({
      kind: 'VmwareDistributedVirtualSwitch',
      ref: dvsRef,
      name: seed.switchName,
      parent: networkFolder,
      uuid: uuidv5(`dvs/${seed.switchName}`, NS),
      portgroups: [pgRef],
    });
    this.add({
      kind: 'DistributedVirtualPortgroup',
      ref: pgRef,
      name: seed.portGroup.name,
      parent: networkFolder,
      key: pgRef.value,
      dvs: dvsRef,
      vlan: seed.portGroup.vlan,
    });
    this.link(networkFolder, dvsRef);
    this.link(networkFolder, pgRef);
    this.add({
      kind: 'ClusterComputeResource',
      ref: clusterRef,
      name: seed.cluster,
      parent: hostFolder,
      hosts,
      resourcePool: poolRef,
      datastores,
      networks: [pgRef],
    });
    this.add({ kind: 'ResourcePool', ref: poolRef, name: 'Resources', parent: clusterRef, owner: clusterRef });
    this.link(hostFolder, clusterRef);

    const vmSubfolder = (name: string): MoRef => {
      const ref = this.newRef('Folder', 'group-v');
      this.add({ kind: 'Folder', ref, name, parent: vmFolder, children: [], childType: ['Folder', 'VirtualMachine', 'VirtualApp'] });
      this.link(vmFolder, ref);
      return ref;
    };
    vmSubfolder(seed.folder);
    const templateFolder =
      seed.templateFolder === seed.folder ? this.findByPath(`${seed.datacenter}/vm/${seed.folder}`)! : vmSubfolder(seed.templateFolder);
    const t = seed.template;
    const templateRef = this.newRef('VirtualMachine', 'vm-');
    const host = hosts[0];
    const datastore = datastores[0];
    if (!host || !datastore) throw new Error('the lab vCenter needs at least one ESXi host and one datastore');
    this.add({
      kind: 'VirtualMachine',
      ref: templateRef,
      name: t.name,
      parent: templateFolder,
      host,
      datastore,
      template: true,
      uuid: uuidv5(`bios/${t.name}`, NS),
      instanceUuid: uuidv5(`instance/${t.name}`, NS),
      guestId: t.guestId,
      cpus: t.cpus,
      memoryMiB: t.memoryMiB,
      annotation: 'Ubuntu 24.04 with containerd, kubeadm, kubelet and cloud-init (VMware datasource)',
      extraConfig: new Map(),
      nics: [
        { key: 4000, mac: '00:50:56:80:00:01', backing: { switchUuid: uuidv5(`dvs/${seed.switchName}`, NS), portgroupKey: pgRef.value } },
      ],
      diskKiB: t.diskGiB * 1024 * 1024,
      powerState: 'poweredOff',
      guest: { toolsRunning: false },
      modified: new Date(),
    });
    this.link(templateFolder, templateRef);
  }

  newRef(type: string, prefix: string): MoRef {
    return { type, value: `${prefix}${this.next++}` };
  }

  add(e: TwinEntity): void {
    this.entities.set(e.ref.value, e);
  }

  get(ref: MoRef): TwinEntity | undefined {
    const e = this.entities.get(ref.value);
    return e && e.ref.type === ref.type ? e : undefined;
  }

  vm(ref: MoRef): TwinVm | undefined {
    const e = this.get(ref);
    return e?.kind === 'VirtualMachine' ? e : undefined;
  }

  vms(): TwinVm[] {
    return [...this.entities.values()].filter((e): e is Extract<TwinEntity, { kind: 'VirtualMachine' }> => e.kind === 'VirtualMachine');
  }

  link(folder: MoRef, child: MoRef): void {
    const f = this.get(folder);
    if (f?.kind === 'Folder') f.children.push(child);
  }

  unlink(child: MoRef): void {
    for (const e of this.entities.values()) if (e.kind === 'Folder') e.children = e.children.filter((c) => c.value !== child.value);
  }

  remove(ref: MoRef): void {
    this.unlink(ref);
    this.entities.delete(ref.value);
    this.changed();
  }

  /** Tells property-collector waits that something changed. */
  changed(): void {
    this.emit('changed');
  }

  /** The entities directly below one, as SearchIndex.FindChild sees them. */
  childrenOf(ref: MoRef): MoRef[] {
    const e = this.get(ref);
    if (!e) return [];
    switch (e.kind) {
      case 'Folder':
        return e.children;
      case 'Datacenter':
        return [e.vmFolder, e.hostFolder, e.datastoreFolder, e.networkFolder];
      case 'ClusterComputeResource':
        return [...e.hosts, e.resourcePool];
      case 'ResourcePool':
        return this.vms()
          .filter((v) => v.pool?.value === e.ref.value)
          .map((v) => v.ref);
      default:
        return [];
    }
  }

  /** SearchIndex.FindByInventoryPath: names from the root folder, `/`-separated. */
  findByPath(path: string): MoRef | undefined {
    let cur: MoRef | undefined = this.rootFolder;
    for (const name of path.split('/').filter((s) => s !== '')) {
      cur = this.childrenOf(cur).find((c) => this.get(c)?.name === name);
      if (!cur) return undefined;
    }
    return cur;
  }
}
