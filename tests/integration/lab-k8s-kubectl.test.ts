import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabK8s, type LabK8sServer } from '../../lib/lab/k8s';
import { waitFor } from '../support/wait';

/**
 * The machine's kubectl (a dispatcher that picks kubectl 1.32 from /version) against the lab server over TLS:
 * client-go sends bearer tokens only over https. Each run gets a fresh discovery cache.
 */
const run = promisify(execFile);
let server: LabK8sServer;
let dir: string;

/** HOME in the temp dir so nothing is read from or written to the user's ~/.kube. */
const kubectlEnv = (): NodeJS.ProcessEnv => ({ ...process.env, HOME: dir, KUBECONFIG: join(dir, 'kubeconfig') });

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), ...args], {
    timeout: 30_000,
    env: kubectlEnv(),
  });
  return stdout;
}

const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'akb-lab-kubectl-'));
  server = await startLabK8s({ tls: true });
  await server.writeKubeconfig(join(dir, 'kubeconfig'));
  const { store } = server;
  store.create({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'worker-1', labels: { 'node-role.kubernetes.io/worker': '' } },
    status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.32.4' } },
  });
  store.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'coredns-1', namespace: 'kube-system' },
    spec: { nodeName: 'worker-1', containers: [{ name: 'coredns', image: 'coredns' }] },
    status: { phase: 'Running', containerStatuses: [{ name: 'coredns', ready: true, restartCount: 2 }] },
  });
  store.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'default' },
    spec: {
      containers: [
        { name: 'a', image: 'nginx' },
        { name: 'b', image: 'envoy' },
      ],
    },
    status: { phase: 'Pending' },
  });
  store.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { type: 'LoadBalancer', clusterIP: '10.96.0.10', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] },
    status: { loadBalancer: { ingress: [{ ip: '192.0.2.10' }] } },
  });
});

afterAll(async () => {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('kubectl against the lab k8s server', () => {
  it('get pods -A prints the server-side table columns and rows', async () => {
    const rows = lines(await kubectl('get', 'pods', '-A'));
    expect(rows[0]).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(rows.slice(1).map((r) => r.slice(0, 5))).toEqual([
      ['default', 'web-1', '0/2', 'Pending', '0'],
      ['kube-system', 'coredns-1', '1/1', 'Running', '2'],
    ]);
  });

  it('get nodes and get svc print their own columns', async () => {
    const nodes = lines(await kubectl('get', 'nodes'));
    expect(nodes[0]).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    expect(nodes[1]?.filter((_, i) => i !== 3)).toEqual(['worker-1', 'Ready', 'worker', 'v1.32.4']);
    const svcs = lines(await kubectl('get', 'svc', '-n', 'default'));
    expect(svcs[0]).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    expect(svcs[1]?.slice(0, 5)).toEqual(['web', 'LoadBalancer', '10.96.0.10', '192.0.2.10', '80:30080/TCP']);
  });

  it('get pods -w prints an event made after the watch started', async () => {
    const child = spawn(
      'kubectl',
      ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), 'get', 'pods', '-n', 'default', '-w'],
      { env: kubectlEnv() },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(() => (out.includes('web-1') ? true : undefined), { what: 'initial list of kubectl get -w', timeoutMs: 20_000 });
      server.store.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'late-arrival', namespace: 'default' },
        spec: { containers: [{ name: 'a', image: 'x' }] },
        status: { phase: 'Pending' },
      });
      const row = await waitFor(() => out.split('\n').find((l) => l.startsWith('late-arrival')), {
        what: 'watch event in kubectl output',
        timeoutMs: 20_000,
      });
      expect(row.split(/\s+/).slice(0, 3)).toEqual(['late-arrival', '0/1', 'Pending']);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('apply --server-side of a multi-document manifest creates, then updates on re-apply', async () => {
    const manifest = (replicas: number) => `apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  replicas: "${replicas}"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
  namespace: shop
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: cart}
  template:
    metadata:
      labels: {app: cart}
    spec:
      containers:
        - name: cart
          image: cart:1
`;
    const file = join(dir, 'shop.yaml');
    await writeFile(file, manifest(2));
    // Default --validate=strict: kubectl finds `fieldValidation` in the lab's OpenAPI v3 and leaves validation to the server.
    const first = await kubectl('apply', '--server-side', '-f', file);
    expect(first.trim().split('\n')).toEqual([
      'namespace/shop serverside-applied',
      'configmap/settings serverside-applied',
      'deployment.apps/cart serverside-applied',
    ]);
    const created = server.store.get('deployments.apps', 'cart', 'shop');
    expect((created.spec as { replicas: number }).replicas).toBe(2);
    expect(created.metadata.managedFields).toMatchObject([{ manager: 'kubectl', operation: 'Apply' }]);

    await writeFile(file, manifest(3));
    await kubectl('apply', '--server-side', '--validate=false', '-f', file);
    const updated = server.store.get('deployments.apps', 'cart', 'shop');
    expect((updated.spec as { replicas: number }).replicas).toBe(3);
    expect(updated.metadata.generation).toBe(2);
    expect(updated.metadata.uid).toBe(created.metadata.uid);
    expect(server.store.get('configmaps', 'settings', 'shop').data).toEqual({ replicas: '3' });
  });

  it('client-side apply merges containers by name (strategic merge), scale writes spec.replicas through /scale', async () => {
    const manifest = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - {name: api, image: "${image}", ports: [{containerPort: 8080}]}
        - {name: proxy, image: "envoy:1"}
`;
    const file = join(dir, 'api.yaml');
    await writeFile(file, manifest('api:1'));
    expect(await kubectl('apply', '-f', file)).toContain('deployment.apps/api created');
    await writeFile(file, manifest('api:2'));
    expect(await kubectl('apply', '-f', file)).toContain('deployment.apps/api configured');
    expect(await kubectl('scale', 'deployment/api', '--replicas=4')).toContain('scaled');
    const spec = server.store.get('deployments.apps', 'api', 'default').spec as {
      replicas: number;
      template: { spec: { containers: unknown[] } };
    };
    expect(spec.replicas).toBe(4);
    expect(spec.template.spec.containers).toEqual([
      { name: 'api', image: 'api:2', ports: [{ containerPort: 8080 }] },
      { name: 'proxy', image: 'envoy:1' },
    ]);
  });
});
