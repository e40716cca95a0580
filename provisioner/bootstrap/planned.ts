import type { ResolvedSpec } from '../spec/defaults';
import type { ClusterNode } from '../spec/schema';
import type { SecretUse } from '../plan/secrets';
import { nodeFiles } from './node-files';
import { cloudConfig } from './user-data';

/** The bootstrap artefacts as the plan shows them: pure, with placeholders where the generated secrets go. */

/** The plan's view of one node's user data: placeholders where secrets go. */
export function plannedUserData(r: ResolvedSpec, n: ClusterNode): string {
  return cloudConfig(r, n, nodeFiles(r, n));
}

/** What the plan's summary lists for the generated bootstrap secrets (full mode). */
export function bootstrapSecretUses(r: ResolvedSpec): SecretUse[] {
  const generated = 'generated at apply time';
  const out: SecretUse[] = [
    { name: 'kubeadm-token', source: generated, usedBy: 'kubeadm init/join' },
    { name: 'kubeadm-certificate-key', source: generated, usedBy: 'control-plane join (kubeadm-certs)' },
    { name: 'kubeadm-ca-cert-hash', source: 'derived from the generated cluster CA', usedBy: 'kubeadm join discovery' },
    { name: 'pki-ca-key', source: generated, usedBy: 'cluster CA on the first master, admin kubeconfig' },
    { name: 'pki-front-proxy-ca-key', source: generated, usedBy: 'front-proxy CA on the first master' },
    { name: 'pki-etcd-ca-key', source: generated, usedBy: 'etcd CA on the first master' },
    { name: 'pki-sa-key', source: generated, usedBy: 'service-account signing key on the first master' },
  ];
  if (r.spec.cluster.nodes.filter((n) => n.role === 'master').length === 3)
    out.push({ name: 'keepalived-password', source: generated, usedBy: 'keepalived VRRP authentication' });
  return out;
}
