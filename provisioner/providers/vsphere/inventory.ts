import type { MoRef } from '../../../lib/vsphere/envelope';
import type { XmlElement } from '../../../lib/vsphere/xml';
import type { NetworkBacking } from './clone-spec';
import { arrayItems, refProp, scalar, type Vim } from './vim';

/**
 * Resolves the spec's vSphere placement (`cluster.vsphere` and a node's template) to managed objects, by
 * inventory path as govc and Terraform name them: everything is relative to the datacenter, the folder and the
 * template under its VM folder (`templates/ubuntu-2404`), the port group under its network folder. Each error
 * names the spec field, the value and the path that was looked up.
 */
export interface VspherePlacement {
  datacenter: string;
  computeCluster: string;
  datastore: string;
  folder: string;
  portGroup: string;
}

export class VsphereInventoryError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'VsphereInventoryError';
  }
}

export interface ResolvedPlacement {
  datacenter: MoRef;
  folder: MoRef;
  /** Inventory path of the folder, for name look-ups of VMs in it. */
  folderPath: string;
  pool: MoRef;
  datastore: MoRef;
  network: NetworkBacking;
}

export interface ResolvedTemplate {
  ref: MoRef;
  devices: XmlElement[];
}

const trimSlashes = (p: string): string => p.replace(/^\/+|\/+$/g, '');

async function find(vim: Vim, field: string, path: string, what: string, types: string[]): Promise<MoRef> {
  const ref = await vim.findByInventoryPath(path);
  if (!ref) throw new VsphereInventoryError(field, `no ${what} at inventory path "${path}"`);
  if (!types.includes(ref.type))
    throw new VsphereInventoryError(field, `"${path}" is a ${ref.type}, not a ${what} (${types.join(' or ')})`);
  return ref;
}

async function networkBacking(vim: Vim, field: string, path: string): Promise<NetworkBacking> {
  const ref = await find(vim, field, path, 'port group', ['DistributedVirtualPortgroup', 'Network', 'OpaqueNetwork']);
  if (ref.type === 'OpaqueNetwork')
    throw new VsphereInventoryError(field, `"${path}" is an NSX opaque network; akb attaches VMs to a port group`);
  if (ref.type === 'Network') {
    const o = await vim.properties(ref, ['name']);
    return { kind: 'network', name: scalar(o, 'name') ?? path.split('/').pop() ?? path, network: ref };
  }
  const pg = await vim.properties(ref, ['config.key', 'config.distributedVirtualSwitch']);
  const key = scalar(pg, 'config.key');
  const dvs = refProp(pg, 'config.distributedVirtualSwitch');
  const switchUuid = dvs ? scalar(await vim.properties(dvs, ['uuid']), 'uuid') : undefined;
  if (!key || !switchUuid) throw new VsphereInventoryError(field, `port group "${path}": vCenter did not report its key and switch`);
  return { kind: 'dvportgroup', switchUuid, portgroupKey: key };
}

export async function resolvePlacement(vim: Vim, p: VspherePlacement): Promise<ResolvedPlacement> {
  const dc = trimSlashes(p.datacenter);
  const datacenter = await find(vim, 'cluster.vsphere.datacenter', dc, 'datacenter', ['Datacenter']);
  const folderPath = [dc, 'vm', trimSlashes(p.folder)].filter((s) => s !== '').join('/');
  const folder = await find(vim, 'cluster.vsphere.folder', folderPath, 'VM folder', ['Folder']);
  const clusterRef = await find(vim, 'cluster.vsphere.computeCluster', `${dc}/host/${trimSlashes(p.computeCluster)}`, 'compute cluster', [
    'ClusterComputeResource',
    'ComputeResource',
  ]);
  const pool = refProp(await vim.properties(clusterRef, ['resourcePool']), 'resourcePool');
  if (!pool) throw new VsphereInventoryError('cluster.vsphere.computeCluster', `"${p.computeCluster}" has no resource pool`);
  const datastore = await find(vim, 'cluster.vsphere.datastore', `${dc}/datastore/${trimSlashes(p.datastore)}`, 'datastore', ['Datastore']);
  const network = await networkBacking(vim, 'cluster.vsphere.portGroup', `${dc}/network/${trimSlashes(p.portGroup)}`);
  return { datacenter, folder, folderPath, pool, datastore, network };
}

/** A template is a VM marked as template; a plain VM is refused (cloning a running VM is not what was meant). */
export async function resolveTemplate(vim: Vim, datacenter: string, template: string, field: string): Promise<ResolvedTemplate> {
  const path = `${trimSlashes(datacenter)}/vm/${trimSlashes(template)}`;
  const ref = await find(vim, field, path, 'VM template', ['VirtualMachine']);
  const o = await vim.properties(ref, ['config.template', 'config.hardware.device']);
  if (scalar(o, 'config.template') !== 'true') throw new VsphereInventoryError(field, `"${path}" is a virtual machine, not a template`);
  return { ref, devices: arrayItems(o?.props.get('config.hardware.device')) };
}
