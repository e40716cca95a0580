/**
 * What akb has asked vCenter to clone and not yet seen finish, kept so that a re-run after a crash starts
 * nothing new while a clone may still be in flight (CAPV records the running task for the same reason). The
 * record is written *before* CloneVM_Task is sent and completed with the task reference once vCenter answers:
 * a record without a task means "the request may have reached vCenter".
 */
export interface CloneRecord {
  node: string;
  instanceUuid: string;
  /** ISO time the clone request was about to be sent. */
  requestedAt: string;
  /** The task vCenter answered with, once it answered. */
  task?: string;
}

export interface CloneLedger {
  /** The clone in flight for the node, if any. */
  get(node: string): Promise<CloneRecord | undefined>;
  /** A clone is about to be requested (no task yet) or was answered with `task`. */
  put(record: CloneRecord): Promise<void>;
  /** The node's VM exists (akb cloned it, now or earlier): nothing is in flight for it. */
  settle(node: string, instanceUuid: string): Promise<void>;
  /** The node's VM is gone. */
  forget(node: string): Promise<void>;
}

/** A ledger in memory (one process's life): for tests and callers without a state directory (`state-ledger.ts` is akb apply's). */
export function memoryCloneLedger(): CloneLedger {
  const m = new Map<string, CloneRecord>();
  return {
    get: async (node) => m.get(node),
    put: async (r) => void m.set(r.node, { ...r }),
    settle: async (node) => void m.delete(node),
    forget: async (node) => void m.delete(node),
  };
}
