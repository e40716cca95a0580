import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MachineRef } from '../../provisioner/providers/machines';
import { ClusterState } from '../../provisioner/apply/state/cluster-state';
import { stateCloneLedger } from '../../provisioner/providers/vsphere/state-ledger';
import { VsphereProvider, type VsphereSpec } from '../../provisioner/providers/vsphere/provider';

/**
 * A separate process that runs the vSphere provider's `ensure` for one node, so a test can kill -9 it in the
 * middle of the clone, with the clone ledger in the cluster state as akb apply keeps it. Configuration comes as JSON in AKB_VSPHERE_TEST, the password in AKB_VSPHERE_PASSWORD.
 * Progress goes to stderr; the final observation to stdout as one JSON line.
 */
interface Config {
  vsphere: VsphereSpec;
  /** The cluster's state directory (state.json holds the clone ledger, as in akb apply). */
  stateDir: string;
  machine: MachineRef;
  /** Per-call timeout, also the window an unanswered clone request is waited for (default 60 s). */
  timeoutMs?: number;
}

/** With AKB_VSPHERE_START_WHEN=<file>, the process starts (and warms up) first and runs once the file exists. */
async function startSignal(): Promise<void> {
  const file = process.env.AKB_VSPHERE_START_WHEN;
  while (file && !existsSync(file)) await sleep(20);
}

async function main(): Promise<void> {
  await startSignal();
  const cfg = JSON.parse(process.env.AKB_VSPHERE_TEST ?? '{}') as Config;
  const provider = new VsphereProvider({
    vsphere: cfg.vsphere,
    password: process.env.AKB_VSPHERE_PASSWORD ?? '',
    ledger: stateCloneLedger(await ClusterState.load(cfg.stateDir, cfg.machine.cluster), `test-${process.pid}`),
    ...(cfg.timeoutMs ? { timeoutMs: cfg.timeoutMs } : {}),
  });
  const boot = { userData: '#cloud-config\n', metadata: '', files: [], script: '', phases: [], sentinel: '' };
  const ctx = {
    signal: new AbortController().signal,
    emit: (e: { node: string; message?: string }) => process.stderr.write(`${e.node}: ${e.message ?? ''}\n`),
  };
  const seen = await provider.ensure(cfg.machine, boot, ctx);
  await provider.close();
  process.stdout.write(`${JSON.stringify(seen)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
