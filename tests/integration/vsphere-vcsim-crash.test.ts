import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { instanceUuidFor } from '../../provisioner/providers/vsphere/clone-spec';
import { VimSession } from '../../provisioner/providers/vsphere/session';
import { Vim } from '../../provisioner/providers/vsphere/vim';
import { startVcsim, VCSIM_PLACEMENT, vmNamesIn, type Vcsim } from '../support/vcsim';
import { ledgerEntry, runVsphereEnsure, type EnsureProcess } from '../support/vsphere-process';

/**
 * kill -9 of the akb process in the middle of a clone, then a re-run: exactly one VM. The simulator holds each
 * CloneVM_Task for 8 s (and govmomi 0.24.2 accepts a second clone of the same name, so a careless re-run would
 * make a duplicate here).
 */

let sim: Vcsim;
let vim: Vim;
let dir: string;

beforeAll(async () => {
  sim = await startVcsim({ cloneDelayMs: 8000 });
  vim = new Vim(
    await VimSession.login({ url: sim.url, username: sim.username, password: sim.password, trust: { kind: 'ca', caPem: sim.caPem } }),
  );
  dir = mkdtempSync(join(tmpdir(), 'akb-vsphere-crash-'));
}, 120_000);

afterAll(async () => {
  await vim?.session.logout();
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function runEnsure(node: string, startWhen?: string): EnsureProcess {
  return runVsphereEnsure(
    {
      vsphere: {
        url: sim.url,
        username: sim.username,
        credentials: 'env:AKB_VSPHERE_PASSWORD',
        ...VCSIM_PLACEMENT,
        tls: { caFile: sim.caFile },
      },
      stateDir: dir,
      timeoutMs: 20_000,
      machine: {
        cluster: 'prod',
        node: {
          name: node,
          role: 'worker',
          rack: '1',
          ipv4: '192.168.10.31',
          interface: 'ens192',
          placement: { type: 'vsphere', template: sim.template, cpus: 2, memoryMiB: 4096, diskGiB: 40 },
        },
      },
    },
    sim.password,
    startWhen,
  );
}

let attempt = 0;

it('no duplicate VM after kill -9 in the middle of the clone and a re-run', async () => {
  // A node of its own per attempt: a retried attempt must not find the VM of the one before.
  const node = `prod-k${++attempt}`;
  // The re-run is started first and held until the kill, so it looks while the clone is still running.
  const barrier = join(dir, `rerun-${node}`);
  const rerun = runEnsure(node, barrier);
  const first = runEnsure(node);
  // The clone request is on its way once the process says so (the ledger was written just before).
  for (let i = 0; i < 1200 && !first.stderr().includes(`cloning ${node}`); i++) await sleep(50);
  expect(first.stderr()).toContain(`cloning ${node}`);
  await sleep(500);
  first.kill();
  expect((await first.done).code).toBeNull();
  // The state says a clone was requested, and vCenter's answer (the task) was never seen.
  expect(ledgerEntry(dir, node)).toMatchObject({ status: 'pending' });
  expect(ledgerEntry(dir, node)?.data.task).toBeUndefined();
  // Killed mid-clone: vCenter has no VM yet.
  expect(await vim.findVmByInstanceUuid(instanceUuidFor('prod', node))).toBeUndefined();

  writeFileSync(barrier, '');
  const second = await rerun.done;
  expect(second.code, second.stderr).toBe(0);
  expect(second.stderr).toContain('may still be in flight');
  expect(JSON.parse(second.stdout)).toMatchObject({ node, exists: true, createdByAkb: true, power: 'on' });
  expect((await vmNamesIn(vim, 'DC0/vm')).filter((n) => n === node)).toHaveLength(1);
  // Settled: the state records the VM as created by akb, nothing in flight.
  expect(ledgerEntry(dir, node)).toMatchObject({ status: 'applied', data: { instanceUuid: instanceUuidFor('prod', node) } });
}, 120_000);
