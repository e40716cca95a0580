import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import type { Plan } from '../../../provisioner/plan/index';
import {
  adminKubeconfig,
  bootstrapSecretUses,
  loadOrCreateBootstrapSecrets,
  nodeBootstrap,
  secretValues,
  type BootstrapSecrets,
} from '../../../provisioner/bootstrap/index';
import type { MachineProvider } from '../../../provisioner/providers/machines';
import { MachineDestroyStep, MachineStep, machineStepId } from '../../../provisioner/providers/machine/steps';
import { createSshProvider } from '../../../provisioner/providers/ssh/provider';
import { VsphereProvider } from '../../../provisioner/providers/vsphere/provider';
import { stateCloneLedger } from '../../../provisioner/providers/vsphere/state-ledger';
import type { Change, Step, StepId } from '../../../provisioner/providers/step';
import type { ClusterNode } from '../../../provisioner/spec/schema';
import type { JobEnvironment } from '../../../provisioner/apply/job';
import { JobInputError } from '../../../provisioner/apply/job';
import { resolveSecretRef, type Env } from '../../../provisioner/apply/secret-ref';
import { writeFileAtomic } from '../../../provisioner/apply/state/atomic-file';

/**
 * `mode: full` in the composition root: the machines (vSphere VMs, bare-metal hosts over SSH) behind the
 * MachineProvider port, their bootstrap artefacts from the cluster's generated secrets (kept encrypted in the
 * state's secret store, made once, reused by every re-run so machines already booted agree), and the new
 * cluster's admin kubeconfig, minted from the generated CA and written to `<state dir>/kubeconfig` (0600) with the
 * spec's `proxyUrl` as `proxy-url`, so the real kubectl reaches the VIP through the jump host unchanged.
 */

export const ADMIN_KUBECONFIG_SECRET = 'admin-kubeconfig';
export const KUBECONFIG_FILE = 'kubeconfig';

/** The names of the plan's secrets that the bootstrap artefacts fill themselves (not plan placeholders to resolve). */
export function bootstrapSecretNames(plan: Plan): Set<string> {
  return new Set(bootstrapSecretUses(plan.resolved).map((u) => u.name));
}

export interface NewCluster {
  secrets: BootstrapSecrets;
  kubeConfig: KubeConfig;
  providers: Map<ClusterNode['placement']['type'], MachineProvider>;
  close(): Promise<void>;
}

async function providersFor(plan: Plan, env: JobEnvironment, processEnv: Env, timeoutMs?: number): Promise<NewCluster['providers']> {
  const c = plan.resolved.spec.cluster;
  const out: NewCluster['providers'] = new Map();
  if (c.nodes.some((n) => n.placement.type === 'vsphere')) {
    if (!c.vsphere) throw new JobInputError('cluster.vsphere: required when a node is placed on vSphere');
    const password = await resolveSecretRef(c.vsphere.credentials, { env: processEnv, field: 'cluster.vsphere.credentials' });
    env.redactor.add(password);
    out.set('vsphere', new VsphereProvider({ vsphere: c.vsphere, password, ledger: stateCloneLedger(env.state, env.job) }));
  }
  if (c.nodes.some((n) => n.placement.type === 'bare-metal')) {
    const key = c.ssh.privateKey
      ? await resolveSecretRef(c.ssh.privateKey, { env: processEnv, field: 'cluster.ssh.privateKey' })
      : undefined;
    if (key) env.redactor.add(key);
    const agent = processEnv.SSH_AUTH_SOCK;
    if (!key && !agent) throw new JobInputError('cluster.ssh.privateKey: required when no ssh-agent runs ($SSH_AUTH_SOCK is not set)');
    let knownHosts: { path: string; text: string } | undefined;
    if (c.ssh.knownHosts) {
      const path = c.ssh.knownHosts;
      const text = await readFile(path, 'utf8').catch(() => {
        throw new JobInputError(`cluster.ssh.knownHosts: cannot read ${path}`);
      });
      knownHosts = { path, text };
    }
    out.set(
      'bare-metal',
      createSshProvider({
        auth: key ? { privateKey: key } : { agent: agent! },
        ...(knownHosts ? { knownHosts } : {}),
        ...(c.proxyUrl ? { proxyUrl: c.proxyUrl } : {}),
        ...(timeoutMs ? { connectTimeoutMs: Math.min(timeoutMs, 30_000) } : {}),
      }),
    );
  }
  return out;
}

/** The generated secrets, the admin kubeconfig (written for apply) and the machine providers of a full-mode job. */
export async function openNewCluster(plan: Plan, env: JobEnvironment, processEnv: Env): Promise<NewCluster> {
  const r = plan.resolved;
  const name = r.spec.cluster.name;
  // Credentials first: a reference that cannot be resolved is an input error before anything is generated.
  const providers = await providersFor(plan, env, processEnv);
  // `ensure` keeps a new value in memory only when the store is read-only (akb diff): nothing is written then.
  const vault = {
    read: async (n: string) => env.secrets.get(n),
    write: async (n: string, v: string) => void (await env.secrets.ensure(n, () => v)),
  };
  const { secrets } = await loadOrCreateBootstrapSecrets(vault, name);
  env.redactor.add(...secretValues(secrets));
  const kubeconfigText = await env.secrets.ensure(ADMIN_KUBECONFIG_SECRET, () =>
    adminKubeconfig(r, secrets, r.spec.cluster.proxyUrl ? { proxyUrl: r.spec.cluster.proxyUrl } : {}),
  );
  const user = (parse(kubeconfigText) as { users: Array<{ user: Record<string, string> }> }).users[0]?.user ?? {};
  const clientKey = user['client-key-data'];
  if (clientKey) env.redactor.add(clientKey, Buffer.from(clientKey, 'base64').toString('utf8'));
  if (env.command === 'apply') await writeFileAtomic(join(env.stateDir, KUBECONFIG_FILE), kubeconfigText, 0o600);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(kubeconfigText);
  return {
    secrets,
    kubeConfig,
    providers,
    close: async () => {
      for (const p of providers.values()) await p.close();
    },
  };
}

function providerOf(nc: NewCluster, n: ClusterNode): MachineProvider {
  const p = nc.providers.get(n.placement.type);
  if (!p) throw new JobInputError(`cluster.nodes: node ${n.name} is placed on ${n.placement.type}, which full mode cannot create`);
  return p;
}

/** One `machine:<node>` step per node: after the ACI steps, the first master first (it runs kubeadm init). */
export function machineSteps(plan: Plan, nc: NewCluster, after: readonly StepId[], timeoutMs: number): MachineStep[] {
  const r = plan.resolved;
  const nodes = r.spec.cluster.nodes;
  const first = nodes[0]!;
  return nodes.map(
    (n) =>
      new MachineStep({
        cluster: r.spec.cluster.name,
        node: n,
        provider: providerOf(nc, n),
        bootstrap: () => nodeBootstrap(r, nc.secrets, n),
        dependsOn: n === first ? after : [...after, machineStepId(first.name)],
        timeoutMs,
      }),
  );
}

/**
 * Destroy of the machines (every joined node before the first master) and, once they are gone, of what the state
 * holds for the cluster: its generated secrets, the admin kubeconfig and the records of the cluster's objects
 * (they went with the machines). A machine left behind keeps the secrets, so a later destroy can finish.
 */
export function machineDestroySteps(plan: Plan, nc: NewCluster, env: JobEnvironment, left: string[]): Step[] {
  const r = plan.resolved;
  const nodes = r.spec.cluster.nodes;
  const first = nodes[0]!;
  const others = nodes.filter((n) => n !== first).map((n) => machineStepId(n.name));
  const machines = nodes.map((n) => new MachineDestroyStep(r.spec.cluster.name, n, providerOf(nc, n), n === first ? others : [], left));
  const forget: Step<string[]> = {
    id: 'cluster:secrets',
    title: `the secrets and kubeconfig of cluster ${r.spec.cluster.name}`,
    dependsOn: machines.map((m) => m.id),
    observe: async () => env.secrets.names(),
    diff: (names): Change[] =>
      left.some((l) => nodes.some((n) => l.startsWith(`VM ${n.name}`) || l.startsWith(`${n.name}:`)))
        ? []
        : names.map((n) => ({ action: 'delete' as const, target: `secret ${n}` })),
    act: async (names) => {
      for (const n of names) await env.secrets.delete(n);
      await rm(join(env.stateDir, KUBECONFIG_FILE), { force: true });
      const records = env.state.entries('k8s:').map(([id]) => id);
      if (records.length > 0) await env.state.remove(...records);
    },
  };
  return [...machines, forget];
}

const NOT_YET = Symbol('the cluster does not exist yet');

/**
 * A Kubernetes step of the new cluster: it waits for the machines, and while the cluster does not exist yet (the
 * plan pass of a first apply, `akb diff`) it plans to create what it applies instead of failing to reach the VIP.
 * It delegates to the step, so the step's own state stays with it.
 */
export function inNewCluster(step: Step, machines: readonly StepId[], pending: () => Promise<boolean>): Step {
  return {
    id: step.id,
    title: step.title,
    dependsOn: [...new Set([...step.dependsOn, ...machines])],
    ...(step.checkOnly ? { checkOnly: true } : {}),
    observe: async (ctx) => {
      try {
        return await step.observe(ctx);
      } catch (err) {
        if (ctx.mode === 'diff' && (await pending())) return NOT_YET;
        throw err;
      }
    },
    diff: (o, ctx) =>
      o === NOT_YET ? [{ action: 'create', target: step.title, note: 'once the cluster is bootstrapped' }] : step.diff(o, ctx),
    act: (o, changes, ctx) => step.act(o, changes, ctx),
    ...(step.wait ? { wait: (ctx) => step.wait!(ctx) } : {}),
    ...(step.verify ? { verify: (ctx) => step.verify!(ctx) } : {}),
  };
}

/** True until the first master has finished its bootstrap (kubeadm init): before that there is no API to ask. */
export function clusterPending(plan: Plan, nc: NewCluster): () => Promise<boolean> {
  const first = plan.resolved.spec.cluster.nodes[0]!;
  let answer: Promise<boolean> | undefined;
  return () =>
    (answer ??= providerOf(nc, first)
      .observe({ cluster: plan.resolved.spec.cluster.name, node: first }, { signal: AbortSignal.timeout(60_000), emit: () => undefined })
      .then((o) => o.bootstrap.state !== 'succeeded')
      .catch(() => true));
}
