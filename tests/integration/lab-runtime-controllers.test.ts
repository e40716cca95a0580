import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/k8s/models/object';
import { inCidr } from '../../lib/net/ip';
import { cleanup, kubeConfigOf, startTestLab } from './lab-runtime-support';
import { waitFor } from '../support/wait';

afterEach(cleanup);

const userNode = (name: string, podCIDR: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  spec: { podCIDR, podCIDRs: [podCIDR] },
  status: {
    addresses: [{ type: 'InternalIP', address: '192.168.35.99' }],
    conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
  },
});

const deployment = (name: string, replicas: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `registry.example/${name}:1` }] } },
  },
});

describe('lab controllers', () => {
  it('keeps a Node a user added through the API across world syncs', async () => {
    const lab = await startTestLab();
    const core = kubeConfigOf(lab).makeApiClient(CoreV1Api);
    await core.createNode({ body: userNode('byo-1', '10.250.0.0/26') as never });
    await lab.event({ kind: 'fail-node', node: 'worker-1' });
    await lab.event({ kind: 'recover-node', node: 'worker-1' });
    const nodes = (await core.listNode()).items.map((n) => n.metadata!.name);
    expect(nodes).toContain('byo-1');
    expect(nodes).toContain('worker-1');
  });

  it('runs a user-applied Deployment as Running pods on schedulable nodes with IPs from their pod blocks, and serves it', async () => {
    const lab = await startTestLab();
    const kc = kubeConfigOf(lab);
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('akb', 3) as never });
    await core.createNamespacedService({
      namespace: 'default',
      body: { metadata: { name: 'akb' }, spec: { selector: { app: 'akb' }, ports: [{ name: 'http', port: 80, targetPort: 3000 }] } },
    });
    const pods = await waitFor(
      async () => {
        const items = (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=akb' })).items;
        return items.length === 3 && items.every((p) => p.status?.phase === 'Running') ? items : undefined;
      },
      { what: 'three running akb pods' },
    );
    const nodes = new Map((await core.listNode()).items.map((n) => [n.metadata!.name!, n]));
    for (const p of pods) {
      const node = nodes.get(p.spec!.nodeName!)!;
      expect(node.spec?.unschedulable).not.toBe(true);
      expect(node.spec?.taints ?? []).not.toContainEqual(expect.objectContaining({ effect: 'NoSchedule' }));
      expect(inCidr(p.status!.podIP!, node.spec!.podCIDR!)).toBe(true);
    }
    expect(new Set(pods.map((p) => p.status!.podIP)).size).toBe(3);
    const slice = await waitFor(
      () => {
        const items = lab.k8s.store.list('endpointslices', { namespace: 'default', labelSelector: 'kubernetes.io/service-name=akb' }).items;
        const eps = (items[0]?.endpoints as { addresses: string[] }[] | undefined) ?? [];
        return eps.length === 3 ? items[0] : undefined;
      },
      { what: 'an EndpointSlice with three endpoints' },
    );
    expect((slice.endpoints as { addresses: string[] }[]).map((e) => e.addresses[0]).sort()).toEqual(
      pods.map((p) => p.status!.podIP).sort(),
    );
    expect(slice.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 3000 }]);
    const status = await waitFor(
      async () => {
        const d = await apps.readNamespacedDeployment({ namespace: 'default', name: 'akb' });
        return d.status?.readyReplicas === 3 ? d.status : undefined;
      },
      { what: 'deployment status' },
    );
    expect(status.replicas).toBe(3);

    // Scaling down through the API removes pods; a node failing moves its pods elsewhere.
    await apps.patchNamespacedDeploymentScale({
      namespace: 'default',
      name: 'akb',
      body: [{ op: 'replace', path: '/spec/replicas', value: 2 }],
    });
    await waitFor(() => lab.k8s.store.list('pods', { namespace: 'default', labelSelector: 'app=akb' }).items.length === 2, {
      what: 'two akb pods',
    });
    const victim = lab.k8s.store.list('pods', { namespace: 'default', labelSelector: 'app=akb' }).items[0]!;
    const node = (victim.spec as { nodeName: string }).nodeName;
    await lab.event({ kind: 'fail-node', node });
    await waitFor(
      () => {
        const items = lab.k8s.store.list('pods', { namespace: 'default', labelSelector: 'app=akb' }).items;
        return items.length === 2 && items.every((p) => (p.spec as { nodeName: string }).nodeName !== node);
      },
      { what: 'akb pods off the failed node' },
    );
    await apps.deleteNamespacedDeployment({ namespace: 'default', name: 'akb' });
    await waitFor(() => lab.k8s.store.list('pods', { namespace: 'default', labelSelector: 'app=akb' }).items.length === 0, {
      what: 'akb pods gone',
    });
  });

  it('turns kubectl-style edits of world objects into world events: delete node, cordon, delete pod, scale', async () => {
    const lab = await startTestLab();
    const kc = kubeConfigOf(lab);
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    await core.deleteNode({ name: 'worker-6' });
    await waitFor(() => !lab.world().nodes.some((n) => n.name === 'worker-6'), { what: 'worker-6 to leave the world' });
    await waitFor(() => !lab.k8s.store.list('pods').items.some((p) => (p.spec as { nodeName: string }).nodeName === 'worker-6'), {
      what: 'worker-6 pods gone',
    });
    expect(lab.truth().sessions.some((s) => s.node === 'worker-6')).toBe(false);
    expect(lab.k8s.store.tryGet('nodes', 'worker-6')).toBeUndefined();

    // kubectl cordon (client-node sends a JSON patch).
    await core.patchNode({ name: 'worker-5', body: [{ op: 'add', path: '/spec/unschedulable', value: true }] });
    await waitFor(() => lab.world().nodes.find((n) => n.name === 'worker-5')?.schedulable === false, {
      what: 'worker-5 drained in the world',
    });
    expect(lab.world().pods.filter((p) => p.node === 'worker-5' && p.workload.startsWith('shop/'))).toEqual([]);

    const pod = lab.world().pods.find((p) => p.workload === 'shop/db')!;
    await core.deleteNamespacedPod({ namespace: 'shop', name: pod.name });
    await waitFor(
      () => !lab.world().pods.some((p) => p.name === pod.name) && lab.world().pods.filter((p) => p.workload === 'shop/db').length === 3,
      { what: 'a replacement db pod' },
    );

    await apps.patchNamespacedDeploymentScale({
      namespace: 'shop',
      name: 'db',
      body: [{ op: 'replace', path: '/spec/replicas', value: 5 }],
    });
    await waitFor(() => lab.world().pods.filter((p) => p.workload === 'shop/db').length === 5, { what: 'db scaled in the world' });
    expect(lab.k8s.store.list('pods', { namespace: 'shop', labelSelector: 'app=db' }).items).toHaveLength(5);

    // A node reported NotReady through the status subresource (as a node lifecycle controller would) fails in the world.
    const node = await core.readNodeStatus({ name: 'worker-2' });
    node.status!.conditions = node.status!.conditions!.map((c) =>
      c.type === 'Ready' ? { ...c, status: 'False', reason: 'KubeletNotReady' } : c,
    );
    await core.replaceNodeStatus({ name: 'worker-2', body: node });
    await waitFor(() => lab.world().nodes.find((n) => n.name === 'worker-2')?.ready === false, { what: 'worker-2 failed in the world' });
    expect(lab.truth().sessions.filter((x) => x.node === 'worker-2' && x.state === 'established')).toEqual([]);
    expect(lab.world().pods.filter((p) => p.node === 'worker-2')).toEqual([]);
  });
});
