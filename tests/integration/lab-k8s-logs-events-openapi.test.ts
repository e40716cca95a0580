import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabK8s, type LabK8sServer } from '../../lib/lab/k8s';
import { kubeFetch, openWatch } from '../../lib/lab/k8s/test-support';
import { waitFor } from '../support/wait';

/** The lab API server's pods/log and its two Event APIs on the wire (plain fetch, as WIRE.md describes them). */
let server: LabK8sServer;

beforeAll(async () => {
  server = await startLabK8s();
  server.store.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      nodeName: 'n1',
      containers: [
        { name: 'app', image: 'nginx' },
        { name: 'sidecar', image: 'envoy' },
      ],
    },
  });
  const old = new Date(Date.now() - 600_000);
  server.store.logs.append('default', 'web', 'app', 'ten minutes ago', old);
  for (const line of ['one', 'two', 'three']) server.store.logs.append('default', 'web', 'app', line);
});

afterAll(() => server.stop());

async function logText(query: string): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(`${server.url}/api/v1/namespaces/default/pods/web/log?${query}`, {
    headers: { Authorization: `Bearer ${server.token}` },
  });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

describe('pods/log', () => {
  it('needs a container name when the pod has several, naming the choices, and refuses an unknown one', async () => {
    const none = await kubeFetch(server, 'GET', '/api/v1/namespaces/default/pods/web/log');
    expect(none.status).toBe(400);
    expect(none.body.message).toBe('a container name must be specified for pod web, choose one of: [app sidecar]');
    const wrong = await kubeFetch(server, 'GET', '/api/v1/namespaces/default/pods/web/log?container=db');
    expect(wrong.body.message).toBe('container db is not valid for pod web');
    expect((await kubeFetch(server, 'GET', '/api/v1/namespaces/default/pods/nope/log')).status).toBe(404);
  });

  it('cuts by tailLines, sinceSeconds and limitBytes, and prefixes RFC 3339 times with timestamps=true', async () => {
    expect(await logText('container=app')).toEqual({ status: 200, text: 'ten minutes ago\none\ntwo\nthree\n', type: 'text/plain' });
    expect((await logText('container=app&tailLines=2')).text).toBe('two\nthree\n');
    expect((await logText('container=app&sinceSeconds=60')).text).toBe('one\ntwo\nthree\n');
    expect((await logText('container=app&limitBytes=6')).text).toBe('ten mi');
    expect((await logText('container=app&tailLines=1&timestamps=true')).text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z three\n$/);
    const bad = await kubeFetch(server, 'GET', '/api/v1/namespaces/default/pods/web/log?container=app&tailLines=-1');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('tailLines');
  });

  it('follow=true streams new lines and ends when the pod is deleted', async () => {
    server.store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'tail', namespace: 'default' },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] },
    });
    server.store.logs.append('default', 'tail', 'c', 'started');
    const res = await fetch(`${server.url}/api/v1/namespaces/default/pods/tail/log?follow=true`, {
      headers: { Authorization: `Bearer ${server.token}` },
    });
    const reader = res.body!.getReader();
    let text = '';
    const reading = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })();
    await waitFor(() => text === 'started\n');
    server.store.logs.append('default', 'tail', 'c', 'later');
    await waitFor(() => text === 'started\nlater\n');
    server.store.delete('pods', 'tail', 'default');
    await reading;
    expect(text).toBe('started\nlater\n');
  });
});

describe('Events through v1 and events.k8s.io/v1', () => {
  it('one storage: an Event written as events.k8s.io/v1 reads back as v1 with the old field names, and both watches see it', async () => {
    const core = await openWatch(server, '/api/v1/events?watch=true&resourceVersion=' + server.store.resourceVersion);
    const newer = await openWatch(
      server,
      '/apis/events.k8s.io/v1/namespaces/default/events?watch=true&resourceVersion=' + server.store.resourceVersion,
    );
    const created = await kubeFetch(server, 'POST', '/apis/events.k8s.io/v1/namespaces/default/events', {
      body: {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: 'web.1' },
        eventTime: '2026-12-04T20:00:00.000000Z',
        reportingController: 'example.com/ctl',
        reportingInstance: 'ctl-1',
        action: 'Check',
        reason: 'Checked',
        regarding: { kind: 'Pod', name: 'web', namespace: 'default' },
        note: 'all good',
        type: 'Normal',
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ apiVersion: 'events.k8s.io/v1', note: 'all good', regarding: { name: 'web' } });
    const asCore = await kubeFetch(server, 'GET', '/api/v1/namespaces/default/events/web.1');
    expect(asCore.body).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      involvedObject: { kind: 'Pod', name: 'web' },
      message: 'all good',
      reason: 'Checked',
      reportingComponent: 'example.com/ctl',
    });
    await waitFor(() => core.events.length > 0 && newer.events.length > 0);
    expect(core.events[0]).toMatchObject({ type: 'ADDED', object: { kind: 'Event', message: 'all good' } });
    expect(newer.events[0]).toMatchObject({ type: 'ADDED', object: { apiVersion: 'events.k8s.io/v1', note: 'all good' } });
    core.abort();
    newer.abort();
    const list = await kubeFetch(server, 'GET', '/api/v1/events?fieldSelector=involvedObject.name%3Dweb,reason%3DChecked');
    expect((list.body.items as unknown[]).length).toBe(1);
  });
});

describe('OpenAPI v3', () => {
  it('serves the kinds schemas per group-version: built-ins from Kubernetes definitions, custom resources from their CRD', async () => {
    const index = await kubeFetch(server, 'GET', '/openapi/v3');
    const paths = index.body.paths as Record<string, { serverRelativeURL: string }>;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/events.k8s.io/v1', 'apis/crd.projectcalico.org/v1']),
    );
    const core = await kubeFetch(server, 'GET', paths['api/v1']!.serverRelativeURL);
    const schemas = (core.body.components as { schemas: Record<string, Record<string, unknown>> }).schemas;
    expect(schemas['io.k8s.api.core.v1.Pod']).toMatchObject({
      type: 'object',
      'x-kubernetes-group-version-kind': [{ group: '', kind: 'Pod', version: 'v1' }],
      properties: { spec: { allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }] } },
    });
    const container = schemas['io.k8s.api.core.v1.Container']!.properties as Record<string, Record<string, unknown>>;
    expect(container.image).toMatchObject({ type: 'string', description: expect.stringContaining('Container image name.') });
    // Embedded Go structs are flattened, as JSON has them: a Probe's handler fields sit on the Probe.
    expect(Object.keys(schemas['io.k8s.api.core.v1.Probe']!.properties as object)).toEqual(
      expect.arrayContaining(['httpGet', 'exec', 'periodSeconds']),
    );
    expect(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).toBeDefined();

    const calico = await kubeFetch(server, 'GET', paths['apis/crd.projectcalico.org/v1']!.serverRelativeURL);
    expect((calico.body.components as { schemas: Record<string, unknown> }).schemas['org.projectcalico.crd.v1.BGPPeer']).toMatchObject({
      'x-kubernetes-group-version-kind': [{ group: 'crd.projectcalico.org', kind: 'BGPPeer', version: 'v1' }],
    });
  });
});
