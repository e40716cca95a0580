import { readMoRef } from '../../vsphere/envelope';
import { child, children, childText, xsiType, type XmlElement } from '../../vsphere/xml';
import type { TwinNic, TwinVm, VcenterInventory } from './inventory';
import { TwinFault } from './faults';

/**
 * A `VirtualMachineConfigSpec` applied to a twin VM as vCenter applies it: CPU and memory (only while off),
 * annotation, extraConfig (an empty value removes the key), and device changes for NICs (add with a port-group
 * backing, remove, edit) and the disk (grow only). Members are read by name, in any order, as vCenter does.
 */

const ETHERNET = /^Virtual(Vmxnet3?|Vmxnet2|E1000e?|PCNet32|SriovEthernetCard)$/;

function nicBacking(inv: VcenterInventory, backing: XmlElement | undefined): TwinNic['backing'] {
  const type = backing && xsiType(backing);
  if (type === 'VirtualEthernetCardDistributedVirtualPortBackingInfo') {
    const switchUuid = childText(backing, 'port', 'switchUuid') ?? '';
    const portgroupKey = childText(backing, 'port', 'portgroupKey') ?? '';
    const pg = inv.get({ type: 'DistributedVirtualPortgroup', value: portgroupKey });
    const dvs = pg?.kind === 'DistributedVirtualPortgroup' ? inv.get(pg.dvs) : undefined;
    if (!pg || dvs?.kind !== 'VmwareDistributedVirtualSwitch' || dvs.uuid !== switchUuid)
      throw new TwinFault('InvalidDeviceSpec', `no distributed port group "${portgroupKey}" on switch ${switchUuid}`);
    return { switchUuid, portgroupKey };
  }
  if (type === 'VirtualEthernetCardNetworkBackingInfo') {
    const network = readMoRef(child(backing, 'network'));
    const e = network && inv.get(network);
    if (!network || !e) throw new TwinFault('InvalidDeviceSpec', 'network backing names no network');
    return { network, name: e.name };
  }
  throw new TwinFault('InvalidDeviceSpec', `unsupported NIC backing ${type ?? '(none)'}`);
}

let macCounter = 0x100;
/** A MAC address in VMware's vCenter-assigned range (00:50:56). */
export const newMac = (): string => {
  macCounter++;
  return `00:50:56:${[(macCounter >> 16) & 0x3f, (macCounter >> 8) & 0xff, macCounter & 0xff].map((b) => b.toString(16).padStart(2, '0')).join(':')}`.toUpperCase();
};

function applyDeviceChange(vm: TwinVm, change: XmlElement, inv: VcenterInventory): void {
  const op = childText(change, 'operation');
  const device = child(change, 'device');
  const type = device ? xsiType(device) : undefined;
  const key = Number(childText(device, 'key') ?? NaN);
  if (!device || !type) throw new TwinFault('InvalidDeviceSpec', 'deviceChange without a typed device');
  if (ETHERNET.test(type)) {
    if (op === 'add') {
      const nextKey = Math.max(3999, ...vm.nics.map((n) => n.key)) + 1;
      vm.nics.push({ key: nextKey, mac: newMac(), backing: nicBacking(inv, child(device, 'backing')) });
    } else if (op === 'remove') {
      if (!vm.nics.some((n) => n.key === key)) throw new TwinFault('InvalidDeviceSpec', `no NIC with key ${key}`);
      vm.nics = vm.nics.filter((n) => n.key !== key);
    } else if (op === 'edit') {
      const nic = vm.nics.find((n) => n.key === key);
      if (!nic) throw new TwinFault('InvalidDeviceSpec', `no NIC with key ${key}`);
      nic.backing = nicBacking(inv, child(device, 'backing'));
    } else throw new TwinFault('InvalidDeviceSpec', `unsupported operation ${op ?? '(none)'}`);
    return;
  }
  if (type === 'VirtualDisk' && op === 'edit') {
    if (key !== 2000) throw new TwinFault('InvalidDeviceSpec', `no disk with key ${key}`);
    const kib = Number(childText(device, 'capacityInKB') ?? NaN);
    if (!Number.isFinite(kib)) throw new TwinFault('InvalidDeviceSpec', 'disk edit without capacityInKB');
    if (kib < vm.diskKiB) throw new TwinFault('InvalidDeviceOperation', `cannot shrink the disk from ${vm.diskKiB} KB to ${kib} KB`);
    vm.diskKiB = kib;
    return;
  }
  throw new TwinFault('NotSupported', `the lab vCenter does not model ${op ?? ''} of ${type}`);
}

/** Applies `spec`; `atClone` allows setting the instance UUID. Validates everything before changing anything. */
export function applyConfigSpec(vm: TwinVm, spec: XmlElement | undefined, inv: VcenterInventory): void {
  if (!spec) return;
  const draft: TwinVm = { ...vm, extraConfig: new Map(vm.extraConfig), nics: vm.nics.map((n) => ({ ...n })) };
  const cpus = childText(spec, 'numCPUs');
  const mem = childText(spec, 'memoryMB');
  if ((cpus !== undefined || mem !== undefined) && vm.powerState !== 'poweredOff')
    throw new TwinFault('InvalidPowerState', 'CPU and memory can only be changed while the VM is powered off (hot add is not enabled)');
  if (cpus !== undefined) draft.cpus = Number(cpus);
  if (mem !== undefined) draft.memoryMiB = Number(mem);
  const annotation = childText(spec, 'annotation');
  if (annotation !== undefined) draft.annotation = annotation;
  const name = childText(spec, 'name');
  if (name) draft.name = name;
  for (const change of children(spec, 'deviceChange')) applyDeviceChange(draft, change, inv);
  for (const opt of children(spec, 'extraConfig')) {
    const key = childText(opt, 'key');
    if (!key) throw new TwinFault('InvalidArgument', 'extraConfig entry without a key');
    const value = childText(opt, 'value') ?? '';
    if (value === '') draft.extraConfig.delete(key);
    else draft.extraConfig.set(key, value);
  }
  Object.assign(vm, draft, { modified: new Date() });
}
