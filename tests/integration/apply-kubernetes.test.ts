import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadKubeConfig } from '../../lib/k8s/kubeconfig';
import { startLab, type Lab } from '../../lib/lab';
import type { KubeObject } from '../../lib/topology/bundle-types';
import { startJob, type JobEvent, type JobOutcome } from '../../provisioner/apply';
import type { Manifest } from '../../provisioner/plan/manifest';
import { APPLYSET_ANNOTATIONS, APPLYSET_LABELS, applySetParent } from '../../provisioner/providers/kubernetes/applyset';
import { KubeClient } from '../../provisioner/providers/kubernetes/client';
import { kubeDestroySteps } from '../../provisioner/providers/kubernetes/destroy-steps';
import { kubeSteps } from '../../provisioner/providers/kubernetes/steps';
import { runKubectl } from './kubectl-run';

/**
 * The Kubernetes provider against the lab's API server through the real wire, with the lab's controllers running
 * workloads: server-side apply as `akb` in dependency order with waits, a re-apply that writes nothing, ApplySet
 * pruning that the real kubectl agrees with, fields other managers own left alone (taken with --adopt), and destroy
 * that removes only akb's objects and puts back what it changed on the others.
 */
let lab: Lab;
let dir: string;
let kubeconfig: string;
const writes: string[] = [];
const CLUSTER = 'k8s-test';
const applySet = applySetParent(CLUSTER);

const crd: Manifest = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'bgpthings.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Cluster',
    names: { plural: 'bgpthings', singular: 'bgpthing', kind: 'BgpThing', listKind: 'BgpThingList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
};
const ns: Manifest = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'akb-test' } };
const thing = (asNumber: number): Manifest => ({
  apiVersion: 'example.com/v1',
  kind: 'BgpThing',
  metadata: { name: 'default' },
  spec: { asNumber, mesh: false },
});
const secret: Manifest = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'pw', namespace: 'akb-test' },
  type: 'Opaque',
  stringData: { password: '{{akb.secret:bgp-password}}' },
};
const config: Manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'akb-test' }, data: { a: '1' } };
const deployment: Manifest = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'akb-test' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
  },
};
const nodeLabel = (name: string): Manifest => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'akb.io/rack': 'r1' } } });
const SECRET_VALUE = 'bgp-password-value-0123';

async function run(
  command: 'apply' | 'destroy' | 'diff',
  manifests: Manifest[],
  opts: { adopt?: boolean } = {},
): Promise<{ outcome: JobOutcome; events: JobEvent[] }> {
  const client = new KubeClient(loadKubeConfig({ path: kubeconfig }));
  const left: string[] = [];
  const job = startJob({
    command,
    cluster: CLUSTER,
    stateDir: join(dir, 'state'),
    stateKey: 'test-state-key',
    async build(env) {
      env.redactor.add(SECRET_VALUE);
      if (command === 'destroy') return kubeDestroySteps(client, env.state, applySet, left, 30_000);
      return kubeSteps(
        { cni: manifests, akb: [] },
        { client, secrets: { 'bgp-password': SECRET_VALUE }, adopt: opts.adopt ?? false, applySet, timeoutMs: 30_000 },
      );
    },
    finish: async () => ({ left }),
  });
  const events: JobEvent[] = [];
  for await (const e of job.events) events.push(e);
  return { outcome: await job.done, events };
}

/** Destroys another test cluster's objects, so each test leaves the lab as it found it. */
async function kubeDestroyAll(cluster: string, state: string): Promise<void> {
  const client = new KubeClient(loadKubeConfig({ path: kubeconfig }));
  const job = startJob({
    command: 'destroy',
    cluster,
    stateDir: join(dir, state),
    stateKey: 'test-state-key',
    build: async (env) => kubeDestroySteps(client, env.state, applySetParent(cluster), [], 10_000),
  });
  expect((await job.done).outcome).toBe('succeeded');
}

const store = () => lab.k8s.store;
const get = (plural: string, name: string, namespace?: string): KubeObject | undefined => store().tryGet(plural, name, namespace);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'akb-apply-k8s-'));
  lab = await startLab({ scenario: 'esxi', k8s: { tls: true } });
  kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, lab.kubeconfigYaml(), { mode: 0o600 });
  store().subscribe((e) => writes.push(`${e.type} ${e.resource.plural}/${e.object.metadata.namespace ?? ''}/${e.object.metadata.name}`));
});
afterAll(async () => {
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

const nodeName = () => store().list('nodes').items[0]!.metadata.name;

describe('the Kubernetes provider', () => {
  it('applies in dependency order with field manager akb, waits for the CRD and the Deployment, labels members', async () => {
    const { outcome, events } = await run('apply', [deployment, config, secret, thing(65003), ns, crd, nodeLabel(nodeName())]);
    expect(outcome.outcome, outcome.error).toBe('succeeded');
    const done = events.filter((e) => e.type === 'step-succeeded').map((e) => (e as { step: string }).step);
    expect(done.indexOf('k8s:core/Namespace/-/akb-test')).toBeLessThan(done.indexOf('k8s:core/ConfigMap/akb-test/settings'));
    expect(done.indexOf('k8s:apiextensions.k8s.io/CustomResourceDefinition/-/bgpthings.example.com')).toBeLessThan(
      done.indexOf('k8s:example.com/BgpThing/-/default'),
    );
    expect(done.indexOf('k8s:core/ConfigMap/akb-test/settings')).toBeLessThan(done.indexOf('k8s:apps/Deployment/akb-test/web'));
    const web = get('deployments', 'web', 'akb-test')!;
    expect((web.status as { availableReplicas: number }).availableReplicas).toBe(2);
    expect((web.metadata.managedFields as { manager: string }[]).map((m) => m.manager)).toContain('akb');
    expect(web.metadata.labels?.[APPLYSET_LABELS.partOf]).toBe(applySet.id);
    expect(Buffer.from((get('secrets', 'pw', 'akb-test')!.data as { password: string }).password, 'base64').toString()).toBe(SECRET_VALUE);
    // The Node pre-existed: akb labels it but does not make it an ApplySet member (pruning must never delete a Node).
    const node = get('nodes', nodeName())!;
    expect(node.metadata.labels?.['akb.io/rack']).toBe('r1');
    expect(node.metadata.labels?.[APPLYSET_LABELS.partOf]).toBeUndefined();
    const parent = get('applysets', applySet.name)!;
    expect(parent.metadata.annotations?.[APPLYSET_ANNOTATIONS.groupKinds]).toBe(
      'BgpThing.example.com,ConfigMap,CustomResourceDefinition.apiextensions.k8s.io,Deployment.apps,Namespace,Secret',
    );
    expect(parent.metadata.annotations?.[APPLYSET_ANNOTATIONS.namespaces]).toBe('akb-test');
    expect(parent.metadata.labels?.[APPLYSET_LABELS.id]).toBe(applySet.id);
  });

  it('a second apply writes nothing: no object changes at the server', async () => {
    writes.length = 0;
    const { outcome } = await run('apply', [deployment, config, secret, thing(65003), ns, crd, nodeLabel(nodeName())]);
    expect(outcome).toMatchObject({ outcome: 'succeeded', changes: 0 });
    expect(writes.filter((w) => !w.includes('pods/') && !w.includes('endpointslices/') && !w.includes('replicasets/'))).toEqual([]);
  });

  it("kubectl agrees on membership: it refuses akb's set by its tooling, and once handed over prunes what akb prunes", async () => {
    const env = { KUBECTL_APPLYSET: 'true' };
    const reduced = [deployment, secret, thing(65003), ns, crd];
    const stdin = reduced.map((m) => stringify(m)).join('---\n');
    const parentArg = `applysets.akb.io/${applySet.name}`;
    const args = ['apply', '--server-side', '--prune', `--applyset=${parentArg}`, '--dry-run=server', '-f', '-'];
    const refused = await runKubectl(dir, kubeconfig, args, { stdin, env });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('is managed by tooling "akb" instead of "kubectl"');
    // What akb would prune (its diff) ...
    const diff = await run('diff', reduced);
    const akbDeletes = diff.events.flatMap((e) =>
      e.type === 'plan' ? e.steps.flatMap((s) => s.changes.filter((c) => c.action === 'delete').map((c) => c.target)) : [],
    );
    expect(akbDeletes).toEqual(['ConfigMap akb-test/settings']);
    // ... is what kubectl would prune, once the set is handed over to it (its tooling annotation says kubectl).
    const tooling = (value: string) =>
      runKubectl(dir, kubeconfig, ['annotate', parentArg, `${APPLYSET_ANNOTATIONS.tooling}=${value}`, '--overwrite']);
    expect((await tooling('kubectl/v1.32.3')).code).toBe(0);
    const kubectl = await runKubectl(dir, kubeconfig, args, { stdin, env });
    expect(kubectl.code, kubectl.stderr).toBe(0);
    expect(kubectl.stdout.split('\n').filter((l) => l.includes('pruned'))).toEqual(['configmap/settings pruned (server dry run)']);
    // While kubectl holds it, akb refuses to touch it; handed back, akb prunes for real.
    const held = await run('apply', reduced);
    expect(held.outcome.error).toMatch(/is managed by "kubectl\/v1\.32\.3", not akb/);
    expect((await tooling('akb/v0.1.0')).code).toBe(0);
    const pruned = await run('apply', reduced);
    expect(pruned.outcome.outcome, pruned.outcome.error).toBe('succeeded');
    expect(get('configmaps', 'settings', 'akb-test')).toBeUndefined();
    expect(get('applysets', applySet.name)!.metadata.annotations?.[APPLYSET_ANNOTATIONS.groupKinds]).toBe(
      'BgpThing.example.com,CustomResourceDefinition.apiextensions.k8s.io,Deployment.apps,Namespace,Secret',
    );
    // kubectl, handed the same objects, now finds nothing to prune.
    expect((await tooling('kubectl/v1.32.3')).code).toBe(0);
    const none = await runKubectl(dir, kubeconfig, args, { stdin, env });
    expect(none.stdout).not.toContain('pruned');
    expect((await tooling('akb/v0.1.0')).code).toBe(0);
  });

  it('names what it waits for, with progress, and says what was missing when the wait times out', async () => {
    const stuck: Manifest = {
      ...deployment,
      metadata: { name: 'stuck', namespace: 'akb-test' },
      spec: {
        ...(deployment.spec as object),
        template: {
          metadata: { labels: { app: 'stuck' } },
          spec: { nodeSelector: { 'no-such': 'node' }, containers: [{ name: 'c', image: 'nginx:1.27' }] },
        },
        selector: { matchLabels: { app: 'stuck' } },
      },
    };
    const client = new KubeClient(loadKubeConfig({ path: kubeconfig }));
    const job = startJob({
      command: 'apply',
      cluster: 'wait-test',
      stateDir: join(dir, 'wait-state'),
      stateKey: 'test-state-key',
      build: async () =>
        kubeSteps(
          { cni: [ns, stuck], akb: [] },
          { client, secrets: {}, adopt: false, applySet: applySetParent('wait-test'), timeoutMs: 1500 },
        ),
    });
    const events: JobEvent[] = [];
    for await (const e of job.events) events.push(e);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'step-waiting',
        step: 'k8s:apps/Deployment/akb-test/stuck',
        for: expect.stringMatching(/^Deployment akb-test\/stuck to be available: 0\/2 replicas (updated|available)$/),
        progress: { done: 0, total: 2 },
      }),
    );
    expect((await job.done).error).toMatch(
      /timed out after 2 s waiting for Deployment akb-test\/stuck to be available: 0\/2 replicas (updated|available)/,
    );
    await kubeDestroyAll('wait-test', 'wait-state');
  });

  it('leaves fields another manager owns and says so; --adopt takes them over', async () => {
    const other: Manifest = {
      apiVersion: 'example.com/v1',
      kind: 'BgpThing',
      metadata: { name: 'cluster-owned' },
      spec: { asNumber: 65004, mesh: true },
    };
    const own = await runKubectl(dir, kubeconfig, ['apply', '--server-side', '--field-manager=calicoctl', '-f', '-'], {
      stdin: JSON.stringify(other),
    });
    expect(own.code, own.stderr).toBe(0);
    const wanted: Manifest = { ...other, spec: { asNumber: 65003, mesh: false } };
    const { outcome, events } = await run('apply', [deployment, secret, thing(65003), ns, crd, wanted]);
    expect(outcome.outcome, outcome.error).toBe('succeeded');
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'warning',
        message: expect.stringMatching(/BgpThing cluster-owned: \.spec\.asNumber is managed by another field manager.*--adopt/),
      }),
    );
    expect(get('bgpthings', 'cluster-owned')!.spec).toEqual({ asNumber: 65004, mesh: true });
    const adopted = await run('apply', [deployment, secret, thing(65003), ns, crd, wanted], { adopt: true });
    expect(adopted.outcome.outcome).toBe('succeeded');
    expect(get('bgpthings', 'cluster-owned')!.spec).toEqual({ asNumber: 65003, mesh: false });
  });

  it('destroy deletes what akb created, puts back what it changed elsewhere, and leaves the rest', async () => {
    const unrelated = await runKubectl(dir, kubeconfig, ['apply', '--server-side', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'not-akbs', namespace: 'default' },
        data: { k: 'v' },
      }),
    });
    expect(unrelated.code, unrelated.stderr).toBe(0);
    const { outcome } = await run('destroy', []);
    expect(outcome.outcome, outcome.error).toBe('succeeded');
    expect(get('namespaces', 'akb-test')).toBeUndefined();
    expect(get('customresourcedefinitions', 'bgpthings.example.com')).toBeUndefined();
    // The ApplySet went last, and its CRD with it (no other install's ApplySet uses it).
    expect(get('customresourcedefinitions', 'applysets.akb.io')).toBeUndefined();
    expect(get('nodes', nodeName())!.metadata.labels?.['akb.io/rack']).toBeUndefined();
    expect(get('configmaps', 'not-akbs', 'default')).toBeDefined();
  });
});
