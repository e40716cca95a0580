import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Plan } from '../plan/index';
import { planFiles } from './files';

/** Writes the plan's files under `dir`; returns the relative paths written. */
export async function writePlan(plan: Plan, dir: string): Promise<string[]> {
  const files = planFiles(plan);
  for (const [rel, content] of files) {
    const path = join(dir, rel);
    await mkdir(dirname(path), { recursive: true });
    // User data and kubeadm config can be read by whoever reads the directory; keep it private.
    await writeFile(path, content, { mode: 0o600 });
  }
  return [...files.keys()];
}
