import type { MoRef } from '../../vsphere/envelope';
import type { TwinEntity, VcenterInventory } from './inventory';
import type { TaskTracker, TwinTask } from './tasks';
import { vmProps } from './vm-properties';
import { anyType, bool, enumOf, int, long, obj, ref, str, time, walk, type FieldValue, type VimValue } from './vim-value';

/**
 * The properties the twin serves, per managed object type, as vCenter's property collector answers them (the
 * names, nesting and wire types of vim25). Only what akb's provider and ordinary pyVmomi scripts read is
 * modelled; a path outside it is an InvalidProperty fault, as on vCenter.
 */

const refs = (rs: MoRef[]): VimValue[] => rs.map(ref);

function entityProps(e: TwinEntity, inv: VcenterInventory): Record<string, FieldValue> {
  const base = { name: str(e.name), ...('parent' in e && e.parent ? { parent: ref(e.parent) } : {}) };
  switch (e.kind) {
    case 'Folder':
      return { ...base, childEntity: refs(e.children), childType: e.childType.map(str) };
    case 'Datacenter':
      return {
        ...base,
        vmFolder: ref(e.vmFolder),
        hostFolder: ref(e.hostFolder),
        datastoreFolder: ref(e.datastoreFolder),
        networkFolder: ref(e.networkFolder),
      };
    case 'ClusterComputeResource':
      return { ...base, host: refs(e.hosts), resourcePool: ref(e.resourcePool), datastore: refs(e.datastores), network: refs(e.networks) };
    case 'ResourcePool':
      return { ...base, owner: ref(e.owner), vm: refs(inv.childrenOf(e.ref)) };
    case 'HostSystem':
      return base;
    case 'Datastore':
      return {
        ...base,
        summary: obj('DatastoreSummary', [
          ['datastore', ref(e.ref)],
          ['name', str(e.name)],
          ['url', str(`ds:///vmfs/volumes/${e.ref.value}/`)],
          ['capacity', long(e.capacityKiB * 1024)],
          ['freeSpace', long(e.capacityKiB * 512)],
          ['accessible', bool(true)],
          ['type', str('VMFS')],
        ]),
      };
    case 'VmwareDistributedVirtualSwitch':
      return { ...base, uuid: str(e.uuid), portgroup: refs(e.portgroups) };
    case 'DistributedVirtualPortgroup':
      return {
        ...base,
        key: str(e.key),
        config: obj('DVPortgroupConfigInfo', [
          ['key', str(e.key)],
          ['name', str(e.name)],
          ['numPorts', int(128)],
          ['distributedVirtualSwitch', ref(e.dvs)],
          [
            'defaultPortConfig',
            obj('VMwareDVSPortSetting', [
              [
                'vlan',
                obj('VmwareDistributedVirtualSwitchVlanIdSpec', [
                  ['inherited', bool(false)],
                  ['vlanId', int(e.vlan)],
                ]),
              ],
            ]),
          ],
          ['type', str('earlyBinding')],
        ]),
      };
    case 'VirtualMachine':
      return vmProps(e, inv);
  }
}

function taskInfo(t: TwinTask): VimValue {
  return obj('TaskInfo', [
    ['key', str(t.ref.value)],
    ['task', ref(t.ref)],
    ['name', str(t.method)],
    ['descriptionId', str(t.descriptionId)],
    ['entity', ref(t.entity)],
    ['entityName', str(t.entityName)],
    ['state', enumOf('TaskInfoState', t.state)],
    ['cancelled', bool(false)],
    ['cancelable', bool(false)],
    [
      'error',
      t.error
        ? obj('LocalizedMethodFault', [
            ['fault', obj(t.error.faultType, [])],
            ['localizedMessage', str(t.error.message)],
          ])
        : undefined,
    ],
    ['result', t.result ? anyType(ref(t.result)) : undefined],
    ['progress', t.progress !== undefined && t.state === 'running' ? int(t.progress) : undefined],
    ['reason', obj('TaskReasonUser', [['userName', str(t.user)]])],
    ['queueTime', time(t.queueTime)],
    ['startTime', t.startTime ? time(t.startTime) : undefined],
    ['completeTime', t.completeTime ? time(t.completeTime) : undefined],
    ['eventChainId', int(t.eventChainId)],
  ]);
}

export const API_VERSION = '7.0.3.0';

/** The well-known managed objects of a vCenter. */
export const SERVICE_OBJECTS = {
  serviceInstance: { type: 'ServiceInstance', value: 'ServiceInstance' },
  propertyCollector: { type: 'PropertyCollector', value: 'propertyCollector' },
  sessionManager: { type: 'SessionManager', value: 'SessionManager' },
  searchIndex: { type: 'SearchIndex', value: 'SearchIndex' },
  taskManager: { type: 'TaskManager', value: 'TaskManager' },
  viewManager: { type: 'ViewManager', value: 'ViewManager' },
} as const;

/** `ServiceInstance.content`, what RetrieveServiceContent answers. */
export function serviceContent(inv: VcenterInventory): VimValue {
  const o = SERVICE_OBJECTS;
  return obj('ServiceContent', [
    ['rootFolder', ref(inv.rootFolder)],
    ['propertyCollector', ref(o.propertyCollector)],
    ['viewManager', ref(o.viewManager)],
    [
      'about',
      obj('AboutInfo', [
        ['name', str('VMware vCenter Server')],
        ['fullName', str(`VMware vCenter Server ${API_VERSION} build-akb-lab`)],
        ['vendor', str('VMware, Inc.')],
        ['version', str('7.0.3')],
        ['build', str('0')],
        ['localeVersion', str('INTL')],
        ['localeBuild', str('000')],
        ['osType', str('linux-x64')],
        ['productLineId', str('vpx')],
        ['apiType', str('VirtualCenter')],
        ['apiVersion', str(API_VERSION)],
        ['instanceUuid', str(inv.instanceUuid)],
      ]),
    ],
    ['sessionManager', ref(o.sessionManager)],
    ['taskManager', ref(o.taskManager)],
    ['searchIndex', ref(o.searchIndex)],
  ]);
}

const ARRAY_ITEM: Record<string, string> = {
  device: 'VirtualDevice',
  extraConfig: 'OptionValue',
  net: 'GuestNicInfo',
  ipAddress: 'string',
  childType: 'string',
};

/** The value of `path` on `obj`, undefined when unset; throws `unknown` for a path the type does not have. */
export function readProperty(
  inv: VcenterInventory,
  tasks: TaskTracker,
  target: MoRef,
  path: string,
): { value?: VimValue; known: boolean; exists: boolean } {
  let top: Record<string, FieldValue>;
  if (target.type === 'Task') {
    const t = tasks.get(target);
    if (!t) return { known: true, exists: false };
    top = { info: taskInfo(t) };
  } else if (target.type === 'TaskManager') {
    top = { recentTask: refs(tasks.recent()) };
  } else if (target.type === 'ServiceInstance') {
    top = { content: serviceContent(inv), serverClock: time(new Date()) };
  } else {
    const e = inv.get(target);
    if (!e) return { known: true, exists: false };
    top = entityProps(e, inv);
  }
  const [first, ...rest] = path.split('.');
  if (!first || !(first in top)) return { known: false, exists: true };
  const value = walk(top[first], first, rest, (f) => ARRAY_ITEM[f] ?? 'ManagedObjectReference');
  return { ...(value ? { value } : {}), known: true, exists: true };
}

/** Whether the object exists (the service singletons always do). */
export function objectExists(inv: VcenterInventory, tasks: TaskTracker, target: MoRef): boolean {
  if (target.type === 'Task') return tasks.get(target) !== undefined;
  if (Object.values(SERVICE_OBJECTS).some((o) => o.type === target.type && o.value === target.value)) return true;
  return inv.get(target) !== undefined;
}

/** Every top-level property of an object (PropertySpec `all`). */
export function allPropertyNames(inv: VcenterInventory, tasks: TaskTracker, target: MoRef): string[] {
  if (target.type === 'Task') return ['info'];
  if (target.type === 'TaskManager') return ['recentTask'];
  if (target.type === 'ServiceInstance') return ['content', 'serverClock'];
  const e = inv.get(target);
  return e ? Object.keys(entityProps(e, inv)) : [];
}
