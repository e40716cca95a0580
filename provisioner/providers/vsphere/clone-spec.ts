import { gzipSync } from 'node:zlib';
import { v5 as uuidv5 } from 'uuid';
import { moRefEl, type MoRef } from '../../../lib/vsphere/envelope';
import { optionValueEl } from '../../../lib/vsphere/values';
import { child, el, xsiType, type XmlElement } from '../../../lib/vsphere/xml';

/**
 * The pure half of a clone: the VM's identity, its guestinfo, and the `VirtualMachineCloneSpec` (members in
 * XSD order, as vCenter's deserialiser expects). No I/O here; `vm-reconcile.ts` reads the inventory and calls.
 */

/** akb's UUID namespace (a fixed random UUID): instance UUIDs derived in it cannot collide with another tool's. */
const AKB_VM_NAMESPACE = '3f5c8a5e-2a8e-4b0f-9a51-6f0f1f2b7d6e';

/**
 * The instance UUID of a node's VM, derived from cluster and node (UUIDv5), as CAPV derives it from its Machine:
 * a re-run after a crash finds the VM it cloned instead of cloning a second one.
 */
export function instanceUuidFor(cluster: string, node: string): string {
  return uuidv5(`akb/${cluster}/${node}`, AKB_VM_NAMESPACE);
}

/** extraConfig key marking a VM as akb's; destroy deletes only VMs carrying it with the derived instance UUID. */
export const OWNER_KEY = 'akb.owner';
export const ownerValue = (cluster: string, node: string): string => `${cluster}/${node}`;

/** The keys cloud-init's VMware datasource reads. */
export const GUESTINFO = {
  userdata: 'guestinfo.userdata',
  userdataEncoding: 'guestinfo.userdata.encoding',
  metadata: 'guestinfo.metadata',
  metadataEncoding: 'guestinfo.metadata.encoding',
} as const;

/**
 * guestinfo pairs for a node: user data gzip+base64 (it carries the PKI, and vmx values are size-limited); the
 * metadata has no secret, so it stays after bootstrap (cloud-init re-reads it at every boot).
 */
export function guestinfoFor(userData: string, metadata: string): Array<[string, string]> {
  return [
    [GUESTINFO.userdata, gzipSync(Buffer.from(userData, 'utf8')).toString('base64')],
    [GUESTINFO.userdataEncoding, 'gzip+base64'],
    [GUESTINFO.metadata, Buffer.from(metadata, 'utf8').toString('base64')],
    [GUESTINFO.metadataEncoding, 'base64'],
  ];
}

/** What the NIC attaches to: a distributed port group (the usual ACI VMM case) or a standard network. */
export type NetworkBacking =
  { kind: 'dvportgroup'; switchUuid: string; portgroupKey: string } | { kind: 'network'; name: string; network: MoRef };

function backingEl(b: NetworkBacking): XmlElement {
  if (b.kind === 'dvportgroup')
    return el(
      'backing',
      { 'xsi:type': 'VirtualEthernetCardDistributedVirtualPortBackingInfo' },
      el('port', el('switchUuid', b.switchUuid), el('portgroupKey', b.portgroupKey)),
    );
  return el('backing', { 'xsi:type': 'VirtualEthernetCardNetworkBackingInfo' }, el('deviceName', b.name), moRefEl('network', b.network));
}

const ETHERNET_TYPES = new Set([
  'VirtualVmxnet3',
  'VirtualVmxnet2',
  'VirtualVmxnet',
  'VirtualE1000',
  'VirtualE1000e',
  'VirtualPCNet32',
  'VirtualSriovEthernetCard',
]);

export const isEthernet = (device: XmlElement): boolean => ETHERNET_TYPES.has(xsiType(device) ?? '');
export const isDisk = (device: XmlElement): boolean => xsiType(device) === 'VirtualDisk';

/** A device read from vCenter, renamed for a `VirtualDeviceConfigSpec` (same type, same members, same order). */
function asDevice(device: XmlElement, replace: Record<string, string> = {}): XmlElement {
  return {
    ...device,
    name: 'device',
    children: device.children.map((c) => (c.name in replace ? { ...c, text: replace[c.name] ?? c.text } : c)),
  };
}

export interface CloneInputs {
  name: string;
  instanceUuid: string;
  cpus: number;
  memoryMiB: number;
  annotation: string;
  extraConfig: Array<[string, string]>;
  folder: MoRef;
  pool: MoRef;
  datastore: MoRef;
  network: NetworkBacking;
  /** The template's devices (`config.hardware.device`). */
  templateDevices: XmlElement[];
  /** Grow the template's first disk to this size; never shrink it (vCenter cannot). */
  diskGiB: number;
}

/** The template's first disk capacity in KiB, if it has a disk. */
export function firstDiskKiB(devices: XmlElement[]): number | undefined {
  const disk = devices.find(isDisk);
  const kb = child(disk, 'capacityInKB')?.text;
  return kb === undefined ? undefined : Number(kb);
}

/**
 * The clone spec: every template NIC removed and one vmxnet3 added on the port group (as CAPV does: an edited
 * NIC would keep the template's MAC address), the first disk grown to `diskGiB`, CPU, memory, the derived
 * instance UUID, akb's annotation and extraConfig. Not powered on by the clone: sizing is checked first.
 */
export function cloneSpec(i: CloneInputs): XmlElement {
  const changes: XmlElement[] = [];
  for (const nic of i.templateDevices.filter(isEthernet)) changes.push(el('deviceChange', el('operation', 'remove'), asDevice(nic)));
  changes.push(
    el(
      'deviceChange',
      el('operation', 'add'),
      el(
        'device',
        { 'xsi:type': 'VirtualVmxnet3' },
        el('key', '-100'),
        backingEl(i.network),
        el('connectable', el('startConnected', 'true'), el('allowGuestControl', 'true'), el('connected', 'true')),
        el('addressType', 'generated'),
      ),
    ),
  );
  const disk = i.templateDevices.find(isDisk);
  const currentKiB = firstDiskKiB(i.templateDevices);
  const wantKiB = i.diskGiB * 1024 * 1024;
  if (disk && currentKiB !== undefined && wantKiB > currentKiB) {
    const replace: Record<string, string> = { capacityInKB: String(wantKiB) };
    if (child(disk, 'capacityInBytes')) replace.capacityInBytes = String(wantKiB * 1024);
    changes.push(el('deviceChange', el('operation', 'edit'), asDevice(disk, replace)));
  }
  const config = el(
    'config',
    el('instanceUuid', i.instanceUuid),
    el('annotation', i.annotation),
    el('numCPUs', i.cpus),
    el('memoryMB', i.memoryMiB),
    changes,
    i.extraConfig.map(([k, v]) => optionValueEl('extraConfig', k, v)),
  );
  return el(
    'spec',
    el('location', moRefEl('datastore', i.datastore), moRefEl('pool', i.pool)),
    el('template', 'false'),
    config,
    el('powerOn', 'false'),
  );
}

/** A reconfigure spec setting option values (an empty value removes the key in vCenter). */
export function extraConfigSpec(pairs: Array<[string, string]>): XmlElement {
  return el(
    'spec',
    pairs.map(([k, v]) => optionValueEl('extraConfig', k, v)),
  );
}

/** A reconfigure spec correcting CPU and memory (the VM must be powered off). */
export function sizingSpec(cpus: number, memoryMiB: number): XmlElement {
  return el('spec', el('numCPUs', cpus), el('memoryMB', memoryMiB));
}
