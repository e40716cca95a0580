import type { ResolvedSpec } from '../spec/defaults';
import type { ClusterNode } from '../spec/schema';
import type { MachineBootstrap } from '../providers/machines';
import { fillSecrets } from '../plan/secrets';
import { nodeFiles } from './node-files';
import { placeholderValues, type BootstrapSecrets } from './secrets';
import { BOOTSTRAP_PHASES, BOOTSTRAP_SCRIPT, BOOTSTRAP_SENTINEL } from './script';
import { cloudConfig, instanceMetadata } from './user-data';

export { adminKubeconfig, type AdminKubeconfigOptions } from './kubeconfig';
export {
  BOOTSTRAP_SECRETS_NAME,
  bootstrapSecretsSchema,
  caCertHash,
  generateBootstrapSecrets,
  loadOrCreateBootstrapSecrets,
  secretValues,
  type BootstrapSecrets,
  type SecretVault,
} from './secrets';
export { BOOTSTRAP_PHASES, BOOTSTRAP_SCRIPT, BOOTSTRAP_SENTINEL, type BootstrapPhase } from './script';
export { nodeFiles, kubeadmMode } from './node-files';
export { cloudConfig, instanceMetadata } from './user-data';
export { bootstrapSecretUses, plannedUserData } from './planned';

/** One node's bootstrap artefacts with every secret filled in (in memory: never write this to disk). */
export function nodeBootstrap(r: ResolvedSpec, secrets: BootstrapSecrets, n: ClusterNode): MachineBootstrap {
  const values = placeholderValues(secrets);
  const files = nodeFiles(r, n).map((f) => ({ ...f, content: fillSecrets(f.content, values) }));
  return {
    userData: cloudConfig(r, n, files),
    metadata: instanceMetadata(r.spec.cluster.name, n),
    files,
    script: BOOTSTRAP_SCRIPT,
    phases: BOOTSTRAP_PHASES,
    sentinel: BOOTSTRAP_SENTINEL,
  };
}
