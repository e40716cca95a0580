import { setTimeout as sleep } from 'node:timers/promises';
import { moRefEl, moRefText, readMoRef, type MoRef } from '../../../lib/vsphere/envelope';
import { readObjectContent, readTaskInfo, type ObjectContent, type TaskInfoView } from '../../../lib/vsphere/values';
import { children, el, type XmlElement } from '../../../lib/vsphere/xml';
import { VimFault, type VimSession } from './session';

/**
 * The vim25 methods akb uses (APPLY.md §4), each a thin typed call over the session: inventory look-ups, the
 * property collector, the VM lifecycle tasks and task waiting (polling `info`, which every vCenter and the
 * simulator serve alike).
 */

/** A task that ended in error: names the task's method and vCenter's fault. */
export class VimTaskError extends Error {
  constructor(
    readonly what: string,
    readonly faultType: string,
    readonly faultMessage: string,
  ) {
    super(`${what} failed: ${faultType}${faultMessage && faultMessage !== faultType ? `: ${faultMessage}` : ''}`);
    this.name = 'VimTaskError';
  }
}

export class Vim {
  constructor(readonly session: VimSession) {}

  private get sc() {
    return this.session.content;
  }

  /** `SearchIndex.FindByInventoryPath`: `DC0/vm/folder/name`, `DC0/host/cluster/Resources`, ... */
  async findByInventoryPath(path: string): Promise<MoRef | undefined> {
    const [r] = await this.session.invoke('FindByInventoryPath', this.sc.searchIndex, [el('inventoryPath', path)]);
    return readMoRef(r);
  }

  /** `SearchIndex.FindByUuid` for a VM by its instance UUID (the one akb derives and sets at clone time). */
  async findVmByInstanceUuid(uuid: string, datacenter?: MoRef): Promise<MoRef | undefined> {
    const [r] = await this.session.invoke(
      'FindByUuid',
      this.sc.searchIndex,
      [datacenter && moRefEl('datacenter', datacenter), el('uuid', uuid), el('vmSearch', 'true'), el('instanceUuid', 'true')].filter(
        (x): x is XmlElement => Boolean(x),
      ),
    );
    return readMoRef(r);
  }

  /** Reads `paths` of one object; undefined when the object no longer exists. */
  async properties(obj: MoRef, paths: string[]): Promise<ObjectContent | undefined> {
    const spec = el(
      'specSet',
      el(
        'propSet',
        el('type', obj.type),
        paths.map((p) => el('pathSet', p)),
      ),
      el('objectSet', moRefEl('obj', obj), el('skip', 'false')),
    );
    try {
      const [result] = await this.session.invoke('RetrievePropertiesEx', this.sc.propertyCollector, [spec, el('options')]);
      const found = children(result, 'objects').map(readObjectContent);
      return found.find((o) => o !== undefined);
    } catch (err) {
      if (err instanceof VimFault && err.faultType === 'ManagedObjectNotFound') return undefined;
      throw err;
    }
  }

  /** `TaskManager.recentTask`: the tasks vCenter still remembers (queued, running, and recently finished). */
  async recentTasks(): Promise<MoRef[]> {
    if (!this.sc.taskManager) return [];
    const tm = await this.properties(this.sc.taskManager, ['recentTask']);
    const val = tm?.props.get('recentTask');
    return val ? val.children.map(readMoRef).filter((r): r is MoRef => r !== undefined) : [];
  }

  async taskInfo(task: MoRef): Promise<TaskInfoView | undefined> {
    const o = await this.properties(task, ['info']);
    const info = o?.props.get('info');
    return info ? readTaskInfo(info) : undefined;
  }

  async cloneVm(template: MoRef, folder: MoRef, name: string, spec: XmlElement): Promise<MoRef> {
    return this.task('CloneVM_Task', template, [moRefEl('folder', folder), el('name', name), spec]);
  }

  async reconfigure(vm: MoRef, spec: XmlElement): Promise<MoRef> {
    return this.task('ReconfigVM_Task', vm, [spec]);
  }

  async powerOn(vm: MoRef): Promise<MoRef> {
    return this.task('PowerOnVM_Task', vm, []);
  }

  async powerOff(vm: MoRef): Promise<MoRef> {
    return this.task('PowerOffVM_Task', vm, []);
  }

  async destroy(vm: MoRef): Promise<MoRef> {
    return this.task('Destroy_Task', vm, []);
  }

  private async task(method: string, self: MoRef, args: XmlElement[]): Promise<MoRef> {
    const [r] = await this.session.invoke(method, self, args);
    const task = readMoRef(r);
    if (!task) throw new Error(`vCenter ${method} on ${moRefText(self)}: no task in the answer`);
    return task;
  }

  /**
   * Polls the task's `info` until it ends (100 ms, growing to 2 s). Answers the finished info; a failed task
   * throws VimTaskError. `timeoutMs` bounds the wait (the task itself is left running in vCenter).
   */
  async waitForTask(task: MoRef, what: string, timeoutMs = 30 * 60_000): Promise<TaskInfoView> {
    const deadline = Date.now() + timeoutMs;
    let delay = 100;
    for (;;) {
      const info = await this.taskInfo(task);
      if (!info) throw new VimTaskError(what, 'ManagedObjectNotFound', `task ${task.value} is no longer known to vCenter`);
      if (info.state === 'success') return info;
      if (info.state === 'error') throw new VimTaskError(what, info.error?.faultType ?? 'unknown', info.error?.message ?? '');
      if (Date.now() + delay > deadline)
        throw new Error(`${what}: task ${task.value} still ${info.state} after ${Math.round(timeoutMs / 1000)} s`);
      await sleep(delay);
      delay = Math.min(2000, delay * 2);
    }
  }
}

/** The elements of an array-valued property (`ArrayOfVirtualDevice`, `ArrayOfOptionValue`, ...). */
export const arrayItems = (val: XmlElement | undefined): XmlElement[] => val?.children ?? [];

/** The text of a scalar property. */
export const scalar = (o: ObjectContent | undefined, path: string): string | undefined => o?.props.get(path)?.text;

/** A reference-valued property. */
export const refProp = (o: ObjectContent | undefined, path: string): MoRef | undefined => readMoRef(o?.props.get(path));
