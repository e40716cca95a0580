import type { ApicClient } from '../../../lib/aci/client';
import type { WireMo } from '../../../lib/aci/mo';
import { moEntry } from '../../../lib/aci/mo';
import type { StepContext } from '../step';
import type { StateStore } from '../step';
import { aciId, ACI_PROVIDER, ANNOTATION } from './record';

/**
 * APIC's own rollback (APPLY.md §2): before its first write a job with `--snapshot` takes a snapshot of each tenant
 * it writes into (a `configExportP` with `snapshot=yes`, `targetDn` the tenant, triggered); if the job fails,
 * `--rollback-on-failure` (or the user, when offered) replaces the tenant's configuration with the snapshot (a
 * `configImportP`, `importType=replace`, `importMode=atomic`). An atomic replace also undoes other people's changes
 * made since the snapshot: the offer says so.
 */

export interface TenantSnapshot {
  tenant: string;
  policyDn: string;
  fileName: string;
  takenAt: string;
  job: string;
}

export const SNAPSHOTS_FACT = 'aci.snapshots';

const attrsOf = (mo: WireMo) => moEntry(mo)[1].attributes;

function exportPolicyDn(cluster: string, tenant: string): string {
  return `uni/fabric/configexp-akb-${cluster}-${tenant}`;
}
function importPolicyDn(cluster: string, tenant: string): string {
  return `uni/fabric/configimp-akb-${cluster}-${tenant}`;
}

/** The configJob of a policy's last run: `success`, `failed`, or still running. */
async function waitForJob(
  apic: ApicClient,
  policyDn: string,
  ctx: StepContext | undefined,
  what: string,
  before: Set<string>,
): Promise<void> {
  const jobsDn = `uni/backupst/jobs-[${policyDn}]`;
  const check = async () => {
    const jobs = (await apic.get(jobsDn, { rspSubtree: 'children' })) ?? undefined;
    const runs = (jobs ? (moEntry(jobs)[1].children ?? []) : []).map(attrsOf).filter((a) => !before.has(a.dn ?? a.rn ?? ''));
    const last = runs.at(-1);
    if (!last) return { done: false as const, status: 'no job yet' };
    if (last.operSt === 'success') return { done: true as const, value: undefined };
    if (last.operSt === 'failed' || last.operSt === 'fail') throw new Error(`${what} failed on the APIC: ${last.details ?? last.operSt}`);
    return { done: false as const, status: `job ${last.operSt ?? 'running'}` };
  };
  if (ctx) await ctx.poll(what, check, { timeoutMs: 300_000, intervalMs: 1000 });
  else {
    const deadline = Date.now() + 300_000;
    for (;;) {
      const r = await check();
      if (r.done) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${r.status}`);
      await new Promise((res) => setTimeout(res, 1000));
    }
  }
}

async function childKeys(apic: ApicClient, dn: string): Promise<Set<string>> {
  const mo = await apic.get(dn, { rspSubtree: 'children' });
  return new Set((mo ? (moEntry(mo)[1].children ?? []) : []).map((c) => attrsOf(c).dn ?? attrsOf(c).rn ?? ''));
}

/** Takes one snapshot of `uni/tn-<tenant>` and returns it (recorded in the state by the caller). */
export async function takeSnapshot(apic: ApicClient, cluster: string, tenant: string, ctx: StepContext): Promise<TenantSnapshot> {
  const policyDn = exportPolicyDn(cluster, tenant);
  const snapshotsDn = `uni/backupst/snapshots-[${policyDn}]`;
  const [jobsBefore, snapsBefore] = await Promise.all([childKeys(apic, `uni/backupst/jobs-[${policyDn}]`), childKeys(apic, snapshotsDn)]);
  await ctx.state.put(aciId(policyDn), {
    provider: ACI_PROVIDER,
    origin: 'created',
    status: 'applied',
    job: ctx.job,
    data: { cls: 'configExportP', root: policyDn, digests: {} },
  });
  await apic.post(policyDn, {
    configExportP: {
      attributes: {
        dn: policyDn,
        name: `akb-${cluster}-${tenant}`,
        snapshot: 'yes',
        adminSt: 'triggered',
        targetDn: `uni/tn-${tenant}`,
        format: 'json',
        annotation: ANNOTATION,
      },
    },
  });
  await waitForJob(apic, policyDn, ctx, `the snapshot of uni/tn-${tenant}`, jobsBefore);
  const snaps = await apic.get(snapshotsDn, { rspSubtree: 'children' });
  const fresh = (snaps ? (moEntry(snaps)[1].children ?? []) : []).map(attrsOf).filter((a) => !snapsBefore.has(a.dn ?? a.rn ?? ''));
  const file = fresh.at(-1)?.fileName;
  if (!file) throw new Error(`the APIC took no snapshot of uni/tn-${tenant} (no new configSnapshot under ${snapshotsDn})`);
  return { tenant, policyDn, fileName: file, takenAt: new Date().toISOString(), job: ctx.job };
}

/** Replaces each snapshot's tenant with the snapshot (atomic). */
export async function rollBack(apic: ApicClient, cluster: string, snapshots: readonly TenantSnapshot[], ctx?: StepContext): Promise<void> {
  for (const s of snapshots) {
    const policyDn = importPolicyDn(cluster, s.tenant);
    const before = await childKeys(apic, `uni/backupst/jobs-[${policyDn}]`);
    await apic.post(policyDn, {
      configImportP: {
        attributes: {
          dn: policyDn,
          name: `akb-${cluster}-${s.tenant}`,
          snapshot: 'yes',
          adminSt: 'triggered',
          importType: 'replace',
          importMode: 'atomic',
          fileName: s.fileName,
          annotation: ANNOTATION,
        },
      },
    });
    await waitForJob(apic, policyDn, ctx, `the rollback of uni/tn-${s.tenant} to ${s.fileName}`, before);
  }
}

export function jobSnapshots(state: StateStore, job: string): TenantSnapshot[] {
  return (state.fact<TenantSnapshot[]>(SNAPSHOTS_FACT) ?? []).filter((s) => s.job === job);
}
