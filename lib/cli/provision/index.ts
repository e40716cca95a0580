import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveStateKey } from '../../../provisioner/apply/index';
import type { Logger } from '../../logging';
import { createGuard, type AuthMode } from './guard';
import { ProvisionJobs } from './jobs';
import { provisionRoutes, type ProvisionHandler } from './routes';

export { PROVISION_API } from '../../live/shared/provision';

/**
 * The provisioning section of the server, composed here (the composition root may use the provisioner; the live
 * server may not): on unless `--no-provisioner`, off by default when akb runs in-cluster as a dashboard, and off
 * without UI authentication unless the server listens on loopback only (a laptop's lab), since it writes to fabrics.
 */

export interface ProvisionerSettings {
  provisioner?: boolean;
  inCluster: boolean;
  uiAuth: AuthMode;
  uiAuthHeader: string;
  host: string;
  /** Where cluster state directories live (`<root>/<cluster>`), default `.akb/clusters` as `akb apply`. */
  provisionStateDir?: string;
  stateKey?: string;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

export function provisionerDecision(
  s: ProvisionerSettings,
  env: Record<string, string | undefined> = {},
): { enabled: boolean; reason: string } {
  if (s.provisioner === false) return { enabled: false, reason: 'provisioning is turned off on this server (--no-provisioner)' };
  // Inside a pod (the dashboard deployment) Kubernetes sets KUBERNETES_SERVICE_HOST, whatever the flags say.
  if (s.provisioner === undefined && (s.inCluster || env.KUBERNETES_SERVICE_HOST))
    return {
      enabled: false,
      reason: 'provisioning is off when akb runs in-cluster as a dashboard; start it with --provisioner to enable it',
    };
  if (s.uiAuth === 'none' && !LOOPBACK.test(s.host))
    return { enabled: false, reason: `provisioning needs UI authentication (--ui-auth) when listening on ${s.host}, not only on loopback` };
  return { enabled: true, reason: '' };
}

export function createProvisioner(
  s: ProvisionerSettings,
  logger: Logger,
  env: Record<string, string | undefined> = process.env,
): { enabled: boolean; handle: ProvisionHandler } {
  const decision = provisionerDecision(s, env);
  if (!decision.enabled) {
    logger.info({ reason: decision.reason }, 'provisioning section disabled');
    const text = JSON.stringify({ error: decision.reason, disabled: true });
    return {
      enabled: false,
      handle: (_req: IncomingMessage, res: ServerResponse) => {
        res.writeHead(404, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(text);
      },
    };
  }
  let key: Promise<string> | undefined;
  const jobs = new ProvisionJobs({
    root: s.provisionStateDir ?? '.akb/clusters',
    stateKey: () => (key ??= resolveStateKey(s.stateKey, env).then((k) => k.key)),
    logger: logger.child({ component: 'provisioner' }),
    env,
  });
  const guard = createGuard(s.uiAuth, s.uiAuthHeader);
  return { enabled: true, handle: provisionRoutes({ jobs, guard, logger }) };
}
