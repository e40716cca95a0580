import { createHmac, timingSafeEqual } from 'node:crypto';
import type { KubeObject } from '../../topology/bundle-types';
import type { KubeStore } from '../k8s';

/**
 * Bootstrap tokens as a cluster keeps them (kubeadm writes them, the API server authenticates with them, the
 * bootstrap signer signs `cluster-info` with them): Secrets `kube-system/bootstrap-token-<id>` of type
 * `bootstrap.kubernetes.io/token`. A token past its `expiration` neither authenticates nor signs.
 */

export const TOKEN_FORM = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: unknown) => (typeof s === 'string' ? Buffer.from(s, 'base64').toString('utf8') : undefined);

export interface StoredToken {
  id: string;
  secret: string;
  expiration?: Date;
  usages: string[];
  groups: string[];
}

export function tokenSecret(token: string, ttlMs: number | undefined, usages: string[], groups: string[], now = Date.now()): KubeObject {
  const m = TOKEN_FORM.exec(token);
  if (!m) throw new Error('not a bootstrap token');
  const data: Record<string, string> = { 'token-id': b64(m[1] as string), 'token-secret': b64(m[2] as string) };
  if (ttlMs !== undefined && ttlMs > 0) data.expiration = b64(new Date(now + ttlMs).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  for (const u of usages) data[`usage-bootstrap-${u}`] = b64('true');
  if (groups.length > 0) data['auth-extra-groups'] = b64(groups.join(','));
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `bootstrap-token-${m[1]}`, namespace: 'kube-system' },
    type: 'bootstrap.kubernetes.io/token',
    data,
  } as KubeObject;
}

export function readToken(secret: KubeObject): StoredToken | undefined {
  const data = (secret as { data?: Record<string, string> }).data ?? {};
  const id = unb64(data['token-id']);
  const tokenSecretValue = unb64(data['token-secret']);
  if (!id || !tokenSecretValue) return undefined;
  const exp = unb64(data.expiration);
  return {
    id,
    secret: tokenSecretValue,
    ...(exp ? { expiration: new Date(exp) } : {}),
    usages: Object.keys(data)
      .filter((k) => k.startsWith('usage-bootstrap-') && unb64(data[k]) === 'true')
      .map((k) => k.slice('usage-bootstrap-'.length)),
    groups: (unb64(data['auth-extra-groups']) ?? '').split(',').filter((g) => g !== ''),
  };
}

export function validTokens(store: KubeStore, usage: 'signing' | 'authentication', now = Date.now()): StoredToken[] {
  return store
    .list('secrets', { namespace: 'kube-system' })
    .items.filter((s) => (s as { type?: string }).type === 'bootstrap.kubernetes.io/token')
    .map(readToken)
    .filter(
      (t): t is StoredToken => t !== undefined && t.usages.includes(usage) && (t.expiration === undefined || t.expiration.getTime() > now),
    );
}

/** Authenticates `id.secret` as the API server's bootstrap-token authenticator does. */
export function authenticateToken(store: KubeStore, token: string): StoredToken | undefined {
  const m = TOKEN_FORM.exec(token);
  if (!m) return undefined;
  const t = validTokens(store, 'authentication').find((x) => x.id === m[1]);
  if (!t) return undefined;
  const a = Buffer.from(t.secret);
  const b = Buffer.from(m[2] as string);
  return a.length === b.length && timingSafeEqual(a, b) ? t : undefined;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** The detached JWS (HS256, `kid` = token ID) the bootstrap signer puts next to cluster-info's kubeconfig. */
export function detachedJws(payload: string, tokenId: string, tokenSecretValue: string): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', kid: tokenId }));
  const sig = createHmac('sha256', `${tokenId}.${tokenSecretValue}`)
    .update(`${header}.${b64url(payload)}`)
    .digest();
  return `${header}..${b64url(sig)}`;
}

/**
 * The bootstrap signer: keeps `jws-kubeconfig-<id>` in kube-public/cluster-info for exactly the valid signing
 * tokens. Run after every change to Secrets or to cluster-info.
 */
export function signClusterInfo(store: KubeStore): void {
  const ci = store.tryGet('configmaps', 'cluster-info', 'kube-public');
  if (!ci) return;
  const data = { ...((ci as { data?: Record<string, string> }).data ?? {}) };
  const kubeconfig = data.kubeconfig;
  if (kubeconfig === undefined) return;
  const want: Record<string, string> = {};
  for (const t of validTokens(store, 'signing')) want[`jws-kubeconfig-${t.id}`] = detachedJws(kubeconfig, t.id, t.secret);
  const have = Object.fromEntries(Object.entries(data).filter(([k]) => k.startsWith('jws-kubeconfig-')));
  if (JSON.stringify(Object.entries(have).sort()) === JSON.stringify(Object.entries(want).sort())) return;
  const next = Object.fromEntries(Object.entries(data).filter(([k]) => !k.startsWith('jws-kubeconfig-')));
  store.update({ ...ci, data: { ...next, ...want } } as KubeObject);
}
