import { CoreV1Api, KubeConfig, makeInformer, type V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeStore, startLabK8s, type LabK8sServer } from '../../lib/lab/k8s';
import { waitFor } from '../support/wait';

/** client-node 2.0.1 informers (WIRE.md B7) against the lab API server over real sockets. */

const pod = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});

let server: LabK8sServer | undefined;
const informers: { stop: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(informers.splice(0).map((i) => i.stop()));
  await server?.stop();
  server = undefined;
});

function podInformer(s: LabK8sServer) {
  const kc = new KubeConfig();
  kc.loadFromString(s.kubeconfigYaml());
  const api = kc.makeApiClient(CoreV1Api);
  let lists = 0;
  const informer = makeInformer<V1Pod>(kc, '/api/v1/namespaces/default/pods', () => {
    lists += 1;
    return api.listNamespacedPod({ namespace: 'default' });
  });
  const seen: string[] = [];
  const errors: unknown[] = [];
  informer.on('add', (p) => seen.push(`add ${p.metadata?.name}`));
  informer.on('update', (p) => seen.push(`update ${p.metadata?.name} ${p.metadata?.labels?.['v'] ?? ''}`));
  informer.on('delete', (p) => seen.push(`delete ${p.metadata?.name}`));
  informer.on('error', (err) => errors.push(err));
  informers.push(informer);
  return { informer, seen, errors, lists: () => lists };
}

describe('lab k8s server with client-node informers', () => {
  it('sees add, update and delete made in-process after the initial list', async () => {
    server = await startLabK8s();
    server.store.create(pod('before'));
    const { informer, seen } = podInformer(server);
    await informer.start();
    await waitFor(() => (seen.includes('add before') ? true : undefined), { what: 'initial list', timeoutMs: 5000 });

    server.store.create(pod('p1'));
    await waitFor(() => (seen.includes('add p1') ? true : undefined), { what: 'ADDED', timeoutMs: 5000 });
    server.store.patch('pods', 'p1', { metadata: { labels: { v: '2' } } }, 'application/merge-patch+json', { namespace: 'default' });
    await waitFor(() => (seen.includes('update p1 2') ? true : undefined), { what: 'MODIFIED', timeoutMs: 5000 });
    server.store.delete('pods', 'p1', 'default');
    await waitFor(() => (seen.includes('delete p1') ? true : undefined), { what: 'DELETED', timeoutMs: 5000 });
    expect(informer.list('default').map((p) => p.metadata?.name)).toEqual(['before']);
  });

  it('resumes from its last resourceVersion, without relisting, after the server closes the watch', async () => {
    server = await startLabK8s();
    const { informer, seen, lists } = podInformer(server);
    await informer.start();
    server.store.create(pod('a'));
    await waitFor(() => (seen.includes('add a') ? true : undefined), { what: 'first event', timeoutMs: 5000 });

    expect(server.closeWatches()).toBe(1);
    server.store.create(pod('b')); // made while no watch is open: must arrive through the resumed watch
    await waitFor(() => (seen.includes('add b') ? true : undefined), { what: 'event after resume', timeoutMs: 5000 });
    expect(lists()).toBe(1);
  });

  it('relists after a 410 Expired when the churn while the watch was down left the event window', async () => {
    server = await startLabK8s({ watchWindow: 5 });
    server.store.create(pod('old'));
    const { informer, seen, lists } = podInformer(server);
    await informer.start();
    await waitFor(() => (seen.includes('add old') ? true : undefined), { what: 'initial list', timeoutMs: 5000 });

    // Close the watch and, in the same tick (before the client can reconnect), make more changes than the window holds.
    server.closeWatches();
    server.store.delete('pods', 'old', 'default');
    for (let i = 0; i < 8; i++) server.store.create(pod(`churn-${i}`));

    await waitFor(() => (lists() === 2 ? true : undefined), { what: 'relist after 410', timeoutMs: 5000 });
    await waitFor(() => (informer.list('default').length === 8 ? true : undefined), { what: 'cache after relist', timeoutMs: 5000 });
    expect(seen).toContain('delete old');
    expect(
      informer
        .list('default')
        .map((p) => p.metadata?.name)
        .sort(),
    ).toEqual([...Array(8).keys()].map((i) => `churn-${i}`));
  });

  it('recovers when the API server is stopped and restarted on the same port with the same store', async () => {
    const store = new KubeStore();
    server = await startLabK8s({ store });
    const { port, token } = server;
    const { informer, seen, errors } = podInformer(server);
    await informer.start();
    store.create(pod('first'));
    await waitFor(() => (seen.includes('add first') ? true : undefined), { what: 'first event', timeoutMs: 5000 });

    await server.stop();
    // client-node 2.x reconnects at once after the stream ends, gets ECONNREFUSED and reports an error:
    // the consumer restarts the informer, as client-node's README example does.
    await waitFor(() => (errors.length > 0 ? true : undefined), { what: 'informer error while the server is down', timeoutMs: 5000 });
    store.create(pod('while-down'));
    server = await startLabK8s({ store, port, token });
    await informer.start();
    await waitFor(() => (seen.includes('add while-down') ? true : undefined), { what: 'event after restart', timeoutMs: 5000 });
    store.create(pod('after'));
    await waitFor(() => (seen.includes('add after') ? true : undefined), { what: 'live event after restart', timeoutMs: 5000 });
    // What was waited for: the outage was seen as a refused connection, the server came back on the same port, and
    // the informer's cache now holds every pod, including the one created while it was down, each added once.
    expect(errors.map((e) => (e as { cause?: { code?: string } }).cause?.code ?? String(e))).toContain('ECONNREFUSED');
    expect(server.port).toBe(port);
    expect(
      informer
        .list('default')
        .map((p) => p.metadata?.name)
        .sort(),
    ).toEqual(['after', 'first', 'while-down']);
    expect(seen.filter((e) => e.startsWith('add '))).toEqual(['add first', 'add while-down', 'add after']);
  });
});
