import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../lib/lab';
import { EXAMPLE_OVERLAY, kubectl } from './deploy-support';
import { waitFor } from '../support/wait';

/**
 * The install command the README gives, against the embedded lab's Kubernetes API server (TLS, so
 * kubectl sends its token); the lab's controllers then run the Deployment as a real cluster would.
 */
let lab: Lab;
let dir: string;
let kubeconfig: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'akb-deploy-lab-'));
  lab = await startLab({ k8s: { tls: true } });
  kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, lab.kubeconfigYaml(), { mode: 0o600 });
});
afterAll(async () => {
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('kubectl apply --server-side -k deploy/overlays/example', () => {
  it('creates every object and the lab runs the akb pod', async () => {
    const out = await kubectl(dir, ['apply', '--server-side', '-k', EXAMPLE_OVERLAY], kubeconfig);
    for (const line of [
      'namespace/akb serverside-applied',
      'serviceaccount/akb serverside-applied',
      'clusterrole.rbac.authorization.k8s.io/akb-reader serverside-applied',
      'clusterrolebinding.rbac.authorization.k8s.io/akb-reader serverside-applied',
      'service/akb serverside-applied',
      'deployment.apps/akb serverside-applied',
      'ingress.networking.k8s.io/akb serverside-applied',
      'networkpolicy.networking.k8s.io/akb serverside-applied',
      'poddisruptionbudget.policy/akb serverside-applied',
    ]) {
      expect(out).toContain(line);
    }
    expect(out).toMatch(/secret\/akb-ui-auth-[a-z0-9]+ serverside-applied/);

    const store = lab.k8s.store;
    const deployment = store.get('deployments', 'akb', 'akb');
    expect((deployment.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]?.image).toBe(
      'registry.example.com/akb:0.1.0',
    );

    const running = await waitFor(
      async () => {
        const rows = (await kubectl(dir, ['get', 'pods', '-n', 'akb', '--no-headers'], kubeconfig)).trim().split('\n').filter(Boolean);
        return rows.length === 1 && rows[0]!.includes('Running') ? rows[0]! : undefined;
      },
      { what: 'the akb pod Running', timeoutMs: 20_000 },
    );
    expect(running.split(/\s+/).slice(0, 3)).toEqual([expect.stringMatching(/^akb-[a-z0-9]+-[a-z0-9]+$/), '1/1', 'Running']);
  });

  it('a second apply changes nothing (idempotent install and upgrade command)', async () => {
    const before = lab.k8s.store.get('deployments', 'akb', 'akb').metadata.generation;
    const out = await kubectl(dir, ['apply', '--server-side', '-k', EXAMPLE_OVERLAY], kubeconfig);
    expect(out).toContain('deployment.apps/akb serverside-applied');
    expect(lab.k8s.store.get('deployments', 'akb', 'akb').metadata.generation).toBe(before);
  });
});
