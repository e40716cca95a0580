import type { MoRef } from '../../../lib/vsphere/envelope';
import { readOptionValues } from '../../../lib/vsphere/values';
import { children } from '../../../lib/vsphere/xml';
import { arrayItems, scalar, type Vim } from './vim';

/** What akb reads of a VM to decide what to do next (observe, then act). */
export interface VmView {
  ref: MoRef;
  name: string;
  instanceUuid: string;
  template: boolean;
  powerState: 'poweredOn' | 'poweredOff' | 'suspended' | string;
  cpus: number;
  memoryMiB: number;
  extraConfig: Map<string, string>;
  /** `guest.ipAddress` (the primary address VMware Tools reports) and every address in `guest.net`. */
  guestIps: string[];
}

const VM_PATHS = [
  'name',
  'config.instanceUuid',
  'config.template',
  'runtime.powerState',
  'config.hardware.numCPU',
  'config.hardware.memoryMB',
  'config.extraConfig',
  'guest.ipAddress',
  'guest.net',
];

/** Reads a VM; undefined when it no longer exists. */
export async function observeVm(vim: Vim, ref: MoRef): Promise<VmView | undefined> {
  const o = await vim.properties(ref, VM_PATHS);
  if (!o) return undefined;
  const primary = scalar(o, 'guest.ipAddress');
  const nicIps = arrayItems(o.props.get('guest.net')).flatMap((nic) => children(nic, 'ipAddress').map((a) => a.text));
  const guestIps = [...new Set([...(primary ? [primary] : []), ...nicIps].filter((ip) => ip !== ''))];
  return {
    ref,
    name: scalar(o, 'name') ?? '',
    instanceUuid: scalar(o, 'config.instanceUuid') ?? '',
    template: scalar(o, 'config.template') === 'true',
    powerState: scalar(o, 'runtime.powerState') ?? 'unknown',
    cpus: Number(scalar(o, 'config.hardware.numCPU') ?? 0),
    memoryMiB: Number(scalar(o, 'config.hardware.memoryMB') ?? 0),
    extraConfig: readOptionValues(arrayItems(o.props.get('config.extraConfig'))),
    guestIps,
  };
}
