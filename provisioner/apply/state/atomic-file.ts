import { randomBytes } from 'node:crypto';
import { open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Durable file replacement: a reader (or the next run after a kill -9 at any instant) sees either the whole old
 * content or the whole new content, never a mix. The new content goes to a temporary file in the same directory,
 * is flushed to disk, renamed over the target (atomic on POSIX), and the directory is flushed so the rename itself
 * survives a power cut.
 */

const TMP_SUFFIX = '.akb-tmp';

/** Flushes a directory's entries (the name → inode links a rename changed) to disk. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Replaces `path` with `data` atomically and durably. `mode` applies to the new file (default 0600: state may be sensitive). */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}${TMP_SUFFIX}`);
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
}

/**
 * Removes temporary files a killed writer left behind. Only call it while holding the directory's lock: then no
 * other writer is active, so every temporary file present is garbage.
 */
export async function removeStaleTemporaries(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    // A lock file in the making belongs to a process that does not hold the lock (yet): only old ones are garbage.
    const oldLockTmp =
      name.endsWith('.lock-tmp') && Date.now() - (await stat(join(dir, name)).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs > 60_000;
    if (!name.endsWith(TMP_SUFFIX) && !oldLockTmp) continue;
    await unlink(join(dir, name)).catch(() => undefined);
    removed.push(name);
  }
  return removed;
}
