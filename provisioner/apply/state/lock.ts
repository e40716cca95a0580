import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { fsyncDir } from './atomic-file';
import { currentProcess, liveness } from './process-identity';

/**
 * One job per cluster: `<state dir>/lock.json` names the job and the process holding it. It is created
 * complete-or-not-at-all (written to a temporary file, then hard-linked into place, which fails if a lock exists),
 * so no reader ever sees a half-written lock. A lock whose process is gone (killed, crashed, rebooted away) is
 * stale and is taken over: renamed aside under a unique name, checked to be the very lock judged stale (not a
 * fresh one another process created meanwhile; that one is put back), then replaced.
 */

const lockSchema = z.object({
  pid: z.number().int(),
  host: z.string(),
  bootId: z.string().optional(),
  startTicks: z.string().optional(),
  job: z.string(),
  command: z.string(),
  acquiredAt: z.string(),
  /** Distinguishes this lock file from any other ever written, so a takeover can tell them apart. */
  nonce: z.string(),
});
export type LockInfo = z.infer<typeof lockSchema>;

export class LockHeldError extends Error {
  constructor(
    readonly holder: LockInfo,
    readonly path: string,
    readonly reason: 'alive' | 'other-host',
  ) {
    super(
      reason === 'alive'
        ? `another job holds the cluster's lock: ${holder.command} job ${holder.job} (pid ${holder.pid}, since ${holder.acquiredAt}); wait for it or follow it with "akb jobs --follow ${holder.job}"`
        : `the cluster's lock ${path} is held by job ${holder.job} (pid ${holder.pid}) on host ${holder.host}; akb cannot tell from here whether it still runs — if it does not, remove the file`,
    );
    this.name = 'LockHeldError';
  }
}

export const LOCK_FILE = 'lock.json';
/** Not the atomic writer's suffix: a lock holder's clean-up must never remove another process's lock in the making. */
export const LOCK_TMP_SUFFIX = '.lock-tmp';

async function readLock(path: string): Promise<LockInfo | 'absent' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw err;
  }
  try {
    const parsed = lockSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

export interface HeldLock {
  readonly info: LockInfo;
  readonly path: string;
  /** Throws if the lock file is no longer this one (another process took it over). */
  assertHeld(): Promise<void>;
  release(): Promise<void>;
}

/** Writes the lock complete to a temporary file, then links it into place; false if a lock already exists. */
async function tryCreate(path: string, info: LockInfo): Promise<boolean> {
  const tmp = join(dirname(path), `.lock.${info.nonce}${LOCK_TMP_SUFFIX}`);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(`${JSON.stringify(info)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await link(tmp, path);
    await fsyncDir(dirname(path));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** Moves a stale lock aside, making sure it is the one judged stale; true when the way is clear. */
async function removeStale(path: string, stale: LockInfo | 'unreadable', mine: string): Promise<boolean> {
  const aside = `${path}.stale-${mine}`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true; // someone else removed it
    throw err;
  }
  const moved = await readLock(aside);
  const same = stale === 'unreadable' ? moved === 'unreadable' : typeof moved === 'object' && moved.nonce === stale.nonce;
  if (!same) {
    // We moved a lock another process created after the stale one went: give it back.
    await link(aside, path).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
    return false;
  }
  await unlink(aside).catch(() => undefined);
  return true;
}

export interface AcquireResult {
  lock: HeldLock;
  /** The stale lock that was taken over, if any (its job was interrupted). */
  tookOver?: LockInfo | 'unreadable';
}

/** Takes the lock of the state directory `dir` for `job`, or throws LockHeldError naming the holder. */
export async function acquireLock(dir: string, job: string, command: string): Promise<AcquireResult> {
  const path = join(dir, LOCK_FILE);
  const info: LockInfo = {
    ...currentProcess(),
    job,
    command,
    acquiredAt: new Date().toISOString(),
    nonce: randomBytes(12).toString('hex'),
  };
  let tookOver: AcquireResult['tookOver'];
  for (let attempt = 0; attempt < 20; attempt++) {
    if (await tryCreate(path, info)) return { lock: heldLock(path, info), ...(tookOver ? { tookOver } : {}) };
    const current = await readLock(path);
    if (current === 'absent') continue;
    if (current !== 'unreadable') {
      const state = liveness(current);
      if (state === 'alive') throw new LockHeldError(current, path, 'alive');
      if (state === 'unknown') throw new LockHeldError(current, path, 'other-host');
    }
    // Dead holder, or a lock that is not even ours to read: it was never completed by a live akb (creation is atomic).
    if (await removeStale(path, current, info.nonce)) tookOver = current;
  }
  throw new Error(`could not take the lock ${path}: it kept changing hands`);
}

function heldLock(path: string, info: LockInfo): HeldLock {
  let released = false;
  return {
    info,
    path,
    async assertHeld() {
      const now = await readLock(path);
      if (typeof now !== 'object' || now.nonce !== info.nonce)
        throw new Error(`job ${info.job} lost the cluster's lock ${path} (another process took it over); stopping`);
    },
    async release() {
      if (released) return;
      released = true;
      const now = await readLock(path);
      if (typeof now === 'object' && now.nonce === info.nonce) {
        await unlink(path).catch(() => undefined);
        await fsyncDir(dirname(path)).catch(() => undefined);
      }
    },
  };
}

/** The current holder of a directory's lock, if any (for `akb jobs`). */
export async function lockHolder(dir: string): Promise<(LockInfo & { running: boolean }) | undefined> {
  const l = await readLock(join(dir, LOCK_FILE));
  if (typeof l !== 'object') return undefined;
  return { ...l, running: liveness(l) !== 'dead' };
}
