import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { z } from 'zod';

export const kubeConfigOptionsSchema = z.object({
  /** Explicit kubeconfig file; when given, nothing else is tried. */
  path: z.string().min(1, 'expected a non-empty kubeconfig path').optional(),
  /** Context to use instead of the file's current-context. */
  context: z.string().min(1, 'expected a non-empty context name').optional(),
});
export type KubeConfigOptions = z.input<typeof kubeConfigOptionsSchema>;

/** Where to look; injectable so tests do not depend on the machine's environment. */
export interface KubeConfigEnv {
  KUBECONFIG?: string;
  home?: string;
  /** Prefix of /var/run/secrets/kubernetes.io/serviceaccount (in-cluster). */
  serviceAccountRoot?: string;
  KUBERNETES_SERVICE_HOST?: string;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export class KubeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeConfigError';
  }
}

function fromFiles(files: string[]): KubeConfig {
  const kc = new KubeConfig();
  if (files.length === 1) {
    kc.loadFromFile(files[0]!);
    return kc;
  }
  // Several KUBECONFIG files merge, first file wins, as kubectl does.
  for (const f of files) {
    const part = new KubeConfig();
    part.loadFromFile(f);
    kc.mergeConfig(part, true);
    if (!kc.getCurrentContext() && part.getCurrentContext()) kc.setCurrentContext(part.getCurrentContext());
  }
  return kc;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Loads cluster access the way users expect: an explicit path; else `$KUBECONFIG` (path-list, merged);
 * else `~/.kube/config`; else the in-cluster service account. Unlike client-node's loadFromDefault it
 * never silently falls back to http://localhost:8080: when nothing works the error lists what was tried.
 */
export function loadKubeConfig(opts: KubeConfigOptions = {}, env: KubeConfigEnv = defaultEnv()): KubeConfig {
  const parsed = kubeConfigOptionsSchema.safeParse(opts);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new KubeConfigError(`invalid kubeconfig options: ${i?.path.join('.') ?? ''}: ${i?.message ?? 'invalid'}`);
  }
  const { path, context } = parsed.data;
  const tried: string[] = [];
  let kc: KubeConfig | undefined;
  const attempt = (what: string, load: () => KubeConfig): void => {
    try {
      kc = load();
    } catch (err) {
      tried.push(`${what}: ${describe(err)}`);
    }
  };
  if (path) {
    attempt(`kubeconfig ${path}`, () => fromFiles([path]));
  } else {
    const envFiles = (env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== '');
    const existing = envFiles.filter((f) => existsSync(f));
    if (envFiles.length > 0 && existing.length === 0) tried.push(`KUBECONFIG=${env.KUBECONFIG}: no such file`);
    if (existing.length > 0) attempt(`KUBECONFIG=${env.KUBECONFIG}`, () => fromFiles(existing));
    const home = env.home ? join(env.home, '.kube', 'config') : undefined;
    if (!kc && home) {
      if (existsSync(home)) attempt(home, () => fromFiles([home]));
      else tried.push(`${home}: no such file`);
    }
    if (!kc) {
      const root = env.serviceAccountRoot ?? '';
      const token = `${root}${SA_DIR}/token`;
      if (!env.KUBERNETES_SERVICE_HOST) tried.push('in-cluster: KUBERNETES_SERVICE_HOST is not set');
      else if (!existsSync(token)) tried.push(`in-cluster: ${token}: no such file`);
      else
        attempt('in-cluster service account', () => {
          const c = new KubeConfig();
          c.loadFromCluster(root);
          return c;
        });
    }
  }
  if (!kc) throw new KubeConfigError(`no Kubernetes configuration found; tried: ${tried.join('; ')}`);
  const loaded: KubeConfig = kc;
  if (context) {
    const names = loaded.getContexts().map((c) => c.name);
    if (!names.includes(context)) {
      throw new KubeConfigError(`context "${context}" not found in the kubeconfig; available: ${names.join(', ') || '(none)'}`);
    }
    loaded.setCurrentContext(context);
  }
  if (!loaded.getCurrentCluster()) {
    throw new KubeConfigError(`the kubeconfig's current context "${loaded.getCurrentContext()}" names no cluster`);
  }
  return loaded;
}

function defaultEnv(): KubeConfigEnv {
  return {
    ...(process.env.KUBECONFIG !== undefined ? { KUBECONFIG: process.env.KUBECONFIG } : {}),
    home: process.env.HOME ?? homedir(),
    ...(process.env.KUBERNETES_SERVICE_HOST !== undefined ? { KUBERNETES_SERVICE_HOST: process.env.KUBERNETES_SERVICE_HOST } : {}),
  };
}
