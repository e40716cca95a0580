import { readMoRef, type MoRef } from '../../vsphere/envelope';
import { child, childText, el, type XmlElement } from '../../vsphere/xml';
import { v4 as uuidv4 } from 'uuid';
import { applyConfigSpec, newMac } from './config-spec';
import { TwinFault } from './faults';
import { decodeGuestinfo, type GuestRuntime } from './guest';
import type { TwinVm, VcenterInventory } from './inventory';
import type { TaskTracker } from './tasks';

/**
 * The VM lifecycle methods: each answers a Task at once and does the work when the task runs, failing it with
 * the fault vCenter would give (DuplicateName, InvalidPowerState, ...). Powering on hands the guest its
 * cloud-init data; powering off or destroying stops it.
 */
export interface VmMethodsOptions {
  inv: VcenterInventory;
  tasks: TaskTracker;
  guest: GuestRuntime;
  /** How long a clone runs (ms); other tasks take a tenth of it. */
  cloneMs: number;
}

function mustVm(inv: VcenterInventory, self: MoRef): TwinVm {
  const vm = inv.vm(self);
  if (!vm)
    throw new TwinFault('ManagedObjectNotFound', `The object '${self.type}:${self.value}' has already been deleted`, [
      el('obj', { type: self.type }, self.value),
    ]);
  return vm;
}

/** DRS's initial placement, simply: the cluster host running the fewest VMs. */
function placeOnHost(inv: VcenterInventory, pool: MoRef): MoRef | undefined {
  const owner = inv.get(pool);
  const cluster = owner?.kind === 'ResourcePool' ? inv.get(owner.owner) : undefined;
  if (cluster?.kind !== 'ClusterComputeResource') return undefined;
  const load = (h: MoRef): number => inv.vms().filter((v) => !v.template && v.host.value === h.value).length;
  return [...cluster.hosts].sort((a, b) => load(a) - load(b))[0];
}

const powerFault = (vm: TwinVm, wanted: string): TwinFault =>
  new TwinFault(
    'InvalidPowerState',
    `The attempted operation cannot be performed in the current state (${vm.powerState === 'poweredOn' ? 'Powered on' : 'Powered off'}).`,
    [el('requestedState', wanted), el('existingState', vm.powerState)],
  );

export class VmMethods {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly o: VmMethodsOptions) {}

  private start(method: string, descriptionId: string, vm: TwinVm, user: string, ms: number, work: () => MoRef | undefined): XmlElement[] {
    const task = this.o.tasks.start(method, descriptionId, vm.ref, vm.name, user, ms, work);
    return [el('returnval', { type: 'Task' }, task.value)];
  }

  clone(self: MoRef, call: XmlElement, user: string): XmlElement[] {
    const { inv } = this.o;
    const source = mustVm(inv, self);
    const folder = readMoRef(child(call, 'folder'));
    const name = childText(call, 'name') ?? '';
    const spec = child(call, 'spec');
    const location = child(spec, 'location');
    const pool = readMoRef(child(location, 'pool')) ?? source.pool;
    const datastore = readMoRef(child(location, 'datastore')) ?? source.datastore;
    if (!folder || inv.get(folder)?.kind !== 'Folder')
      throw new TwinFault('InvalidArgument', 'folder is not a VM folder', [el('invalidProperty', 'folder')]);
    if (name === '' || name.length > 80)
      throw new TwinFault('InvalidArgument', 'name must be 1-80 characters', [el('invalidProperty', 'name')]);
    return this.start('CloneVM_Task', 'VirtualMachine.clone', source, user, this.o.cloneMs, () => {
      if (!pool || inv.get(pool)?.kind !== 'ResourcePool')
        throw new TwinFault('InvalidArgument', 'A specified parameter was not correct: spec.location.pool', [
          el('invalidProperty', 'spec.location.pool'),
        ]);
      if (inv.get(datastore)?.kind !== 'Datastore')
        throw new TwinFault('InvalidArgument', 'spec.location.datastore is not a datastore', [
          el('invalidProperty', 'spec.location.datastore'),
        ]);
      const clash = inv.childrenOf(folder).find((c) => inv.get(c)?.name === name);
      if (clash)
        throw new TwinFault('DuplicateName', `The name '${name}' already exists.`, [
          el('name', name),
          el('object', { type: clash.type }, clash.value),
        ]);
      const config = child(spec, 'config');
      const wantedUuid = childText(config, 'instanceUuid');
      // vCenter keeps instance UUIDs unique: a requested one that is taken is replaced by a fresh one.
      const instanceUuid = wantedUuid && !inv.vms().some((v) => v.instanceUuid === wantedUuid) ? wantedUuid : uuidv4();
      const ref = inv.newRef('VirtualMachine', 'vm-');
      const host = placeOnHost(inv, pool) ?? source.host;
      const vm: TwinVm = {
        ref,
        name,
        parent: folder,
        pool,
        host,
        datastore,
        template: false,
        uuid: uuidv4(),
        instanceUuid,
        guestId: source.guestId,
        cpus: source.cpus,
        memoryMiB: source.memoryMiB,
        annotation: source.annotation,
        extraConfig: new Map(source.extraConfig),
        // A clone's NICs get new MAC addresses, as vCenter generates them.
        nics: source.nics.map((n) => ({ key: n.key, mac: newMac(), backing: { ...n.backing } })),
        diskKiB: source.diskKiB,
        powerState: 'poweredOff',
        guest: { toolsRunning: false },
        modified: new Date(),
      };
      const relocateChanges = location?.children.filter((c) => c.name === 'deviceChange') ?? [];
      if (relocateChanges.length > 0) applyConfigSpec(vm, el('spec', relocateChanges), inv);
      applyConfigSpec(vm, config, inv);
      inv.add({ kind: 'VirtualMachine', ...vm });
      inv.link(folder, ref);
      if (childText(spec, 'powerOn') === 'true') this.powerOnNow(vm);
      inv.changed();
      return ref;
    });
  }

  reconfigure(self: MoRef, call: XmlElement, user: string): XmlElement[] {
    const vm = mustVm(this.o.inv, self);
    const spec = child(call, 'spec');
    return this.start('ReconfigVM_Task', 'VirtualMachine.reconfigure', vm, user, this.o.cloneMs / 10, () => {
      applyConfigSpec(vm, spec, this.o.inv);
      this.o.inv.changed();
      return undefined;
    });
  }

  powerOn(self: MoRef, user: string): XmlElement[] {
    const vm = mustVm(this.o.inv, self);
    return this.start('PowerOnVM_Task', 'VirtualMachine.powerOn', vm, user, this.o.cloneMs / 10, () => {
      if (vm.template) throw new TwinFault('NotSupported', 'a template cannot be powered on');
      if (vm.powerState === 'poweredOn') throw powerFault(vm, 'poweredOff');
      this.powerOnNow(vm);
      return undefined;
    });
  }

  powerOff(self: MoRef, user: string): XmlElement[] {
    const vm = mustVm(this.o.inv, self);
    return this.start('PowerOffVM_Task', 'VirtualMachine.powerOff', vm, user, this.o.cloneMs / 10, () => {
      if (vm.powerState !== 'poweredOn') throw powerFault(vm, 'poweredOn');
      this.stopGuest(vm);
      vm.powerState = 'poweredOff';
      vm.guest = { toolsRunning: false };
      this.o.inv.changed();
      return undefined;
    });
  }

  destroy(self: MoRef, user: string): XmlElement[] {
    const vm = mustVm(this.o.inv, self);
    return this.start('Destroy_Task', 'VirtualMachine.destroy', vm, user, this.o.cloneMs / 10, () => {
      if (vm.powerState === 'poweredOn') throw powerFault(vm, 'poweredOff');
      this.stopGuest(vm);
      this.o.inv.remove(vm.ref);
      void Promise.resolve(this.o.guest.destroyed?.({ instanceUuid: vm.instanceUuid, name: vm.name })).catch(() => undefined);
      return undefined;
    });
  }

  private stopGuest(vm: TwinVm): void {
    this.running.get(vm.ref.value)?.abort();
    this.running.delete(vm.ref.value);
  }

  /** Powers on and boots the guest with its guestinfo cloud-init data. */
  private powerOnNow(vm: TwinVm): void {
    vm.powerState = 'poweredOn';
    vm.bootTime = new Date();
    vm.guest = { toolsRunning: true };
    const abort = new AbortController();
    this.running.set(vm.ref.value, abort);
    const x = vm.extraConfig;
    const userData = decodeGuestinfo(x.get('guestinfo.userdata'), x.get('guestinfo.userdata.encoding'));
    const metadata = decodeGuestinfo(x.get('guestinfo.metadata'), x.get('guestinfo.metadata.encoding'));
    const live = (): boolean => !abort.signal.aborted && vm.powerState === 'poweredOn';
    const changed = (): void => this.o.inv.changed();
    void Promise.resolve(
      this.o.guest.boot(
        {
          vm: vm.name,
          instanceUuid: vm.instanceUuid,
          host: this.o.inv.get(vm.host)?.name ?? '',
          ...(userData ? { userData } : {}),
          ...(metadata ? { metadata } : {}),
        },
        {
          setIp: (ip) => {
            if (!live()) return;
            if (ip) vm.guest.ipAddress = ip;
            else delete vm.guest.ipAddress;
            changed();
          },
          setHostName: (name) => {
            if (!live()) return;
            vm.guest.hostName = name;
            changed();
          },
          setGuestInfo: (key, value) => {
            if (!live()) return;
            vm.extraConfig.set(key.startsWith('guestinfo.') ? key : `guestinfo.${key}`, value);
            changed();
          },
        },
        abort.signal,
      ),
    ).catch(() => undefined);
    changed();
  }

  stopAll(): void {
    for (const a of this.running.values()) a.abort();
    this.running.clear();
  }
}
