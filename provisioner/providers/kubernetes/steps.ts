import type { Step, StepContext } from '../step';
import type { Manifest } from '../../plan/manifest';
import type { StateStore } from '../step';
import { readKubeRecord } from './record';
import { ApplySetParentStep } from './applyset-step';
import { KubeObjectStep, type KubeContext } from './object-step';
import { describeRef, refOf, stepIdOf, type ObjectRef } from './object-ref';
import { KubePruneStep } from './prune-step';
import { readiness } from './readiness';

/**
 * The Kubernetes part of a job: one step per plan manifest, ordered as a user would apply them (the ApplySet parent
 * first, namespaces and CRDs before what they contain, a namespace's workloads after its configuration), the prune
 * of what left the plan after them, and `akb:rollout`, done when akb's Deployment is available.
 */

const WORKLOADS = new Set(['Deployment', 'DaemonSet', 'StatefulSet']);
const PATCH_ONLY = new Set(['Node']);

export const ROLLOUT_STEP = 'akb:rollout';

export interface KubeManifests {
  cni: readonly Manifest[];
  akb: readonly Manifest[];
}

function crdKinds(manifests: readonly Manifest[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of manifests) {
    if (m.kind !== 'CustomResourceDefinition') continue;
    const spec = m.spec as { group?: string; names?: { kind?: string } } | undefined;
    if (spec?.group && spec.names?.kind) out.set(`${spec.group}/${spec.names.kind}`, stepIdOf(refOf(m)));
  }
  return out;
}

export function kubeSteps(plan: KubeManifests, k: KubeContext): Step[] {
  const all = [...plan.cni, ...plan.akb];
  const refs = all.map(refOf);
  const candidates = refs.filter((r) => !PATCH_ONLY.has(r.kind));
  // Objects akb found in the cluster are recorded as non-members: the parent does not list their kinds for them.
  const members = (state: StateStore) => candidates.filter((r) => readKubeRecord(state.get(stepIdOf(r)))?.member !== false);
  const parent = new ApplySetParentStep(k.client, k.applySet, members, k.timeoutMs);
  const namespaces = new Map(all.filter((m) => m.kind === 'Namespace').map((m) => [m.metadata.name, stepIdOf(refOf(m))]));
  const crds = crdKinds(all);
  const akbDeployment = plan.akb.find((m) => m.kind === 'Deployment');
  const objects = all.map((m) => {
    const ref = refOf(m);
    const deps = new Set<string>([parent.id]);
    if (ref.namespace && namespaces.has(ref.namespace)) deps.add(namespaces.get(ref.namespace)!);
    const crd = crds.get(`${ref.group}/${ref.kind}`);
    if (crd) deps.add(crd);
    if (WORKLOADS.has(ref.kind)) {
      for (const other of all) {
        const o = refOf(other);
        if (o.namespace === ref.namespace && !WORKLOADS.has(o.kind) && o.kind !== 'Namespace') deps.add(stepIdOf(o));
      }
    }
    return new KubeObjectStep(m, [...deps], k, { waitReady: m !== akbDeployment });
  });
  const steps: Step[] = [
    parent,
    ...objects,
    new KubePruneStep(
      k.client,
      k.applySet,
      refs,
      objects.map((o) => o.id),
      k.timeoutMs,
    ),
  ];
  if (akbDeployment) steps.push(rolloutStep(k, refOf(akbDeployment)));
  return steps;
}

/** `akb:rollout`: akb's own Deployment available, what a user waits for before opening the UI. */
function rolloutStep(k: KubeContext, ref: ObjectRef): Step<undefined> {
  return {
    id: ROLLOUT_STEP,
    dependsOn: [stepIdOf(ref)],
    title: `akb rolled out (${describeRef(ref)} available)`,
    checkOnly: true,
    observe: async () => undefined,
    diff: () => [],
    act: async () => undefined,
    async wait(ctx: StepContext) {
      const info = await k.client.resourceInfo(ref);
      if (!info) throw new Error(`${ref.apiVersion} ${ref.kind} is not served`);
      await ctx.poll(`${describeRef(ref)} to be available`, async () => readiness(await k.client.get(ref, info)), {
        timeoutMs: k.timeoutMs ?? 300_000,
        intervalMs: 500,
      });
    },
  };
}
