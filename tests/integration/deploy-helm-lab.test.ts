import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../lib/lab';
import { kubectlFor, type KubectlRunner } from '../support/kubectl';
import { waitFor } from '../support/wait';
import { CHART, CHART_EXAMPLE_VALUES, helm } from './helm-support';

/**
 * `helm install` with the real helm 3.17 against the lab's Kubernetes API server (TLS, so helm sends its
 * token): helm validates against the lab's OpenAPI, stores its release in a Secret (a protobuf body), creates
 * the chart's objects, and the lab's controllers make the Deployment available as a real cluster would.
 * (Not `--wait`: helm would also wait for the Service's ClusterIP, which the lab does not allocate.)
 */
let lab: Lab;
let home: string;
let kubeconfig: string;
let kubectl: KubectlRunner;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'akb-helm-lab-'));
  lab = await startLab({ k8s: { tls: true } });
  kubeconfig = join(home, 'kubeconfig');
  await writeFile(kubeconfig, lab.kubeconfigYaml(), { mode: 0o600 });
  await writeFile(join(home, 'ui-token'), 'a-ui-token-of-24-characters\n', { mode: 0o600 });
  await writeFile(join(home, 'apic-password'), 'apic reader password\n', { mode: 0o600 });
  kubectl = kubectlFor(kubeconfig, home);
});
afterAll(async () => {
  await lab?.stop();
  await rm(home, { recursive: true, force: true });
});

const install = (verb: 'install' | 'upgrade') =>
  helm(
    home,
    [
      verb,
      'akb',
      CHART,
      '--namespace',
      'akb',
      ...(verb === 'install' ? ['--create-namespace'] : []),
      '-f',
      CHART_EXAMPLE_VALUES,
      '--set-file',
      `ui.token=${join(home, 'ui-token')}`,
      '--set-file',
      `apic.credentials.password=${join(home, 'apic-password')}`,
    ],
    kubeconfig,
  );

describe('helm install deploy/helm/akb on the lab', () => {
  it('installs the release and the Deployment becomes available in the lab', async () => {
    const out = await install('install');
    expect(out).toMatch(/STATUS: deployed/);
    const deployment = await waitFor(
      () => {
        const d = lab.k8s.store.get('deployments', 'akb', 'akb') as {
          status?: { availableReplicas?: number; observedGeneration?: number };
        };
        return d.status?.availableReplicas === 1 ? d : undefined;
      },
      { what: 'Deployment akb/akb available', timeoutMs: 30_000 },
    );
    expect(deployment.status?.availableReplicas).toBe(1);
    // The objects of the chart, where helm put them, and helm's own record of the release.
    for (const [resource, name] of [
      ['networkpolicy', 'akb'],
      ['poddisruptionbudget', 'akb'],
      ['service', 'akb'],
      ['configmap', 'akb-config'],
      ['secret', 'akb-ui-auth'],
      ['ingress', 'akb'],
    ] as const)
      expect(await kubectl('get', '-n', 'akb', resource, name, '-o', 'name')).toMatch(new RegExp(`/${name}\\n$`));
    expect(await kubectl('get', 'secrets', '-n', 'akb', '-l', 'owner=helm', '-o', 'name')).toBe('secret/sh.helm.release.v1.akb.v1\n');
    const rows = JSON.parse(await helm(home, ['list', '--namespace', 'akb', '-o', 'json'], kubeconfig)) as {
      name: string;
      status: string;
    }[];
    expect(rows.map((r) => [r.name, r.status])).toEqual([['akb', 'deployed']]);
  });

  it('helm upgrade with a new token changes the pod template (a real cluster rolls the pods), and helm uninstall removes the release', async () => {
    type Dep = { metadata: { generation?: number }; spec: { template: { metadata: { annotations: Record<string, string> } } } };
    const deployment = () => lab.k8s.store.get('deployments', 'akb', 'akb') as unknown as Dep;
    const before = deployment();
    await writeFile(join(home, 'ui-token'), 'another-ui-token-of-24-chars\n');
    expect(await install('upgrade')).toMatch(/REVISION: 2/);
    // The Secret keeps its name; its checksum in the pod template changes, so the Deployment rolls.
    const after = deployment();
    expect(after.metadata.generation).toBe((before.metadata.generation ?? 1) + 1);
    const checksum = (d: Dep) => d.spec.template.metadata.annotations['checksum/secrets'];
    expect(checksum(after)).not.toBe(checksum(before));
    expect(after.spec.template.metadata.annotations['checksum/config']).toBe(before.spec.template.metadata.annotations['checksum/config']);
    await helm(home, ['uninstall', 'akb', '--namespace', 'akb'], kubeconfig);
    expect(await kubectl('get', 'deployments,secrets,networkpolicies,poddisruptionbudgets', '-n', 'akb', '-o', 'name')).toBe('');
  });
});
