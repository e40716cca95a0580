/** Runs the machine's kubectl on deploy/ and parses what it renders. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../lib/k8s/models/object';

export const REPO = join(import.meta.dirname, '..', '..');
export const EXAMPLE_OVERLAY = join(REPO, 'deploy', 'overlays', 'example');

const run = promisify(execFile);

/** kubectl with HOME and the discovery cache in `dir`, so nothing is read from or written to ~/.kube. */
export async function kubectl(dir: string, args: string[], kubeconfig?: string): Promise<string> {
  const env = { ...process.env, HOME: dir, KUBECONFIG: kubeconfig ?? join(dir, 'no-kubeconfig') };
  const base = kubeconfig ? ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache')] : [];
  const { stdout } = await run('kubectl', [...base, ...args], { timeout: 60_000, env, cwd: REPO });
  return stdout;
}

export async function kustomize(dir: string, path: string): Promise<KubeObject[]> {
  const docs = parseAllDocuments(await kubectl(dir, ['kustomize', path]));
  return docs.map((d) => d.toJS() as KubeObject).filter((o) => o !== null);
}
