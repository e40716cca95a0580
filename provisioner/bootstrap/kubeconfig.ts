import { stringify } from 'yaml';
import { issueCertificate } from '../../lib/pki/x509';
import type { ResolvedSpec } from '../spec/defaults';
import { controlPlaneEndpoint } from '../plan/cluster/kubeadm';
import type { BootstrapSecrets } from './secrets';

/**
 * The new cluster's admin kubeconfig, minted by akb from the CA it generated (as Cluster API does), so nothing
 * is fetched from a node. The client certificate is kubeadm's admin identity since 1.29: group
 * `kubeadm:cluster-admins`, which `kubeadm init` binds to cluster-admin (not `system:masters`, which no RBAC
 * rule can take away). The server is the control-plane endpoint (the VIP), reached through `proxyUrl` when the
 * node subnet is not routable from where akb runs; kubectl and client-node both honour `proxy-url`.
 */
export interface AdminKubeconfigOptions {
  proxyUrl?: string;
  /** Lifetime of the client certificate; kubeadm's is one year. */
  days?: number;
}

export function adminKubeconfig(r: ResolvedSpec, s: BootstrapSecrets, opts: AdminKubeconfigOptions = {}): string {
  const name = r.spec.cluster.name;
  const user = `${name}-admin`;
  const client = issueCertificate(s.ca, {
    commonName: 'kubernetes-admin',
    organizations: ['kubeadm:cluster-admins'],
    days: opts.days ?? 365,
    usage: 'client',
  });
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name,
        cluster: {
          server: `https://${controlPlaneEndpoint(r)}`,
          'certificate-authority-data': b64(s.ca.certPem),
          ...(opts.proxyUrl ? { 'proxy-url': opts.proxyUrl } : {}),
        },
      },
    ],
    users: [{ name: user, user: { 'client-certificate-data': b64(client.certPem), 'client-key-data': b64(client.keyPem) } }],
    contexts: [{ name: `${user}@${name}`, context: { cluster: name, user } }],
    'current-context': `${user}@${name}`,
    preferences: {},
  });
}
