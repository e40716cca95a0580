/** helm and kubectl kustomize on deploy/, with the pinned binaries of tests/support/kubectl.ts. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../lib/k8s/models/object';
import { helmPath, kubectlPath } from '../support/kubectl';
import { REPO } from './deploy-support';

export const CHART = join(REPO, 'deploy', 'helm', 'akb');
export const CHART_EXAMPLE_VALUES = join(CHART, 'ci', 'example-values.yaml');

const run = promisify(execFile);

/** The environment helm runs with: every helm directory and HOME under `home`, so nothing touches ~/. */
function helmEnv(home: string, kubeconfig?: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: home,
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_DATA_HOME: join(home, 'data'),
    KUBECONFIG: kubeconfig ?? join(home, 'no-kubeconfig'),
  };
}

/** Runs helm; resolves to stdout, rejects with helm's stderr in the message. */
export async function helm(home: string, args: string[], kubeconfig?: string): Promise<string> {
  try {
    const { stdout } = await run(await helmPath(), args, { timeout: 120_000, env: helmEnv(home, kubeconfig), cwd: REPO });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`helm ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

/** YAML 1.1 as kubectl and helm read it: `defaultMode: 0440` is octal. */
export function parseObjects(text: string): KubeObject[] {
  return parseAllDocuments(text, { version: '1.1' })
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

/** `helm template <release> deploy/helm/akb -n <namespace>` with the given extra arguments, parsed. */
export async function helmTemplate(home: string, args: string[], release = 'akb', namespace = 'akb'): Promise<KubeObject[]> {
  return parseObjects(await helm(home, ['template', release, CHART, '--namespace', namespace, ...args]));
}

/** `kubectl kustomize <dir>` with the pinned kubectl, parsed. */
export async function kustomizePinned(home: string, dir: string): Promise<KubeObject[]> {
  const { stdout } = await run(await kubectlPath(), ['kustomize', dir], {
    timeout: 60_000,
    env: { ...process.env, HOME: home, KUBECONFIG: join(home, 'no-kubeconfig') },
  });
  return parseObjects(stdout);
}
