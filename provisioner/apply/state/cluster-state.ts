import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { compareStrings } from '../../../lib/shared/compare';
import { writeFileAtomic } from './atomic-file';
import { resourceRecordSchema, type ResourceRecord, type StateDraft, type StateStore } from '../../providers/step';

export { resourceRecordSchema, type ResourceRecord, type StateDraft } from '../../providers/step';

/**
 * What akb has done to the world for one cluster: `<state dir>/state.json`, one record per resource akb created
 * or changed (the record format is the providers' port, providers/step.ts). Every change is written atomically;
 * providers keep their own typed fields under `data`.
 */

export const STATE_FILE = 'state.json';
const FORMAT = 'akb-state/v1';

const stateSchema = z.object({
  format: z.literal(FORMAT),
  cluster: z.string(),
  updatedAt: z.string(),
  resources: z.record(z.string(), resourceRecordSchema),
  /** Small provider-level facts (the ACI snapshot taken before a job, the ApplySet parent...). */
  facts: z.record(z.string(), z.unknown()).default({}),
});
export type ClusterStateData = z.infer<typeof stateSchema>;

export class StateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateError';
  }
}

export class ClusterState implements StateStore {
  #data: ClusterStateData;
  #queue: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    data: ClusterStateData,
    private readonly persist: boolean,
  ) {
    this.#data = data;
  }

  /** Loads the state of a cluster (empty when none was written yet). `persist: false` keeps changes in memory (diff). */
  static async load(dir: string, cluster: string, opts: { persist?: boolean } = {}): Promise<ClusterState> {
    const path = join(dir, STATE_FILE);
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const empty: ClusterStateData = { format: FORMAT, cluster, updatedAt: new Date().toISOString(), resources: {}, facts: {} };
    if (text === undefined) return new ClusterState(path, empty, opts.persist ?? true);
    let data: ClusterStateData;
    try {
      data = stateSchema.parse(JSON.parse(text));
    } catch (err) {
      const why =
        err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') : 'not JSON';
      throw new StateError(`${path} is not akb state (${FORMAT}): ${why}`);
    }
    if (data.cluster !== cluster)
      throw new StateError(`${path} belongs to cluster "${data.cluster}", not "${cluster}": give each cluster its own --state-dir`);
    return new ClusterState(path, data, opts.persist ?? true);
  }

  get cluster(): string {
    return this.#data.cluster;
  }

  get(id: string): ResourceRecord | undefined {
    const r = this.#data.resources[id];
    return r && structuredClone(r);
  }

  /** Records whose ID starts with `prefix` (e.g. `aci:`), in ID order. */
  entries(prefix = ''): Array<[string, ResourceRecord]> {
    return Object.entries(this.#data.resources)
      .filter(([id]) => id.startsWith(prefix))
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([id, r]) => [id, structuredClone(r)]);
  }

  fact<T>(name: string): T | undefined {
    return structuredClone(this.#data.facts[name]) as T | undefined;
  }

  /** A copy of everything (for tests and `akb jobs`). */
  snapshot(): ClusterStateData {
    return structuredClone(this.#data);
  }

  /**
   * Applies `change` to a draft and writes the result atomically; calls are serialised, so concurrent steps never
   * lose each other's records. Resolves once the new state is on disk.
   */
  update(change: (draft: StateDraft) => void): Promise<void> {
    const next = this.#queue.then(async () => {
      const draft: StateDraft = structuredClone({ resources: this.#data.resources, facts: this.#data.facts });
      change(draft);
      for (const [id, r] of Object.entries(draft.resources)) draft.resources[id] = resourceRecordSchema.parse(r);
      this.#data = { ...this.#data, resources: draft.resources, facts: draft.facts, updatedAt: new Date().toISOString() };
      if (this.persist) await writeFileAtomic(this.path, `${JSON.stringify(this.#data, null, 2)}\n`);
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Convenience: set (or replace) one record. */
  put(id: string, record: Omit<ResourceRecord, 'updatedAt'>): Promise<void> {
    return this.update((d) => {
      d.resources[id] = { ...record, updatedAt: new Date().toISOString() };
    });
  }

  remove(...ids: string[]): Promise<void> {
    return this.update((d) => {
      for (const id of ids) delete d.resources[id];
    });
  }
}
