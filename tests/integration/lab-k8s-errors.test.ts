import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { startLabK8s, type LabK8sServer } from '../../lib/lab/k8s';
import { kubeFetch } from '../../lib/lab/k8s/test-support';

/** Failures come back as Kubernetes Status objects with the apiserver's codes and reasons. */

let server: LabK8sServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const cm = (name: string, data: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

describe('lab k8s server errors', () => {
  it('401 without or with a wrong bearer token; health and version stay anonymous', async () => {
    server = await startLabK8s();
    for (const token of [null, 'wrong']) {
      const res = await kubeFetch(server, 'GET', '/api/v1/pods', { token });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
    }
    expect((await kubeFetch(server, 'GET', '/version', { token: null })).body).toMatchObject({
      major: '1',
      minor: '32',
      gitVersion: 'v1.32.4',
    });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('403 on writes with the read-only token, reads allowed', async () => {
    server = await startLabK8s({ readOnlyToken: 'viewer' });
    expect((await kubeFetch(server, 'GET', '/api/v1/namespaces/default/configmaps', { token: 'viewer' })).status).toBe(200);
    const res = await kubeFetch(server, 'POST', '/api/v1/namespaces/default/configmaps', { token: 'viewer', body: cm('x') });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ reason: 'Forbidden', code: 403 });
  });

  it('404 for unknown resources, unknown objects and CRDs that are not installed', async () => {
    server = await startLabK8s({ installedCrds: ['bgppeers'] });
    expect((await kubeFetch(server, 'GET', '/api/v1/widgets')).body).toMatchObject({ reason: 'NotFound', code: 404 });
    expect((await kubeFetch(server, 'GET', '/apis/crd.projectcalico.org/v1/ippools')).status).toBe(404);
    expect((await kubeFetch(server, 'GET', '/apis/crd.projectcalico.org/v1/bgppeers')).status).toBe(200);
    const missing = await kubeFetch(server, 'GET', '/apis/apps/v1/namespaces/default/deployments/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      reason: 'NotFound',
      message: 'deployments.apps "nope" not found',
      details: { name: 'nope', group: 'apps', kind: 'deployments' },
    });
  });

  it('405 for a method the URL does not support', async () => {
    server = await startLabK8s();
    expect((await kubeFetch(server, 'PUT', '/api/v1/namespaces/default/configmaps', { body: cm('x') })).body).toMatchObject({
      reason: 'MethodNotAllowed',
      code: 405,
    });
    expect((await kubeFetch(server, 'POST', '/api/v1/namespaces/default/configmaps/x', { body: cm('x') })).status).toBe(405);
  });

  it('400 for a body that is not JSON or has no metadata object; 422 with causes for a missing or bad name', async () => {
    server = await startLabK8s();
    const path = '/api/v1/namespaces/default/configmaps';
    expect((await kubeFetch(server, 'POST', path, { body: '{not json' })).body).toMatchObject({ reason: 'BadRequest', code: 400 });
    const noMeta = await kubeFetch(server, 'POST', path, { body: { kind: 'ConfigMap', metadata: 'x' } });
    expect(noMeta.status).toBe(400);
    expect(noMeta.body['message']).toContain('metadata');
    const noName = await kubeFetch(server, 'POST', path, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} } });
    expect(noName.status).toBe(422);
    expect(noName.body).toMatchObject({ reason: 'Invalid', details: { kind: 'ConfigMap', causes: [{ field: 'metadata.name' }] } });
    const badName = await kubeFetch(server, 'POST', path, { body: cm('Not_Valid') });
    expect(badName.status).toBe(422);
    const wrongKind = await kubeFetch(server, 'POST', path, { body: { ...cm('x'), kind: 'Secret' } });
    expect(wrongKind.status).toBe(400);
  });

  it('409 AlreadyExists on a duplicate create, 409 Conflict on a stale update', async () => {
    server = await startLabK8s();
    const path = '/api/v1/namespaces/default/configmaps';
    const created = await kubeFetch(server, 'POST', path, { body: cm('c', { a: '1' }) });
    expect(created.status).toBe(201);
    expect((await kubeFetch(server, 'POST', path, { body: cm('c') })).body).toMatchObject({ reason: 'AlreadyExists', code: 409 });
    const meta = created.body['metadata'] as { resourceVersion: string };
    const first = await kubeFetch(server, 'PUT', `${path}/c`, {
      body: { ...cm('c', { a: '2' }), metadata: { name: 'c', resourceVersion: meta.resourceVersion } },
    });
    expect(first.status).toBe(200);
    const stale = await kubeFetch(server, 'PUT', `${path}/c`, {
      body: { ...cm('c', { a: '3' }), metadata: { name: 'c', resourceVersion: meta.resourceVersion } },
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ reason: 'Conflict' });
    expect(server.store.get('configmaps', 'c', 'default').data).toEqual({ a: '2' });
  });

  it('415 for an unsupported patch type; 422 for apply without fieldManager', async () => {
    server = await startLabK8s();
    server.store.create(cm('p'));
    const path = '/api/v1/namespaces/default/configmaps/p';
    expect((await kubeFetch(server, 'PATCH', path, { body: { data: {} }, contentType: 'application/xml' })).body).toMatchObject({
      reason: 'UnsupportedMediaType',
      code: 415,
    });
    const res = await kubeFetch(server, 'PATCH', path, { body: cm('p'), contentType: 'application/apply-patch+yaml' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ details: { causes: [{ field: 'fieldManager' }] } });
  });

  it('409 FieldManagerConflict when another apply manager owns a field; force takes it over', async () => {
    server = await startLabK8s();
    const path = '/api/v1/namespaces/default/configmaps/shared';
    const apply = (manager: string, value: string, force = false) =>
      kubeFetch(server!, 'PATCH', `${path}?fieldManager=${manager}${force ? '&force=true' : ''}`, {
        body: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  owner: "${value}"\n`,
        contentType: 'application/apply-patch+yaml',
      });
    expect((await apply('alice', 'a')).status).toBe(201);
    expect((await apply('alice', 'a2')).status).toBe(200);
    expect((await apply('bob', 'a2')).status).toBe(200); // same value: shared ownership, no conflict
    const conflict = await apply('carol', 'c');
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({
      reason: 'Conflict',
      details: {
        causes: [
          { type: 'FieldManagerConflict', field: '.data.owner', message: expect.stringMatching(/^conflict with "alice"/) },
          { type: 'FieldManagerConflict', field: '.data.owner', message: expect.stringMatching(/^conflict with "bob"/) },
        ],
      },
    });
    expect(conflict.body['message']).toMatch(/^Apply failed with 2 conflicts: conflict with "alice" using v1 at /);
    const forced = await apply('carol', 'c', true);
    expect(forced.status).toBe(200);
    const managers = (forced.body['metadata'] as { managedFields: { manager: string }[] }).managedFields.map((m) => m.manager);
    expect(managers).toEqual(['carol']);
  });

  it('TLS: client-node verifies the generated CA from the kubeconfig and lists objects', async () => {
    server = await startLabK8s({ tls: true });
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const kc = new KubeConfig();
    kc.loadFromString(server.kubeconfigYaml());
    expect(kc.getCurrentCluster()?.skipTLSVerify).toBeFalsy();
    const list = await kc.makeApiClient(CoreV1Api).listNamespace();
    expect(list.items.map((n) => n.metadata?.name)).toContain('kube-system');

    const other = new KubeConfig();
    other.loadFromString(server.kubeconfigYaml().replace(/certificate-authority-data: \S+/, 'certificate-authority-data: ""'));
    await expect(other.makeApiClient(CoreV1Api).listNamespace()).rejects.toThrow();
  });
});
