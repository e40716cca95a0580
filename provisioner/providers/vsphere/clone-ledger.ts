import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

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
  get(node: string): Promise<CloneRecord | undefined>;
  put(record: CloneRecord): Promise<void>;
  clear(node: string): Promise<void>;
}

const recordSchema = z.strictObject({
  node: z.string().min(1),
  instanceUuid: z.string().min(1),
  requestedAt: z.string().min(1),
  task: z.string().min(1).optional(),
});
const fileSchema = z.strictObject({ clones: z.record(z.string(), recordSchema) });

/**
 * A ledger in one JSON file, replaced atomically (write a sibling, then rename), so a kill at any instant leaves
 * either the old or the new file. Writes are serialised within the process.
 */
export function fileCloneLedger(path: string): CloneLedger {
  let queue: Promise<unknown> = Promise.resolve();
  const read = async (): Promise<Record<string, CloneRecord>> => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return {};
    }
    const parsed = fileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${path}: not a clone ledger (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    return parsed.data.clones;
  };
  const update = (fn: (clones: Record<string, CloneRecord>) => void): Promise<void> => {
    const next = queue.then(async () => {
      const clones = await read();
      fn(clones);
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, `${JSON.stringify({ clones }, null, 2)}\n`, { mode: 0o600 });
      await rename(tmp, path);
    });
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    get: async (node) => {
      await queue;
      return (await read())[node];
    },
    put: (record) =>
      update((c) => {
        c[record.node] = record;
      }),
    clear: (node) =>
      update((c) => {
        delete c[node];
      }),
  };
}

/** A ledger in memory (one process's life), for callers that keep state elsewhere. */
export function memoryCloneLedger(): CloneLedger {
  const m = new Map<string, CloneRecord>();
  return {
    get: async (node) => m.get(node),
    put: async (r) => void m.set(r.node, { ...r }),
    clear: async (node) => void m.delete(node),
  };
}
