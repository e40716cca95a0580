import type { ApicClient } from '../../../lib/aci/client';
import { moEntry } from '../../../lib/aci/mo';
import type { Change, Step, StepContext } from '../step';
import type { StateStore } from '../step';
import { dnKey } from './mo-tree';
import { aciId, aciRecords, ANNOTATION } from './record';

/**
 * Destroy on the APIC: only objects the state records AND the APIC shows as akb's (annotation orchestrator:akb).
 * The highest recorded object of each subtree is deleted (its children go with it); an object akb added under one
 * it does not own (the VRF's relation to akb's ECMP policy) is deleted alone, so its parent and the parent's other
 * children stay. Relations under foreign objects go first, then L3Outs, then policies, then akb's snapshot policies.
 */

function rank(dn: string, cls: string): number {
  if (dn.startsWith('uni/fabric/')) return 3;
  if (cls.startsWith('fvRs')) return 0;
  if (cls === 'l3extOut') return 1;
  return 2;
}

interface Observed {
  annotation?: string;
  exists: boolean;
}

export function aciDestroySteps(apic: ApicClient, state: StateStore, left: string[]): Step[] {
  const records = aciRecords(state);
  const keys = new Set(records.map((r) => dnKey(r.dn)));
  const tops = records.filter((r) => {
    const k = dnKey(r.dn);
    return ![...keys].some((other) => other !== k && k.startsWith(`${other}/`));
  });
  const byRank = new Map<number, string[]>();
  for (const t of tops) byRank.set(rank(t.dn, t.data.cls), [...(byRank.get(rank(t.dn, t.data.cls)) ?? []), `destroy:${aciId(t.dn)}`]);
  return tops.map((t): Step<Observed> => {
    const r = rank(t.dn, t.data.cls);
    const dependsOn = [...byRank.entries()].filter(([other]) => other < r).flatMap(([, ids]) => ids);
    const below = records.filter((o) => dnKey(o.dn) === dnKey(t.dn) || dnKey(o.dn).startsWith(`${dnKey(t.dn)}/`));
    return {
      id: `destroy:${aciId(t.dn)}`,
      title: `${t.data.cls} ${t.dn}`,
      dependsOn,
      async observe() {
        const mo = await apic.get(t.dn, { rspPropInclude: 'config-only' });
        return mo ? { exists: true, annotation: moEntry(mo)[1].attributes.annotation ?? '' } : { exists: false };
      },
      diff(o: Observed, ctx: StepContext): Change[] {
        if (!o.exists) return [];
        if (o.annotation !== ANNOTATION) {
          if (ctx.mode === 'destroy') {
            ctx.warn(`${t.dn} is recorded as akb's but its annotation is now "${o.annotation}": left in place`);
            left.push(`${t.dn} (annotation "${o.annotation}")`);
          }
          return [];
        }
        return [
          {
            action: 'delete',
            target: t.dn,
            note: below.length > 1 ? `with the ${below.length - 1} objects below it` : undefined,
          } as Change,
        ];
      },
      async act() {
        await apic.delete(t.dn);
      },
      async wait(ctx: StepContext) {
        // Forget what is gone (also records of a crashed run whose object never reached the APIC).
        if (!(await apic.get(t.dn, { rspPropInclude: 'naming-only' }))) await ctx.state.remove(...below.map((b) => aciId(b.dn)));
      },
    };
  });
}
