import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, EventsV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../lib/lab';
import { kubectlFor, type KubectlRunner } from '../support/kubectl';
import { waitFor } from '../support/wait';

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

/** `kubectl get … -A` output as rows of cells (columns are separated by two or more spaces). */
const rows = (text: string): string[][] =>
  text
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));

describe('kubectl get events, logs and explain against the lab', () => {
  it('get events -A shows a drain: the node cordoned, its pods killed, their replacements created and scheduled', async () => {
    const owned = '{range .items[*]}{.metadata.name} {.metadata.ownerReferences[0].kind}{"\\n"}{end}';
    const onWorker = (await kubectl('get', 'pods', '-A', '--field-selector=spec.nodeName=worker-3', '-o', `jsonpath=${owned}`))
      .trim()
      .split('\n')
      .map((l) => l.split(' ') as [string, string]);
    const out = await kubectl('drain', 'worker-3', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=60s');
    expect(out).toContain('node/worker-3 drained');
    const table = await waitFor(
      async () => {
        const text = await kubectl('get', 'events', '-A');
        return text.includes('NodeNotSchedulable') && text.includes('Killing') && text.includes('SuccessfulCreate') ? text : undefined;
      },
      { what: 'the drain events', timeoutMs: 20_000, intervalMs: 500 },
    );
    const [header, ...events] = rows(table);
    expect(header).toEqual(['NAMESPACE', 'LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(events).toContainEqual([
      'default',
      expect.stringMatching(/^\d+s$/),
      'Normal',
      'NodeNotSchedulable',
      'node/worker-3',
      'Node worker-3 status is now: NodeNotSchedulable',
    ]);
    const killed = events.filter((e) => e[3] === 'Killing').map((e) => e[4]);
    // DaemonSet pods stay (--ignore-daemonsets); the ReplicaSets' pods are evicted and replaced elsewhere.
    const moved = onWorker.filter(([, owner]) => owner === 'ReplicaSet').map(([name]) => `pod/${name}`);
    expect(moved.length).toBeGreaterThan(0);
    for (const pod of moved) expect(killed).toContain(pod);
    expect(events.some((e) => e[3] === 'Scheduled' && /Successfully assigned .* to worker-/.test(e[5] ?? ''))).toBe(true);

    // The same Events through events.k8s.io/v1, as client-node reads them.
    const v1 = await kc.makeApiClient(EventsV1Api).listEventForAllNamespaces();
    const cordoned = v1.items.find((e) => e.reason === 'NodeNotSchedulable' && e.regarding?.name === 'worker-3');
    expect(cordoned).toMatchObject({
      note: 'Node worker-3 status is now: NodeNotSchedulable',
      reportingController: 'kubelet',
      type: 'Normal',
    });
    await kubectl('uncordon', 'worker-3');
  });

  it('logs of a calico-node pod show BIRD dropping the session to leaf 101 after a session-down, and logs -f receives it coming back', async () => {
    const session = lab.truth().sessions.find((s) => s.leaf === 101 && s.state === 'established' && s.node === 'worker-1');
    expect(session).toBeDefined();
    const pod = (
      await kubectl(
        'get',
        'pods',
        '-n',
        'kube-system',
        '-l',
        'k8s-app=calico-node',
        '--field-selector=spec.nodeName=worker-1',
        '-o',
        'name',
      )
    ).trim();
    expect(pod).toMatch(/^pod\/calico-node-/);
    const bird = `Node_${session!.peerIp.replace(/\./g, '_')}`;
    expect(await kubectl('logs', '-n', 'kube-system', pod)).toContain(`bird: ${bird}: State changed to up`);

    await lab.event({ kind: 'session-down', leaf: 101, node: 'worker-1' });
    const logs = await waitFor(async () => {
      const text = await kubectl('logs', '-n', 'kube-system', pod, '--tail=3');
      return text.includes('State changed to down') ? text : undefined;
    });
    expect(logs.trim().split('\n')).toEqual([
      `bird: ${bird}: Error: Hold timer expired`,
      `bird: ${bird}: State changed to stop`,
      `bird: ${bird}: State changed to down`,
    ]);
    const stamped = await kubectl('logs', '-n', 'kube-system', pod, '--timestamps', '--since=1h', '--tail=1');
    expect(stamped).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z bird: ${bird}: State changed to down\\n$`));
    const events = await kubectl('get', 'events', '-n', 'kube-system', '--field-selector', 'reason=BGPSessionDown');
    expect(events).toContain(`BGP session with ${session!.peerIp} (leaf 101) is down`);

    // logs -f: the stream stays open and receives the line BIRD writes when the session comes back.
    const [bin, ...base] = await kubectl.argv();
    const follow = spawn(bin, [...base, 'logs', '-f', '-n', 'kube-system', pod, '--tail=1'], { env: kubectl.env });
    let streamed = '';
    follow.stdout.on('data', (d: Buffer) => (streamed += d.toString()));
    try {
      await waitFor(() => streamed.includes('State changed to down'), { what: 'the followed log to start', timeoutMs: 20_000 });
      await lab.event({ kind: 'session-up', leaf: 101, node: 'worker-1' });
      await waitFor(() => streamed.includes(`bird: ${bird}: State changed to up`), {
        what: 'the session-up line on logs -f',
        timeoutMs: 20_000,
      });
    } finally {
      follow.kill();
    }
  });

  it('explain pods.spec.containers reads the served OpenAPI v3: the field, its type, its documentation and sub-fields', async () => {
    const out = await kubectl('explain', 'pods.spec.containers');
    expect(out).toMatch(/^KIND:\s+Pod\nVERSION:\s+v1\n/);
    expect(out).toContain('FIELD: containers <[]Container>');
    expect(out).toContain('List of containers belonging to the pod.');
    for (const field of ['image\t<string>', 'ports\t<[]ContainerPort>', 'resources\t<ResourceRequirements>', 'livenessProbe\t<Probe>'])
      expect(out).toContain(field);
    expect(await kubectl('explain', 'deployments.spec.replicas')).toContain('FIELD: replicas <integer>');
  });

  it('validates fields strictly, as kubectl asks by default: a misspelt field is refused naming it, nothing is created', async () => {
    const manifest = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'typo', namespace: 't1' },
      spec: { containers: [{ name: 'c', image: 'busybox', imagePullPolicyy: 'Always' }] },
    });
    const [bin, ...base] = await kubectl.argv();
    const create = spawn(bin, [...base, 'create', '-f', '-'], { env: kubectl.env });
    let stderr = '';
    create.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    create.stdin.end(manifest);
    const code = await new Promise<number | null>((resolve) => create.on('close', resolve));
    expect(code).not.toBe(0);
    expect(stderr).toContain('strict decoding error: unknown field "spec.containers[0].imagePullPolicyy"');
    await expect(kc.makeApiClient(CoreV1Api).readNamespacedPod({ name: 'typo', namespace: 't1' })).rejects.toMatchObject({ code: 404 });
  });
});
