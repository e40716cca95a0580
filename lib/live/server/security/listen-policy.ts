/**
 * Start-up refusals: settings under which akb would hand the fabric's picture to anyone who can reach it.
 * Checked with the rest of the configuration, so `server.ts` exits 2 naming the fix before it listens.
 */
import type { ServiceConfig } from '../config';
import { isLoopbackHost } from './hosts';

type Env = Record<string, string | undefined>;

export function listenProblems(c: ServiceConfig, env: Env): string[] {
  const problems: string[] = [];
  if (c.uiAuth === 'none' && !isLoopbackHost(c.host) && !c.allowUnauthenticated)
    problems.push(
      `--ui-auth none on ${c.host}: without UI authentication anyone who reaches this address sees the fabric; ` +
        'listen on 127.0.0.1, set --ui-auth token|basic|header, or pass --allow-unauthenticated (AKB_ALLOW_UNAUTHENTICATED) if a proxy in front authenticates',
    );
  if (c.uiAuth === 'header' && !c.uiAuthTrustedProxies?.length && !(c.uiAuthProxySecretFile || env.AKB_UI_AUTH_PROXY_SECRET))
    problems.push(
      `--ui-auth header: anyone can send ${c.uiAuthHeader}; give the proxies to trust (--ui-auth-trusted-proxies, CIDRs) ` +
        'or a secret the proxy sends in X-Akb-Proxy-Secret (--ui-auth-proxy-secret-file or AKB_UI_AUTH_PROXY_SECRET)',
    );
  return problems;
}
