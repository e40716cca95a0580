import type { MoRef } from '../../vsphere/envelope';
import { TwinFault } from './faults';
import type { VcenterInventory } from './inventory';

/**
 * vCenter tasks as clients see them: a method answers at once with a Task reference, the work runs afterwards
 * (queued → running → success | error), and `TaskManager.recentTask` lists the tasks of the last minutes. A
 * client killed after sending CloneVM_Task therefore finds the clone running, or its VM, when it comes back.
 */
export interface TwinTask {
  ref: MoRef;
  /** The method's wire name (`CloneVM_Task`), as TaskInfo.name carries it. */
  method: string;
  descriptionId: string;
  entity: MoRef;
  entityName: string;
  user: string;
  state: 'queued' | 'running' | 'success' | 'error';
  error?: { faultType: string; message: string };
  result?: MoRef;
  progress?: number;
  queueTime: Date;
  startTime?: Date;
  completeTime?: Date;
  eventChainId: number;
}

const RECENT_MS = 10 * 60_000;

export class TaskTracker {
  readonly tasks = new Map<string, TwinTask>();
  private next = 1;

  constructor(private readonly inventory: VcenterInventory) {}

  get(ref: MoRef): TwinTask | undefined {
    return ref.type === 'Task' ? this.tasks.get(ref.value) : undefined;
  }

  /** Tasks vCenter would still list: unfinished, or finished within the last ten minutes. */
  recent(): MoRef[] {
    const now = Date.now();
    return [...this.tasks.values()].filter((t) => !t.completeTime || now - t.completeTime.getTime() < RECENT_MS).map((t) => t.ref);
  }

  /**
   * Starts `work` after `durationMs` of running; answers the task at once. `work` throws a TwinFault to fail
   * the task, or answers the result reference.
   */
  start(
    method: string,
    descriptionId: string,
    entity: MoRef,
    entityName: string,
    user: string,
    durationMs: number,
    work: () => MoRef | undefined,
  ): MoRef {
    const ref = { type: 'Task', value: `task-${this.next++}` };
    const task: TwinTask = {
      ref,
      method,
      descriptionId,
      entity,
      entityName,
      user,
      state: 'queued',
      queueTime: new Date(),
      eventChainId: this.next,
    };
    this.tasks.set(ref.value, task);
    const run = (): void => {
      task.state = 'running';
      task.startTime = new Date();
      task.progress = 0;
      this.inventory.changed();
      setTimeout(() => {
        try {
          const result = work();
          task.state = 'success';
          if (result) task.result = result;
        } catch (err) {
          task.state = 'error';
          task.error =
            err instanceof TwinFault
              ? { faultType: err.faultType, message: err.message }
              : { faultType: 'SystemError', message: err instanceof Error ? err.message : String(err) };
        }
        task.progress = 100;
        task.completeTime = new Date();
        this.inventory.changed();
      }, durationMs).unref();
    };
    setImmediate(run);
    return ref;
  }

  /** Forget finished tasks older than the recent window (a long-running lab would otherwise grow). */
  prune(): void {
    const now = Date.now();
    for (const [k, t] of this.tasks) if (t.completeTime && now - t.completeTime.getTime() > RECENT_MS) this.tasks.delete(k);
  }
}
