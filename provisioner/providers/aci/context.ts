import type { ApicClient } from '../../../lib/aci/client';
import type { StepContext } from '../step';
import type { AciContext } from './payload-step';
import { SNAPSHOTS_FACT, takeSnapshot, type TenantSnapshot } from './snapshot';

export interface AciContextOptions {
  apic: ApicClient;
  cluster: string;
  /** The tenants the plan writes into (the L3Out's, the VRF's): what `--snapshot` covers. */
  tenants: readonly string[];
  secrets: Readonly<Record<string, string>>;
  adopt: boolean;
  digestKey: string;
  snapshot: boolean;
}

/** What a missing parent means to the user. */
function parentHint(dn: string): string {
  if (/^uni\/tn-[^/]+$/.test(dn)) return 'the tenant must exist (fabric.tenant, fabric.vrf.tenant)';
  if (/\/ctx-[^/]+$/.test(dn)) return 'the VRF must exist (fabric.vrf)';
  return 'it must exist before akb adds to it';
}

/**
 * The shared context of a job's ACI steps: existence checks asked once per job, and the `--snapshot` of every tenant
 * the plan writes into, taken once, just before the first write (no write, no snapshot). Each snapshot is recorded in
 * the state with a copy of the ACI records before it, so a rollback can put the state back too.
 */
export function createAciContext(o: AciContextOptions): AciContext & { snapshots: TenantSnapshot[] } {
  const exists = new Map<string, Promise<boolean>>();
  const snapshots: TenantSnapshot[] = [];
  let snapshotting: Promise<void> | undefined;
  return {
    apic: o.apic,
    secrets: o.secrets,
    adopt: o.adopt,
    digestKey: o.digestKey,
    snapshots,
    exists(dn) {
      let p = exists.get(dn);
      if (!p) exists.set(dn, (p = o.apic.get(dn, { rspPropInclude: 'naming-only' }).then((mo) => mo !== undefined)));
      return p;
    },
    parentHint,
    beforeWrite(ctx: StepContext) {
      if (!o.snapshot) return Promise.resolve();
      snapshotting ??= (async () => {
        for (const tenant of o.tenants) {
          const s = await takeSnapshot(o.apic, o.cluster, tenant, ctx);
          snapshots.push(s);
          await ctx.state.update((d) => {
            d.facts[SNAPSHOTS_FACT] = [...((d.facts[SNAPSHOTS_FACT] as TenantSnapshot[] | undefined) ?? []), s];
            d.facts[`aci.before.${s.job}`] ??= Object.fromEntries(Object.entries(d.resources).filter(([id]) => id.startsWith('aci:')));
          });
          ctx.warn(`took a snapshot of uni/tn-${tenant} before the first change: ${s.fileName}`);
        }
      })();
      return snapshotting;
    },
  };
}
