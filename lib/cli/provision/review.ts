import { stringify } from 'yaml';
import { buildPlan, type Plan } from '../../../provisioner/plan/index';
import { planFiles } from '../../../provisioner/output/files';
import { validateSpec } from '../../../provisioner/spec/validate';
import type { JobEvent } from '../../../provisioner/apply/engine/events';
import type { AciTreeNode, ChangeState, ReviewResponse, SpecProblem, ValidateResponse } from '../../live/shared/provision';

/**
 * The review step's content, from the same validator and plan builder as `akb plan` and the same diff as `akb diff`:
 * the APIC objects as a tree marked new / changed / unchanged against the live fabric, the Kubernetes objects, each
 * node's user data with secret placeholders masked, and the plan's files for download.
 */

export function validateDocument(doc: unknown): ValidateResponse {
  const result = validateSpec(doc);
  if (!result.ok) return { ok: false, problems: result.problems, derived: {} };
  return { ok: true, problems: [], derived: result.resolved.defaulted };
}

export function planOf(doc: unknown): { plan: Plan } | { problems: SpecProblem[] } {
  const result = validateSpec(doc);
  return result.ok ? { plan: buildPlan(result.resolved) } : { problems: result.problems };
}

const PLACEHOLDER = /\{\{akb\.secret:[^}]+\}\}/g;
export const maskSecrets = (text: string): string => text.replace(PLACEHOLDER, '••••••••');

/** The engine's step ID of a planned Kubernetes object (`k8s:<group>/<Kind>/<namespace>/<name>`). */
function kubeStepId(m: { apiVersion: string; kind: string; metadata?: { name?: string; namespace?: string } }): string {
  const group = m.apiVersion.includes('/') ? m.apiVersion.split('/')[0]! : 'core';
  return `k8s:${group}/${m.kind}/${m.metadata?.namespace ?? '-'}/${m.metadata?.name ?? ''}`;
}

type PlanEvent = Extract<JobEvent, { type: 'plan' }>;

function stateOf(action: string | undefined): ChangeState {
  if (action === 'create') return 'new';
  if (action === 'delete') return 'deleted';
  return action ? 'changed' : 'unchanged';
}

/** The plan's APIC objects as a tree, each marked with what the diff found for its DN. */
export function aciTree(plan: Plan, diff: PlanEvent | null): AciTreeNode[] {
  const changes = new Map<string, { action: string; fields?: AciTreeNode['fields'] }>();
  for (const s of diff?.steps ?? [])
    for (const c of s.changes)
      if (s.step.startsWith('aci:')) changes.set(c.target, { action: c.action, ...(c.fields ? { fields: c.fields } : {}) });
  const nodes = new Map<string, AciTreeNode>();
  for (const o of plan.aci.objects) {
    const c = changes.get(o.dn);
    // Without a diff nothing is known to exist: every object is one to create.
    const state: ChangeState = diff ? stateOf(c?.action) : 'new';
    nodes.set(o.dn, { dn: o.dn, className: o.cls, state, ...(c?.fields ? { fields: c.fields } : {}), children: [] });
  }
  const roots: AciTreeNode[] = [];
  for (const o of plan.aci.objects) {
    const node = nodes.get(o.dn)!;
    const parent = nodes.get(o.parentDn);
    if (parent && parent !== node) parent.children.push(node);
    else if (!roots.includes(node)) roots.push(node);
  }
  return roots;
}

export function review(plan: Plan, diff: PlanEvent | null, diffError: string | undefined, specDoc: unknown): ReviewResponse {
  const changed = new Map<string, string>();
  for (const s of diff?.steps ?? []) if (s.step.startsWith('k8s:')) changed.set(s.step, s.changes[0]?.action ?? 'update');
  const manifests = [...plan.manifests.cni, ...plan.manifests.akb];
  return {
    ok: true,
    problems: [],
    preflight: [],
    derived: plan.resolved.defaulted,
    aci: aciTree(plan, diff),
    kubernetes: manifests.map((m) => {
      const step = kubeStepId(m);
      return {
        step,
        kind: m.kind,
        name: m.metadata?.name ?? '',
        ...(m.metadata?.namespace ? { namespace: m.metadata.namespace } : {}),
        state: diff ? stateOf(changed.get(step)) : 'unknown',
      };
    }),
    userData: plan.nodes.map((n) => ({ node: n.node, text: maskSecrets(n.userData) })),
    changes: diff?.changes ?? plan.aci.objects.length + manifests.length,
    specYaml: stringify(specDoc),
    // The plan's files hold placeholders only, never values (docs/spec.md "Secrets").
    planFiles: Object.fromEntries(planFiles(plan)),
    ...(diffError ? { diffError } : {}),
  };
}
