import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { ApicClient } from '../../aci/client';
import { loadKubeConfig } from '../../k8s/kubeconfig';
import { formatProblems } from '../../../provisioner/spec/problems';
import { validateSpecText } from '../../../provisioner/spec/validate';
import { buildPlan, type Plan } from '../../../provisioner/plan/index';
import { aciDestroySteps } from '../../../provisioner/providers/aci/destroy-steps';
import { aciSteps } from '../../../provisioner/providers/aci/steps';
import { createAciContext } from '../../../provisioner/providers/aci/context';
import { jobSnapshots, rollBack, type TenantSnapshot } from '../../../provisioner/providers/aci/snapshot';
import { applySetParent } from '../../../provisioner/providers/kubernetes/applyset';
import { KubeClient } from '../../../provisioner/providers/kubernetes/client';
import { kubeDestroySteps } from '../../../provisioner/providers/kubernetes/destroy-steps';
import { KubeObjectStep } from '../../../provisioner/providers/kubernetes/object-step';
import { kubeSteps } from '../../../provisioner/providers/kubernetes/steps';
import type { Step } from '../../../provisioner/providers/step';
import { JobInputError, startJob, type JobEnvironment, type JobHandle, type PlanSummary } from '../../../provisioner/apply/job';
import { resolveSecretRef, type Env } from '../../../provisioner/apply/secret-ref';
import { verifyBgpStep } from './verify-bgp';
import {
  bootstrapSecretNames,
  clusterPending,
  inNewCluster,
  machineDestroySteps,
  machineSteps,
  openNewCluster,
  type NewCluster,
} from './full-mode';
import type { JobCommand } from '../../../provisioner/apply/engine/events';

/**
 * apply, diff and destroy of one cluster from its spec: the programmatic API the CLI and the UI's server side use.
 * It lives in the composition root (docs/architecture.md): it picks the clients and providers the engine drives.
 * It validates the spec, builds the plan, resolves the plan's secrets in memory (references read, generated ones
 * kept encrypted in the state directory), and runs the ACI, Kubernetes and verification steps as one job.
 */

export interface ClusterJobOptions {
  command: JobCommand;
  /** Spec text (YAML or JSON) and where it came from (for messages). */
  specText: string;
  specPath: string;
  /** Default `.akb/clusters/<cluster name>`. */
  stateDir?: string;
  /** Key material of the secret store (resolved by the caller from --state-key). */
  stateKey: string;
  /** kubeconfig path; else the spec's `cluster.kubeconfig`; else the usual search ($KUBECONFIG, ~/.kube/config). */
  kubeconfig?: string;
  /** PEM file of the APIC's CA (else the spec's `fabric.apic.caFile`, else the system's trust). */
  apicCaFile?: string;
  adopt?: boolean;
  snapshot?: boolean;
  rollbackOnFailure?: boolean;
  verifyTimeoutMs?: number;
  waitTimeoutMs?: number;
  concurrency?: number;
  confirm?: (plan: PlanSummary) => Promise<boolean>;
  /** Asked after a failed apply that took a snapshot, when `rollbackOnFailure` is not set. */
  offerRollback?: (snapshots: readonly TenantSnapshot[]) => Promise<boolean>;
  env?: Env;
}

export function defaultStateDir(cluster: string): string {
  return `.akb/clusters/${cluster}`;
}

function planOf(opts: ClusterJobOptions): Plan {
  const result = validateSpecText(opts.specText);
  if (!result.ok) throw new JobInputError(`${opts.specPath}: ${result.problems.length} problem(s)\n${formatProblems(result.problems)}`);
  return buildPlan(result.resolved);
}

/** Every placeholder value of the plan: references resolved, generated secrets from the store (created once). */
async function planSecrets(plan: Plan, env: JobEnvironment, processEnv: Env): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  // The bootstrap secrets (full mode) are the cluster's generated PKI and tokens: full-mode.ts fills them.
  const bootstrap = bootstrapSecretNames(plan);
  for (const use of plan.secrets) {
    if (bootstrap.has(use.name)) continue;
    if (use.source.startsWith('env:') || use.source.startsWith('file:'))
      values[use.name] = await resolveSecretRef(use.source, { env: processEnv, field: use.usedBy });
    else if (use.source === 'generated at apply time')
      values[use.name] = await env.secrets.ensure(use.name, () => randomBytes(24).toString('base64url'));
  }
  if (values['bgp-password'] !== undefined && plan.secrets.some((s) => s.name === 'bgp-password-base64'))
    values['bgp-password-base64'] = Buffer.from(values['bgp-password'], 'utf8').toString('base64');
  env.redactor.add(...Object.values(values));
  return values;
}

interface Clients {
  apic: ApicClient;
  kube: KubeClient;
  kubeConfig: KubeConfig;
}

async function clients(
  plan: Plan,
  opts: ClusterJobOptions,
  env: JobEnvironment,
  processEnv: Env,
  /** Full mode: the new cluster's kubeconfig, made once the APIC's credential is resolved (input errors first). */
  newCluster?: () => Promise<KubeConfig>,
): Promise<Clients> {
  const { fabric, cluster } = plan.resolved.spec;
  const credential = await resolveSecretRef(fabric.apic.credentials, { env: processEnv, field: 'fabric.apic.credentials' });
  env.redactor.add(credential);
  const caFile = opts.apicCaFile ?? (fabric.apic as { caFile?: string }).caFile;
  const ca = caFile
    ? await readFile(caFile, 'utf8').catch(() => {
        throw new JobInputError(`fabric.apic.caFile: cannot read ${caFile}`);
      })
    : undefined;
  const apic = new ApicClient({
    controllers: fabric.apic.urls,
    auth:
      fabric.apic.certificateName !== undefined
        ? { type: 'certificate', user: fabric.apic.username, certName: fabric.apic.certificateName, privateKey: credential }
        : { type: 'password', user: fabric.apic.username, password: credential },
    tls: ca ? { ca } : {},
  });
  let kubeConfig: KubeConfig;
  const specKubeconfig = (cluster as { kubeconfig?: string }).kubeconfig;
  if (newCluster) kubeConfig = await newCluster();
  else if (opts.kubeconfig) kubeConfig = loadKubeConfig({ path: opts.kubeconfig });
  else if (specKubeconfig) {
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(await resolveSecretRef(specKubeconfig, { env: processEnv, field: 'cluster.kubeconfig' }));
  } else kubeConfig = loadKubeConfig();
  return { apic, kubeConfig, kube: new KubeClient(kubeConfig, { signal: env.signal }) };
}

export function startClusterJob(opts: ClusterJobOptions): JobHandle {
  const processEnv = opts.env ?? process.env;
  let plan: Plan;
  try {
    plan = planOf(opts);
  } catch (err) {
    return failedJob(err);
  }
  const spec = plan.resolved.spec;
  const name = spec.cluster.name;
  let c: Clients | undefined;
  let nc: NewCluster | undefined;
  const full = spec.mode === 'full';
  const left: string[] = [];
  return startJob({
    command: opts.command,
    cluster: name,
    stateDir: opts.stateDir ?? defaultStateDir(name),
    stateKey: opts.stateKey,
    concurrency: opts.concurrency,
    ...(opts.confirm ? { confirm: opts.confirm } : {}),
    async build(env) {
      const newCluster = async () => (nc = await openNewCluster(plan, env, processEnv)).kubeConfig;
      c = await clients(plan, opts, env, processEnv, full ? newCluster : undefined);
      env.signal.addEventListener('abort', () => void c?.apic.close(), { once: true });
      const applySet = applySetParent(name);
      // A cluster akb built goes with its machines: nothing in it is deleted one object at a time.
      if (opts.command === 'destroy' && nc)
        return [...aciDestroySteps(c.apic, env.state, left), ...machineDestroySteps(plan, nc, env, left)];
      if (opts.command === 'destroy')
        return [...aciDestroySteps(c.apic, env.state, left), ...kubeDestroySteps(c.kube, env.state, applySet, left, opts.waitTimeoutMs)];
      const secrets = await planSecrets(plan, env, processEnv);
      const digestKey = await env.secrets.ensure('aci.digest-key', () => randomBytes(32).toString('base64url'));
      const tenants = [...new Set([spec.fabric.tenant, spec.fabric.vrf.tenant ?? spec.fabric.tenant])];
      const aci = aciSteps(
        plan.aci,
        createAciContext({
          apic: c.apic,
          cluster: name,
          tenants,
          secrets,
          adopt: opts.adopt ?? false,
          digestKey,
          snapshot: opts.snapshot ?? false,
        }),
      );
      // Full mode: the machines come up once the fabric side is there, and the cluster's objects wait for them.
      const machines = nc
        ? machineSteps(
            plan,
            nc,
            aci.map((s) => s.id),
            opts.waitTimeoutMs ?? 600_000,
          )
        : [];
      const kubeOwn = kubeSteps(plan.manifests, {
        client: c.kube,
        secrets,
        adopt: opts.adopt ?? false,
        applySet,
        ...(opts.waitTimeoutMs ? { timeoutMs: opts.waitTimeoutMs } : {}),
      });
      // Verification waits for the fabric side and the CNI's objects, not for akb itself.
      const cniIds = kubeOwn.filter((s) => s instanceof KubeObjectStep && plan.manifests.cni.includes(s.manifest)).map((s) => s.id);
      const verify = verifyBgpStep(
        {
          apic: c.apic,
          kubeConfig: c.kubeConfig,
          fabric: {
            vrfTenant: spec.fabric.vrf.tenant ?? spec.fabric.tenant,
            vrf: spec.fabric.vrf.name,
            l3outTenant: spec.fabric.tenant,
            l3out: spec.fabric.l3out.name,
          },
          leaves: spec.fabric.anchorLeaves.map((a) => `leaf:${a.nodeId}`),
          nodes: spec.cluster.nodes.map((n) => `node:${n.name}`),
          timeoutMs: opts.verifyTimeoutMs ?? 180_000,
        },
        [...aci.map((s) => s.id), ...cniIds],
      );
      // Full mode, in the order of the journey: machines, then the CNI, the BGP check, and akb once the fabric shows it.
      const pending = nc && clusterPending(plan, nc);
      const akbIds = new Set(
        kubeOwn.filter((s) => s instanceof KubeObjectStep && plan.manifests.akb.includes(s.manifest)).map((s) => s.id),
      );
      const machineIds = machines.map((m) => m.id);
      const kube = pending
        ? kubeOwn.map((s) => inNewCluster(s, akbIds.has(s.id) ? [...machineIds, verify.id] : machineIds, pending))
        : kubeOwn;
      const steps: Step[] = [...aci, ...machines, ...kube, verify];
      return steps;
    },
    async onFailure(env) {
      const taken = jobSnapshots(env.state, env.job);
      if (taken.length === 0) return;
      const yes = opts.rollbackOnFailure || (opts.offerRollback ? await opts.offerRollback(taken) : false);
      if (!yes) {
        env.emit({
          type: 'info',
          message: `the tenant snapshot${taken.length > 1 ? 's' : ''} taken before this job: ${taken.map((s) => `${s.fileName} (uni/tn-${s.tenant})`).join(', ')}; re-run with --snapshot --rollback-on-failure, or roll back in the APIC (it also undoes other changes made since)`,
        });
        return;
      }
      env.emit({ type: 'info', message: `rolling back ${taken.map((s) => `uni/tn-${s.tenant} to ${s.fileName}`).join(', ')}` });
      await rollBack(c!.apic, name, taken);
      await env.state.update((d) => {
        const before = (d.facts[`aci.before.${env.job}`] ?? {}) as typeof d.resources;
        for (const id of Object.keys(d.resources)) if (id.startsWith('aci:') && !id.startsWith('aci:uni/fabric/')) delete d.resources[id];
        for (const [id, r] of Object.entries(before)) d.resources[id] = r;
      });
      env.emit({ type: 'info', message: 'rolled back: the tenant configuration is the one from before this job' });
    },
    async finish() {
      await c?.apic.close();
      await nc?.close();
      return opts.command === 'destroy' ? { left } : {};
    },
  });
}

function failedJob(err: unknown): JobHandle {
  const message = err instanceof Error ? err.message : String(err);
  const done = Promise.resolve({
    job: '',
    outcome: 'failed' as const,
    changes: 0,
    error: message,
    errorKind: err instanceof JobInputError ? ('input' as const) : ('runtime' as const),
  });
  return { id: '', events: (async function* () {})(), cancel: () => undefined, done };
}
