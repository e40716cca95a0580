import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startClusterJob } from '../apply/cluster-job';
import type { ResolvedSpec } from '../../../provisioner/spec/defaults';
import { preflight } from './preflight';
import {
  followJob,
  listJobs,
  lockHolder,
  readJobEvents,
  resolveSecretRef,
  type JobCommand,
  type JobEvent,
} from '../../../provisioner/apply/index';
import type { Logger } from '../../logging';
import { compareStrings } from '../../shared/compare';
import type { JobListEntry, WizardSecrets } from '../../live/shared/provision';

/**
 * The jobs the UI starts: one engine job per cluster at a time, its state directory `<root>/<cluster>` (the same
 * directory `akb apply` uses from the same working directory, so `akb jobs` and the UI list the same history). The
 * journal is the truth: a page that reloads, or a server that restarted, reads every event back from it. What only
 * this process knows is kept in memory: the credentials typed for a cluster (for the job's life and its retries; a
 * restart forgets them and the page asks again) and who started which job.
 */

export type { JobEvent };

const WIZARD_ENV = 'AKB_WIZARD_APIC_PASSWORD';
const CLUSTER_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export class JobConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobConflictError';
  }
}

export interface StartRequest {
  command: JobCommand;
  cluster: string;
  specDoc: unknown;
  secrets: WizardSecrets;
  user: string;
}

interface Running {
  cluster: string;
  events: JobEvent[];
  listeners: Set<(e: JobEvent | null) => void>;
  done: boolean;
  cancel: () => void;
}

export class ProvisionJobs {
  private readonly running = new Map<string, Running>();
  private readonly startedBy = new Map<string, string>();
  private readonly secrets = new Map<string, WizardSecrets>();

  constructor(
    private readonly o: {
      root: string;
      stateKey: () => Promise<string>;
      logger: Logger;
      env: Record<string, string | undefined>;
      verifyTimeoutMs?: number;
    },
  ) {}

  stateDir(cluster: string): string {
    if (!CLUSTER_NAME.test(cluster)) throw new JobConflictError(`cluster name "${cluster}" is not a DNS label`);
    return join(this.o.root, cluster);
  }

  /** The environment a job resolves its secret references in: the server's, plus the typed password (memory only). */
  jobEnv(secrets: WizardSecrets): Record<string, string | undefined> {
    return { ...this.o.env, ...(secrets.apicPassword ? { [WIZARD_ENV]: secrets.apicPassword } : {}) };
  }

  /** Credentials remembered for a cluster (retry after a failure, destroy) merged with what the request brings. */
  secretsFor(cluster: string, given: WizardSecrets): WizardSecrets {
    const merged = { ...this.secrets.get(cluster), ...Object.fromEntries(Object.entries(given).filter(([, v]) => v)) };
    this.secrets.set(cluster, merged);
    return merged;
  }

  /** A diff, run to its end: the plan event (what would change) or why it could not be computed. */
  async diff(
    cluster: string,
    specDoc: unknown,
    secrets: WizardSecrets,
  ): Promise<{ plan: Extract<JobEvent, { type: 'plan' }> | null; error?: string }> {
    const handle = startClusterJob({
      command: 'diff',
      specText: JSON.stringify(specDoc),
      specPath: 'the wizard spec',
      stateDir: this.stateDir(cluster),
      stateKey: await this.o.stateKey(),
      env: this.jobEnv(this.secretsFor(cluster, secrets)),
    });
    let plan: Extract<JobEvent, { type: 'plan' }> | null = null;
    for await (const e of handle.events) if (e.type === 'plan') plan = e;
    const outcome = await handle.done;
    return outcome.outcome === 'failed' ? { plan: null, error: outcome.error ?? 'the diff failed' } : { plan };
  }

  /** The live-system checks of the review; a fabric that cannot be read is one problem at the controllers' field. */
  async preflight(cluster: string, r: ResolvedSpec, secrets: WizardSecrets): Promise<Array<{ path: string; message: string }>> {
    const apic = r.spec.fabric.apic;
    // Certificate (signature) credentials are a key file for the job: the pre-flight reads with passwords only.
    if (apic.certificateName !== undefined) return [];
    try {
      const password = await resolveSecretRef(apic.credentials, {
        env: this.jobEnv(this.secretsFor(cluster, secrets)),
        field: 'fabric.apic.credentials',
      });
      return await preflight(r, password);
    } catch (err) {
      return [
        {
          path: 'fabric.apic.urls',
          message: `pre-flight checks could not read the fabric: ${err instanceof Error ? err.message : String(err)}`,
        },
      ];
    }
  }

  async start(req: StartRequest): Promise<{ job: string }> {
    const dir = this.stateDir(req.cluster);
    const holder = await lockHolder(dir);
    if (holder?.running) throw new JobConflictError(`cluster ${req.cluster} is busy: job ${holder.job} (${holder.command}) holds it`);
    const handle = startClusterJob({
      command: req.command,
      specText: JSON.stringify(req.specDoc),
      specPath: 'the wizard spec',
      stateDir: dir,
      stateKey: await this.o.stateKey(),
      env: this.jobEnv(this.secretsFor(req.cluster, req.secrets)),
      ...(this.o.verifyTimeoutMs ? { verifyTimeoutMs: this.o.verifyTimeoutMs } : {}),
    });
    if (!handle.id) throw new JobConflictError((await handle.done).error ?? 'the job could not start');
    const run: Running = { cluster: req.cluster, events: [], listeners: new Set(), done: false, cancel: () => handle.cancel() };
    this.running.set(handle.id, run);
    this.startedBy.set(handle.id, req.user);
    // The audit line: who started which job on which cluster (no spec values, no secrets).
    this.o.logger.info(
      { audit: true, user: req.user, command: req.command, cluster: req.cluster, job: handle.id },
      'provisioning job started',
    );
    await mkdir(join(dir, 'wizard'), { recursive: true, mode: 0o700 });
    // The spec of every job, for its history: secret references only (the wizard never puts a value in the spec).
    await writeFile(join(dir, 'wizard', `${handle.id}.spec.yaml`), stringify(req.specDoc), { mode: 0o600 });
    void (async () => {
      for await (const e of handle.events) {
        run.events.push(e);
        for (const l of run.listeners) l(e);
      }
      run.done = true;
      for (const l of run.listeners) l(null);
      const outcome = await handle.done;
      this.o.logger.info(
        { audit: true, user: req.user, cluster: req.cluster, job: handle.id, outcome: outcome.outcome },
        'provisioning job finished',
      );
    })();
    return { job: handle.id };
  }

  cancel(cluster: string, job: string, user: string): boolean {
    const run = this.running.get(job);
    if (!run || run.cluster !== cluster || run.done) return false;
    this.o.logger.info({ audit: true, user, cluster, job }, 'provisioning job cancelled');
    run.cancel();
    return true;
  }

  /** Every job of every cluster below the root, newest first. */
  async history(): Promise<JobListEntry[]> {
    const clusters = await readdir(this.o.root, { withFileTypes: true }).catch(() => []);
    const out: JobListEntry[] = [];
    for (const c of clusters) {
      if (!c.isDirectory() || !CLUSTER_NAME.test(c.name)) continue;
      for (const j of await listJobs(join(this.o.root, c.name))) {
        const user = this.startedBy.get(j.job);
        out.push({ cluster: c.name, ...j, ...(user ? { user } : {}) });
      }
    }
    return out.sort((a, b) => compareStrings(b.startedAt, a.startedAt));
  }

  async spec(cluster: string, job: string): Promise<string | null> {
    if (!/^[0-9TZ]+-[0-9a-f]+$/.test(job)) return null;
    return readFile(join(this.stateDir(cluster), 'wizard', `${job}.spec.yaml`), 'utf8').catch(() => null);
  }

  /**
   * A job's events from the start (skipping the first `from`), then live until it ends: from memory for a job of
   * this process, else from the journal (another process, or before a restart).
   */
  async *events(cluster: string, job: string, from: number, signal: AbortSignal): AsyncGenerator<JobEvent> {
    const run = this.running.get(job);
    if (run && run.cluster === cluster) {
      const queue: Array<JobEvent | null> = [...run.events.slice(from)];
      if (run.done) queue.push(null);
      let wake: (() => void) | undefined;
      const listener = (e: JobEvent | null) => {
        queue.push(e);
        wake?.();
      };
      run.listeners.add(listener);
      try {
        for (;;) {
          while (queue.length > 0) {
            const e = queue.shift()!;
            if (e === null) return;
            yield e;
          }
          if (signal.aborted) return;
          await new Promise<void>((r) => {
            wake = r;
            signal.addEventListener('abort', () => r(), { once: true });
          });
        }
      } finally {
        run.listeners.delete(listener);
      }
    }
    const dir = this.stateDir(cluster);
    const known = (await readJobEvents(dir, job)).length > 0;
    if (!known) throw new JobConflictError(`no job ${job} for cluster ${cluster}`);
    let i = 0;
    for await (const e of followJob(dir, job, { signal })) if (i++ >= from) yield e;
  }
}
