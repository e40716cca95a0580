import { describe, expect, it } from 'vitest';
import { ConfigError, loadServiceConfig, usesLab } from '../../lib/live/server/config';

describe('service configuration', () => {
  it('applies defaults with nothing configured and runs the lab', () => {
    const config = loadServiceConfig({}, {});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 3000, labScenario: 'demo', labDemo: true });
    expect(usesLab(config, {})).toBe(true);
  });

  it('lets flags win over environment variables', () => {
    // 0.0.0.0 without UI auth is refused unless explicitly allowed (security); allowed here, it is not the point.
    const config = loadServiceConfig({ port: '4000' }, { AKB_PORT: '5000', AKB_HOST: '0.0.0.0', AKB_ALLOW_UNAUTHENTICATED: 'true' });
    expect(config.port).toBe(4000);
    expect(config.host).toBe('0.0.0.0');
  });

  it('reads PORT when neither --port nor AKB_PORT is given, and names it when it is bad', () => {
    expect(loadServiceConfig({}, { PORT: '4567' }).port).toBe(4567);
    expect(loadServiceConfig({}, { PORT: '4567', AKB_PORT: '5000' }).port).toBe(5000);
    expect(loadServiceConfig({ port: '4000' }, { PORT: '4567' }).port).toBe(4000);
    expect(() => loadServiceConfig({}, { PORT: 'http' })).toThrow(/PORT: must be a number/);
  });

  it('reports every bad value at once, naming where it came from', () => {
    let error: unknown;
    try {
      loadServiceConfig({ port: '70000' }, { AKB_LOG_LEVEL: 'loud', AKB_LAB: 'maybe' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/--port: must be a TCP port/);
    expect(problems).toMatch(/AKB_LOG_LEVEL/);
    expect(problems).toMatch(/AKB_LAB: expected true or false, got "maybe"/);
  });

  it('uses a real cluster only when one is configured explicitly', () => {
    expect(usesLab(loadServiceConfig({ kubeconfig: '/tmp/k' }, {}), {})).toBe(false);
    expect(usesLab(loadServiceConfig({}, {}), { KUBECONFIG: '/tmp/k' })).toBe(false);
    expect(usesLab(loadServiceConfig({}, {}), { KUBERNETES_SERVICE_HOST: '10.0.0.1' })).toBe(false);
    expect(usesLab(loadServiceConfig({ lab: true, kubeconfig: '/tmp/k' }, {}), {})).toBe(true);
    expect(usesLab(loadServiceConfig({ lab: false }, {}), {})).toBe(false);
  });
});
