import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KubeConfigError, loadKubeConfig } from './kubeconfig';

const dir = mkdtempSync(join(tmpdir(), 'akb-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(server: string, contexts: string[] = ['lab']): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${contexts[0]}`,
    'clusters:',
    ...contexts.map((c) => `- name: ${c}\n  cluster:\n    server: ${server}/${c}`),
    'users:',
    '- name: u\n  user:\n    token: t0ken',
    'contexts:',
    ...contexts.map((c) => `- name: ${c}\n  context:\n    cluster: ${c}\n    user: u`),
  ].join('\n');
}
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('loadKubeConfig', () => {
  it('loads an explicit path and switches to a named context', () => {
    const p = file('explicit.yaml', kubeconfig('http://127.0.0.1:1', ['a', 'b']));
    expect(loadKubeConfig({ path: p }, {}).getCurrentCluster()?.server).toBe('http://127.0.0.1:1/a');
    expect(loadKubeConfig({ path: p, context: 'b' }, {}).getCurrentCluster()?.server).toBe('http://127.0.0.1:1/b');
  });

  it('names the available contexts when the requested one is missing', () => {
    const p = file('ctx.yaml', kubeconfig('http://127.0.0.1:1', ['a', 'b']));
    expect(() => loadKubeConfig({ path: p, context: 'c' }, {})).toThrow('context "c" not found in the kubeconfig; available: a, b');
  });

  it('prefers KUBECONFIG over ~/.kube/config', () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, '.kube'), { recursive: true });
    writeFileSync(join(home, '.kube', 'config'), kubeconfig('http://127.0.0.1:2'));
    const env = file('env.yaml', kubeconfig('http://127.0.0.1:3'));
    expect(loadKubeConfig({}, { KUBECONFIG: env, home }).getCurrentCluster()?.server).toBe('http://127.0.0.1:3/lab');
    expect(loadKubeConfig({}, { home }).getCurrentCluster()?.server).toBe('http://127.0.0.1:2/lab');
  });

  it('uses the in-cluster service account when no file exists', () => {
    const root = join(dir, 'sa');
    const sa = join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), 'sa-token');
    writeFileSync(join(sa, 'ca.crt'), '');
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
    process.env.KUBERNETES_SERVICE_PORT = '8080';
    try {
      const kc = loadKubeConfig({}, { home: join(dir, 'nohome'), serviceAccountRoot: root, KUBERNETES_SERVICE_HOST: '127.0.0.1' });
      expect(kc.getCurrentCluster()?.server).toBe('http://127.0.0.1:8080');
      expect(kc.getCurrentContext()).toBe('inClusterContext');
    } finally {
      if (saved.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
      else process.env.KUBERNETES_SERVICE_HOST = saved.host;
      if (saved.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
      else process.env.KUBERNETES_SERVICE_PORT = saved.port;
    }
  });

  it('lists everything it tried when nothing works, without falling back to localhost:8080', () => {
    const err = (() => {
      try {
        loadKubeConfig({}, { KUBECONFIG: join(dir, 'missing.yaml'), home: join(dir, 'nohome') });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(KubeConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain(`KUBECONFIG=${join(dir, 'missing.yaml')}: no such file`);
    expect(msg).toContain(`${join(dir, 'nohome', '.kube', 'config')}: no such file`);
    expect(msg).toContain('in-cluster: KUBERNETES_SERVICE_HOST is not set');
  });

  it('rejects an empty path with the field named', () => {
    expect(() => loadKubeConfig({ path: '' }, {})).toThrow('invalid kubeconfig options: path: expected a non-empty kubeconfig path');
  });

  it('reports an unreadable explicit file with its path and no token', () => {
    const p = file('bad.yaml', 'not: [valid');
    expect(() => loadKubeConfig({ path: p }, {})).toThrow(`tried: kubeconfig ${p}:`);
  });
});
