import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabK8s, type LabK8sServer } from '../../lib/lab/k8s';
import { kubeFetch } from '../../lib/lab/k8s/test-support';
import { runKubectl } from './kubectl-run';

/**
 * What an applier needs from the lab API server, over the wire: server-side dry runs (`dryRun=All`) that check and
 * return the result without storing it, a re-apply of the same configuration that writes nothing, CRDs that
 * report Established, and the real `kubectl diff` (client-side and --server-side) with its exit codes.
 */
/** Plain http for fetch; the TLS listener on the same store for kubectl (client-go sends tokens over https only). */
let server: LabK8sServer;
let tlsServer: LabK8sServer;
let dir: string;
let kubeconfig: string;
let writes = 0;

const cm = (value: string) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cfg', namespace: 'default' },
  data: { a: value },
});
const cmPath = '/api/v1/namespaces/default/configmaps/cfg';
const ssa = (q = '') => `${cmPath}?fieldManager=akb${q}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'akb-dryrun-'));
  tlsServer = await startLabK8s({ tls: true });
  server = await startLabK8s({ store: tlsServer.store, token: tlsServer.token });
  kubeconfig = join(dir, 'kubeconfig');
  await tlsServer.writeKubeconfig(kubeconfig);
  server.store.subscribe(() => writes++);
});
afterAll(async () => {
  await server.stop();
  await tlsServer.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('server-side dry run (dryRun=All)', () => {
  it('an apply, a create, an update and a delete are answered with their result and store nothing', async () => {
    const before = { writes, rv: server.store.resourceVersion };
    const created = await kubeFetch(server, 'PATCH', ssa('&dryRun=All'), { body: cm('1'), contentType: 'application/apply-patch+yaml' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ data: { a: '1' }, metadata: { uid: expect.any(String), managedFields: [{ manager: 'akb' }] } });
    expect((created.body.metadata as Record<string, unknown>).resourceVersion).toBeUndefined();
    const posted = await kubeFetch(server, 'POST', '/api/v1/namespaces/default/configmaps?dryRun=All', { body: cm('1') });
    expect(posted.status).toBe(201);
    expect((await kubeFetch(server, 'GET', cmPath)).status).toBe(404);
    expect({ writes, rv: server.store.resourceVersion }).toEqual(before);

    await kubeFetch(server, 'PATCH', ssa(), { body: cm('1'), contentType: 'application/apply-patch+yaml' });
    const live = server.store.get('configmaps', 'cfg', 'default');
    const mid = { writes, rv: server.store.resourceVersion };
    const changed = await kubeFetch(server, 'PATCH', ssa('&dryRun=All'), { body: cm('2'), contentType: 'application/apply-patch+yaml' });
    expect(changed.body).toMatchObject({ data: { a: '2' }, metadata: { resourceVersion: live.metadata.resourceVersion } });
    const put = await kubeFetch(server, 'PUT', `${cmPath}?dryRun=All`, { body: { ...live, data: { a: '3' } } });
    expect(put.body).toMatchObject({ data: { a: '3' } });
    const deleted = await kubeFetch(server, 'DELETE', `${cmPath}?dryRun=All`);
    expect(deleted.status).toBe(200);
    expect(server.store.get('configmaps', 'cfg', 'default')).toEqual(live);
    expect({ writes, rv: server.store.resourceVersion }).toEqual(mid);
  });

  it('rejects dry-run values other than All, as the apiserver does', async () => {
    const r = await kubeFetch(server, 'DELETE', `${cmPath}?dryRun=Some`);
    expect(r.status).toBe(422);
    expect(String(r.body.message)).toContain('supported values: "All"');
  });
});

describe('server-side apply', () => {
  it('re-applying the same configuration is a no-op: same resourceVersion, no watch event', async () => {
    await kubeFetch(server, 'PATCH', ssa(), { body: cm('same'), contentType: 'application/apply-patch+yaml' });
    const rv = server.store.get('configmaps', 'cfg', 'default').metadata.resourceVersion;
    const before = writes;
    const again = await kubeFetch(server, 'PATCH', ssa(), { body: cm('same'), contentType: 'application/apply-patch+yaml' });
    expect(again.status).toBe(200);
    expect((again.body.metadata as Record<string, unknown>).resourceVersion).toBe(rv);
    expect(writes).toBe(before);
  });

  it('a created CRD reports NamesAccepted and Established', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
      },
    };
    const r = await kubeFetch(
      server,
      'PATCH',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com?fieldManager=akb',
      {
        body: crd,
        contentType: 'application/apply-patch+yaml',
      },
    );
    const conditions = (r.body.status as { conditions: { type: string; status: string }[] }).conditions;
    expect(conditions.map((c) => [c.type, c.status])).toEqual([
      ['NamesAccepted', 'True'],
      ['Established', 'True'],
    ]);
  });
});

describe('the real kubectl diff against the lab', () => {
  const manifest = (v: string) =>
    [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: diffed, namespace: default}',
      `data: {a: "${v}"}`,
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: diffed, namespace: default}',
      'spec:',
      '  replicas: 1',
      '  selector: {matchLabels: {app: diffed}}',
      '  template:',
      '    metadata: {labels: {app: diffed}}',
      '    spec: {containers: [{name: c, image: nginx}]}',
    ].join('\n');

  it('exits 1 with the objects that would be created, 0 once applied, 1 with the changed field', async () => {
    for (const mode of [[], ['--server-side']]) {
      const created = await runKubectl(dir, kubeconfig, ['diff', ...mode, '-f', '-'], { stdin: manifest('1') });
      expect(created.code, created.stderr).toBe(1);
      expect(created.stdout).toContain('+kind: ConfigMap');
      expect(created.stdout).toContain('+kind: Deployment');
    }
    const applied = await runKubectl(dir, kubeconfig, ['apply', '--server-side', '-f', '-'], { stdin: manifest('1') });
    expect(applied.code, applied.stderr).toBe(0);
    const before = writes;
    for (const mode of [[], ['--server-side']]) {
      const same = await runKubectl(dir, kubeconfig, ['diff', ...mode, '-f', '-'], { stdin: manifest('1') });
      expect(same, `kubectl diff ${mode.join(' ')}`).toMatchObject({ code: 0, stdout: '' });
      const changed = await runKubectl(dir, kubeconfig, ['diff', ...mode, '-f', '-'], { stdin: manifest('2') });
      expect(changed.code).toBe(1);
      expect(changed.stdout).toMatch(/-\s+a: "1"\n\+\s+a: "2"/);
    }
    expect(writes).toBe(before);
  });
});
