import type { TwinNic, TwinVm, VcenterInventory } from './inventory';
import { anyType, bool, enumOf, int, long, obj, ref, str, time, type FieldValue, type VimValue } from './vim-value';

/**
 * A twin VM's properties as vCenter serves them: `config` (hardware with its devices, extraConfig), `runtime`,
 * `guest` (what VMware Tools reports once the guest runs), `summary`, and the references around them.
 */

const description = (label: string, summary: string): VimValue =>
  obj('Description', [
    ['label', str(label)],
    ['summary', str(summary)],
  ]);

function nicValue(n: TwinNic): VimValue {
  const backing =
    'switchUuid' in n.backing
      ? obj('VirtualEthernetCardDistributedVirtualPortBackingInfo', [
          [
            'port',
            obj('DistributedVirtualSwitchPortConnection', [
              ['switchUuid', str(n.backing.switchUuid)],
              ['portgroupKey', str(n.backing.portgroupKey)],
            ]),
          ],
        ])
      : obj('VirtualEthernetCardNetworkBackingInfo', [
          ['deviceName', str(n.backing.name)],
          ['network', ref(n.backing.network)],
        ]);
  const summary = 'switchUuid' in n.backing ? `DVSwitch: ${n.backing.switchUuid}` : n.backing.name;
  return obj('VirtualVmxnet3', [
    ['key', int(n.key)],
    ['deviceInfo', description(`Network adapter ${n.key - 3999}`, summary)],
    ['backing', backing],
    [
      'connectable',
      obj('VirtualDeviceConnectInfo', [
        ['startConnected', bool(true)],
        ['allowGuestControl', bool(true)],
        ['connected', bool(true)],
        ['status', str('ok')],
      ]),
    ],
    ['controllerKey', int(100)],
    ['unitNumber', int(7 + (n.key - 4000))],
    ['addressType', str('assigned')],
    ['macAddress', str(n.mac)],
    ['wakeOnLanEnabled', bool(true)],
  ]);
}

function devices(vm: TwinVm, inv: VcenterInventory): VimValue[] {
  const ds = inv.get(vm.datastore)?.name ?? 'datastore';
  return [
    obj('VirtualPCIController', [
      ['key', int(100)],
      ['deviceInfo', description('PCI controller 0', 'PCI controller 0')],
      ['busNumber', int(0)],
      ['device', [int(1000), ...vm.nics.map((n) => int(n.key))]],
    ]),
    obj('ParaVirtualSCSIController', [
      ['key', int(1000)],
      ['deviceInfo', description('SCSI controller 0', 'VMware paravirtual SCSI')],
      ['controllerKey', int(100)],
      ['unitNumber', int(3)],
      ['busNumber', int(0)],
      ['device', [int(2000)]],
      ['sharedBus', enumOf('VirtualSCSISharing', 'noSharing')],
      ['scsiCtlrUnitNumber', int(7)],
    ]),
    obj('VirtualDisk', [
      ['key', int(2000)],
      ['deviceInfo', description('Hard disk 1', `${vm.diskKiB.toLocaleString('en-US')} KB`)],
      [
        'backing',
        obj('VirtualDiskFlatVer2BackingInfo', [
          ['fileName', str(`[${ds}] ${vm.name}/${vm.name}.vmdk`)],
          ['datastore', ref(vm.datastore)],
          ['diskMode', str('persistent')],
          ['thinProvisioned', bool(true)],
        ]),
      ],
      ['controllerKey', int(1000)],
      ['unitNumber', int(0)],
      ['capacityInKB', long(vm.diskKiB)],
      ['capacityInBytes', long(vm.diskKiB * 1024)],
    ]),
    ...vm.nics.map(nicValue),
  ];
}

export function vmProps(vm: TwinVm, inv: VcenterInventory): Record<string, FieldValue> {
  const ds = inv.get(vm.datastore)?.name ?? 'datastore';
  const extra = [...vm.extraConfig].map(([k, v]) =>
    obj('OptionValue', [
      ['key', str(k)],
      ['value', anyType(str(v))],
    ]),
  );
  const guestIp = vm.powerState === 'poweredOn' ? vm.guest.ipAddress : undefined;
  const tools = vm.powerState === 'poweredOn' && vm.guest.toolsRunning;
  const net = vm.nics.map((n) =>
    obj('GuestNicInfo', [
      [
        'network',
        str(
          inv.get('switchUuid' in n.backing ? { type: 'DistributedVirtualPortgroup', value: n.backing.portgroupKey } : n.backing.network)
            ?.name ?? '',
        ),
      ],
      ['ipAddress', guestIp && n === vm.nics[0] ? [str(guestIp)] : undefined],
      ['macAddress', str(n.mac)],
      ['connected', bool(vm.powerState === 'poweredOn')],
      ['deviceConfigId', int(n.key)],
    ]),
  );
  const runtime = obj('VirtualMachineRuntimeInfo', [
    ['host', ref(vm.host)],
    ['connectionState', enumOf('VirtualMachineConnectionState', 'connected')],
    ['powerState', enumOf('VirtualMachinePowerState', vm.powerState)],
    ['toolsInstallerMounted', bool(false)],
    ['bootTime', vm.bootTime && vm.powerState === 'poweredOn' ? time(vm.bootTime) : undefined],
    ['consolidationNeeded', bool(false)],
  ]);
  const guestFullName = 'Ubuntu Linux (64-bit)';
  return {
    name: str(vm.name),
    parent: ref(vm.parent),
    resourcePool: vm.pool ? ref(vm.pool) : undefined,
    datastore: [ref(vm.datastore)],
    network: vm.nics.map((n) =>
      ref('switchUuid' in n.backing ? { type: 'DistributedVirtualPortgroup', value: n.backing.portgroupKey } : n.backing.network),
    ),
    runtime,
    config: obj('VirtualMachineConfigInfo', [
      ['changeVersion', str(vm.modified.toISOString())],
      ['modified', time(vm.modified)],
      ['name', str(vm.name)],
      ['guestFullName', str(guestFullName)],
      ['version', str('vmx-19')],
      ['uuid', str(vm.uuid)],
      ['instanceUuid', str(vm.instanceUuid)],
      ['template', bool(vm.template)],
      ['guestId', str(vm.guestId)],
      ['alternateGuestName', str('')],
      ['annotation', str(vm.annotation)],
      ['files', obj('VirtualMachineFileInfo', [['vmPathName', str(`[${ds}] ${vm.name}/${vm.name}.vmx`)]])],
      [
        'hardware',
        obj('VirtualHardware', [
          ['numCPU', int(vm.cpus)],
          ['numCoresPerSocket', int(1)],
          ['memoryMB', int(vm.memoryMiB)],
          ['virtualICH7MPresent', bool(false)],
          ['virtualSMCPresent', bool(false)],
          ['device', devices(vm, inv)],
        ]),
      ],
      ['extraConfig', extra],
    ]),
    guest: obj('GuestInfo', [
      ['toolsStatus', enumOf('VirtualMachineToolsStatus', tools ? 'toolsOk' : 'toolsNotRunning')],
      ['toolsRunningStatus', str(tools ? 'guestToolsRunning' : 'guestToolsNotRunning')],
      ['guestId', tools ? str(vm.guestId) : undefined],
      ['hostName', tools && vm.guest.hostName ? str(vm.guest.hostName) : undefined],
      ['ipAddress', guestIp ? str(guestIp) : undefined],
      ['net', tools ? net : undefined],
      ['guestState', str(vm.powerState === 'poweredOn' ? 'running' : 'notRunning')],
    ]),
    summary: obj('VirtualMachineSummary', [
      ['vm', ref(vm.ref)],
      ['runtime', runtime],
      [
        'guest',
        obj('VirtualMachineGuestSummary', [
          ['guestId', str(vm.guestId)],
          ['hostName', vm.guest.hostName && tools ? str(vm.guest.hostName) : undefined],
          ['ipAddress', guestIp ? str(guestIp) : undefined],
        ]),
      ],
      [
        'config',
        obj('VirtualMachineConfigSummary', [
          ['name', str(vm.name)],
          ['template', bool(vm.template)],
          ['vmPathName', str(`[${ds}] ${vm.name}/${vm.name}.vmx`)],
          ['memorySizeMB', int(vm.memoryMiB)],
          ['numCpu', int(vm.cpus)],
          ['uuid', str(vm.uuid)],
          ['instanceUuid', str(vm.instanceUuid)],
          ['guestId', str(vm.guestId)],
          ['guestFullName', str(guestFullName)],
          ['annotation', str(vm.annotation)],
        ]),
      ],
      ['overallStatus', enumOf('ManagedEntityStatus', 'green')],
    ]),
    overallStatus: enumOf('ManagedEntityStatus', 'green'),
  };
}
