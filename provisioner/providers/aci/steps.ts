import type { Step } from '../step';
import type { AciPlan } from '../../plan/aci/index';
import { AciPayloadStep, type AciContext } from './payload-step';

/**
 * The ACI part of a job: one step per plan payload. A payload that names a policy by a relation (`tn<Class>Name`)
 * depends on the payload that creates a policy of that name, so the L3Out comes after its timers, prefix limit and
 * route-map rules, and the VRF's relation after the ECMP policy: relations resolve on arrival.
 */
export function aciSteps(plan: AciPlan, a: AciContext): AciPayloadStep[] {
  const rootName = new Map<string, string>();
  for (const p of plan.payloads) {
    const [body] = Object.values(p.body);
    const name = body?.attributes.name;
    if (name) rootName.set(p.dn, name);
  }
  return plan.payloads.map((p) => {
    const objects = plan.objects.filter((o) => o.dn === p.dn || o.dn.startsWith(`${p.dn}/`));
    const referenced = new Set(
      objects.flatMap((o) =>
        Object.entries(o.attrs)
          .filter(([k]) => /^tn[A-Z]\w*Name$/.test(k))
          .map(([, v]) => v),
      ),
    );
    const deps = plan.payloads.filter((q) => q !== p && referenced.has(rootName.get(q.dn) ?? '\u0000')).map((q) => `aci:${q.dn}`);
    return new AciPayloadStep(p, plan.objects, deps, a);
  });
}

export type { Step };
