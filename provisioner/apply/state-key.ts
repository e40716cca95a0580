import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { resolveSecretRef, type Env } from './secret-ref';

/**
 * The key material of the state directory's secret store: `--state-key REF` (`env:NAME`, `file:/path`); else the
 * AKB_STATE_KEY environment variable (the key itself); else a key file in the user's configuration directory
 * (`$XDG_CONFIG_HOME/akb/state.key`, `~/.config/akb/state.key`), created on first use with mode 0600. The default
 * keeps the key outside the state directory: a copied or leaked state directory alone opens nothing.
 */
export async function resolveStateKey(ref: string | undefined, env: Env = process.env): Promise<{ key: string; source: string }> {
  if (ref !== undefined) return { key: await resolveSecretRef(ref, { env, field: '--state-key' }), source: ref };
  if (env.AKB_STATE_KEY) return { key: env.AKB_STATE_KEY, source: 'env:AKB_STATE_KEY' };
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  const path = join(base, 'akb', 'state.key');
  try {
    return { key: (await readFile(path, 'utf8')).trim(), source: `file:${path}` };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  try {
    await writeFile(path, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another process created it first
  }
  return { key: (await readFile(path, 'utf8')).trim(), source: `file:${path}` };
}
