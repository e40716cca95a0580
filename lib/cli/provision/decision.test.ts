import { describe, expect, it } from 'vitest';
import { provisionerDecision, type ProvisionerSettings } from './index';

const base: ProvisionerSettings = { inCluster: false, uiAuth: 'none', uiAuthHeader: 'x-forwarded-user', host: '127.0.0.1' };

describe('whether the provisioning section is served', () => {
  it('is on for the local lab (loopback, no UI auth) and with UI auth anywhere', () => {
    expect(provisionerDecision(base).enabled).toBe(true);
    expect(provisionerDecision({ ...base, host: '0.0.0.0', uiAuth: 'token' }).enabled).toBe(true);
  });
  it('is off with --no-provisioner', () => {
    expect(provisionerDecision({ ...base, provisioner: false })).toMatchObject({
      enabled: false,
      reason: expect.stringContaining('--no-provisioner'),
    });
  });
  it('is off by default in-cluster (a dashboard), on there only when asked for', () => {
    expect(provisionerDecision({ ...base, inCluster: true, uiAuth: 'token' }).enabled).toBe(false);
    expect(provisionerDecision({ ...base, uiAuth: 'token' }, { KUBERNETES_SERVICE_HOST: '10.96.0.1' }).enabled).toBe(false);
    expect(provisionerDecision({ ...base, inCluster: true, uiAuth: 'token', provisioner: true }).enabled).toBe(true);
  });
  it('is off without UI authentication when reachable from other machines', () => {
    expect(provisionerDecision({ ...base, host: '0.0.0.0' })).toMatchObject({
      enabled: false,
      reason: expect.stringContaining('--ui-auth'),
    });
    expect(provisionerDecision({ ...base, host: '0.0.0.0', provisioner: true }).enabled).toBe(false);
  });
});
