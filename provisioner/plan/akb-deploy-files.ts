import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The only I/O of the akb manifests: the text of akb's own deploy/ files, read at plan time from next to this
 * module (not from the working directory).
 *
 * Read rather than embedded so that the plan can never drift from what `kubectl apply -k` installs: an edit to
 * deploy/base is in the next plan, with no generation step to forget. deploy/ travels with akb wherever it is
 * installed: the npm package lists it in `files` and the image copies it (tests/integration/plan-installed.test.ts
 * runs `akb plan` from a packed, installed copy outside the repository).
 */
export const DEPLOY_DIR = fileURLToPath(new URL('../../deploy', import.meta.url));

/** deploy/-relative path ("base/deployment.yaml") → file text. */
export type DeployFiles = ReadonlyMap<string, string>;

/** The example overlay's Ingress: the template of the Ingress the plan adds when the spec names a host. */
export const EXAMPLE_INGRESS = 'overlays/example/ingress.yaml';

const cache = new Map<string, DeployFiles>();

/** Every YAML file of deploy/base plus the example Ingress, in name order; read once per process. */
export function loadDeployFiles(dir: string = DEPLOY_DIR): DeployFiles {
  const cached = cache.get(dir);
  if (cached) return cached;
  const files = new Map<string, string>();
  const read = (rel: string) => {
    try {
      files.set(rel, readFileSync(join(dir, rel), 'utf8'));
    } catch (err) {
      throw new Error(
        `cannot read akb's install manifests ${join(dir, rel)}: ${(err as Error).message} (akb plan needs the deploy/ directory installed with akb)`,
      );
    }
  };
  let base: string[];
  try {
    base = readdirSync(join(dir, 'base'))
      .filter((f) => f.endsWith('.yaml'))
      .sort();
  } catch (err) {
    throw new Error(
      `cannot list akb's install manifests in ${join(dir, 'base')}: ${(err as Error).message} (akb plan needs the deploy/ directory installed with akb)`,
    );
  }
  for (const f of base) read(`base/${f}`);
  read(EXAMPLE_INGRESS);
  cache.set(dir, files);
  return files;
}
