import { stringify } from 'yaml';

/** A kubeconfig with one cluster/user/context, accepted by kubectl and client-node's `loadFromFile`/`loadFromString`. */
export interface KubeconfigInput {
  server: string;
  /** Omitted for a server that needs no credentials. */
  token?: string;
  caPem?: string;
  name?: string;
}

/**
 * For a plain-HTTP server the cluster gets `insecure-skip-tls-verify: true`: there is no TLS to verify, but
 * client-node 2.x refuses http:// URLs without it. kubectl never sends a bearer token over plain HTTP
 * (client-go only adds credentials for https), so kubectl needs the TLS server or an anonymous one.
 */
export function kubeconfigYaml({ server, token, caPem, name = 'akb-lab' }: KubeconfigInput): string {
  const tlsFields = caPem
    ? { 'certificate-authority-data': Buffer.from(caPem).toString('base64') }
    : server.startsWith('http:')
      ? { 'insecure-skip-tls-verify': true }
      : {};
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, ...tlsFields } }],
    users: [{ name: `${name}-admin`, user: token === undefined ? {} : { token } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin`, namespace: 'default' } }],
    'current-context': name,
    preferences: {},
  });
}
