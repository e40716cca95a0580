import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../lib/lab';
import { kubectlFor, type KubectlRunner } from '../support/kubectl';

/**
 * The first commands a person types against `npm start`'s lab (the demo scenario, TLS, the kubeconfig written in
 * the lab directory), with the real kubectl 1.32 and nothing else: its typed clients send protobuf bodies. Every
 * object kubectl creates is then read back through @kubernetes/client-node, akb's own client.
 */
let lab: Lab;
let dir: string;
let kubectl: KubectlRunner;
let kc: KubeConfig;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'akb-kubectl-verbs-'));
  lab = await startLab({ labDir: join(dir, 'lab') });
  kubectl = kubectlFor(join(dir, 'lab', 'kubeconfig'), dir);
  kc = new KubeConfig();
  kc.loadFromFile(join(dir, 'lab', 'kubeconfig'));
});

afterAll(async () => {
  await lab.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('kubectl create and run against the lab (protobuf request bodies)', () => {
  it('creates a namespace, deployment, configmap, secret and pod, each visible to client-node as kubectl sent it', async () => {
    expect(await kubectl('create', 'namespace', 't1')).toBe('namespace/t1 created\n');
    expect(await kubectl('create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2', '--port=80', '-n', 't1')).toBe(
      'deployment.apps/web created\n',
    );
    expect(await kubectl('create', 'configmap', 'settings', '--from-literal=mode=fast', '-n', 't1')).toBe('configmap/settings created\n');
    expect(await kubectl('create', 'secret', 'generic', 'creds', '--from-literal=password=s3cret', '-n', 't1')).toBe(
      'secret/creds created\n',
    );
    expect(await kubectl('run', 'tmp', '--image=busybox', '-n', 't1', '--labels=role=debug', '--env=MODE=x', '--', 'sleep', '3600')).toBe(
      'pod/tmp created\n',
    );

    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    expect((await core.readNamespace({ name: 't1' })).status?.phase).toBe('Active');
    const deployment = await apps.readNamespacedDeployment({ name: 'web', namespace: 't1' });
    expect(deployment.spec?.replicas).toBe(2);
    expect(deployment.spec?.selector.matchLabels).toEqual({ app: 'web' });
    expect(deployment.spec?.template.spec?.containers[0]).toMatchObject({
      name: 'nginx',
      image: 'nginx:1.27',
      ports: [{ containerPort: 80 }],
    });
    expect((await core.readNamespacedConfigMap({ name: 'settings', namespace: 't1' })).data).toEqual({ mode: 'fast' });
    const secret = await core.readNamespacedSecret({ name: 'creds', namespace: 't1' });
    expect(secret.type).toBe('Opaque');
    expect(Buffer.from(secret.data?.password ?? '', 'base64').toString()).toBe('s3cret');
    const pod = await core.readNamespacedPod({ name: 'tmp', namespace: 't1' });
    expect(pod.metadata?.labels).toEqual({ role: 'debug' });
    expect(pod.spec?.containers[0]).toMatchObject({
      name: 'tmp',
      image: 'busybox',
      args: ['sleep', '3600'],
      env: [{ name: 'MODE', value: 'x' }],
    });
    expect(pod.spec?.restartPolicy).toBe('Always');
  });
});
