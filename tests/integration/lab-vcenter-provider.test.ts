import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labTlsMaterial } from '../../lib/lab';
import { startLabVcenter, type LabVcenter } from '../../lib/lab/vcenter';
import type { MachineBootstrap, MachineContext, MachineRef } from '../../provisioner/providers/machines';
import { instanceUuidFor } from '../../provisioner/providers/vsphere/clone-spec';
import { memoryCloneLedger } from '../../provisioner/providers/vsphere/clone-ledger';
import { VsphereProvider, type VsphereSpec } from '../../provisioner/providers/vsphere/provider';
import { LAB_VCENTER_SEED_EXAMPLE as SEED } from '../support/lab-vcenter';
import { ledgerEntry, runVsphereEnsure } from '../support/vsphere-process';

/**
 * akb's vSphere provider against the lab's vCenter twin, whose tasks run asynchronously as vCenter's do: the
 * whole machine life (clone, power, the address the guest's cloud-init configures, scrub, destroy), and a kill -9
 * while the clone task is running, resumed by waiting for the task the ledger recorded.
 */

let vc: LabVcenter;
let dir: string;
let calls: string[] = [];
const ctx: MachineContext = { signal: new AbortController().signal, emit: () => undefined };

const vsphere = (over: Partial<VsphereSpec> = {}): VsphereSpec => ({
  url: vc.url,
  username: vc.credentials.user,
  credentials: 'env:AKB_VSPHERE_PASSWORD',
  datacenter: SEED.datacenter,
  computeCluster: SEED.cluster,
  datastore: SEED.datastores[0]!,
  folder: SEED.folder,
  portGroup: SEED.portGroup.name,
  tls: { caFile: join(dir, 'ca.pem') },
  ...over,
});

const machine = (name: string, ipv4: string): MachineRef => ({
  cluster: 'lab',
  node: {
    name,
    role: 'worker',
    rack: '1',
    ipv4,
    interface: 'ens192',
    placement: { type: 'vsphere', template: `${SEED.templateFolder}/${SEED.template.name}`, cpus: 4, memoryMiB: 8192, diskGiB: 40 },
  },
});

const boot = (name: string, ipv4: string): MachineBootstrap => ({
  userData: `#cloud-config\nwrite_files:\n- path: /etc/netplan/60-akb.yaml\n  content: |\n    network:\n      version: 2\n      ethernets:\n        ens192:\n          addresses: [${ipv4}/24]\n`,
  metadata: `instance-id: ${name}\nlocal-hostname: ${name}\n`,
  files: [],
  script: '/usr/local/sbin/akb-bootstrap',
  phases: [],
  sentinel: '/run/akb/bootstrap-success.complete',
});

beforeAll(async () => {
  vc = await startLabVcenter({ seed: SEED, password: 'Lab-Pa55word', cloneMs: 2500, observe: (m) => calls.push(m) });
  dir = mkdtempSync(join(tmpdir(), 'akb-lab-vcenter-'));
  writeFileSync(join(dir, 'ca.pem'), vc.caPem);
});

afterAll(async () => {
  await vc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('vSphere provider against the lab vCenter', () => {
  it('builds a machine: clone, power on, the guest address, scrub, then destroy leaves the template', async () => {
    const p = new VsphereProvider({ vsphere: vsphere(), password: vc.credentials.password, ledger: memoryCloneLedger() });
    const m = machine('lab-w1', '192.168.30.41');
    expect(await p.ensure(m, boot('lab-w1', '192.168.30.41'), ctx)).toMatchObject({
      exists: true,
      createdByAkb: true,
      power: 'on',
      scrubbed: false,
    });
    await expect(p.waitForAddress(m, ctx, { timeoutMs: 10_000 })).resolves.toBe('192.168.30.41');
    const vm = vc.inventory.vms().find((v) => v.name === 'lab-w1')!;
    expect(vm).toMatchObject({ cpus: 4, memoryMiB: 8192, instanceUuid: instanceUuidFor('lab', 'lab-w1'), guest: { hostName: 'lab-w1' } });
    expect(vm.nics).toHaveLength(1);

    await p.scrub(m, boot('lab-w1', '192.168.30.41'), ctx);
    // vCenter removes a key set to "": no trace of the user data is left.
    expect([...vm.extraConfig.keys()].filter((k) => k.startsWith('guestinfo.userdata'))).toEqual([]);
    expect((await p.observe(m, ctx)).scrubbed).toBe(true);

    await expect(p.destroy(m, ctx)).resolves.toEqual({ node: 'lab-w1', done: true });
    expect(vc.inventory.vms().map((v) => v.name)).toEqual([SEED.template.name]);
    await p.close();
  });

  it('a pinned thumbprint of the twin certificate is trusted, the CA thumbprint is not the server certificate', async () => {
    const server = new X509Certificate(labTlsMaterial().certPem).fingerprint256;
    const ok = new VsphereProvider({
      vsphere: vsphere({ tls: { thumbprint: server } }),
      password: vc.credentials.password,
      ledger: memoryCloneLedger(),
    });
    expect((await ok.observe(machine('lab-none', '192.168.30.49'), ctx)).exists).toBe(false);
    await ok.close();
    const ca = new X509Certificate(vc.caPem).fingerprint256;
    const wrong = new VsphereProvider({
      vsphere: vsphere({ tls: { thumbprint: ca } }),
      password: vc.credentials.password,
      ledger: memoryCloneLedger(),
    });
    await expect(wrong.observe(machine('lab-none', '192.168.30.49'), ctx)).rejects.toThrow(
      /node lab-none: vCenter RetrieveServiceContent: certificate thumbprint mismatch/,
    );
  });

  let attempt = 0;
  it('kill -9 while the clone task runs, then a re-run: it waits for that task and clones nothing new', async () => {
    calls = [];
    // A node of its own per attempt: a retried attempt must not find the VM of the one before.
    const node = `lab-k${++attempt}`;
    const cfg = { vsphere: vsphere(), stateDir: mkdtempSync(join(dir, 'state-')), machine: machine(node, '192.168.30.42') };
    // The re-run is started first and held until the kill, so it looks while the clone task still runs.
    const barrier = join(dir, `rerun-${node}`);
    const rerun = runVsphereEnsure(cfg, vc.credentials.password, barrier);
    const first = runVsphereEnsure(cfg, vc.credentials.password);
    // Kill once vCenter answered the clone with its task (the ledger records it) and while that task still runs.
    let recorded: { task?: string } | undefined;
    for (let i = 0; i < 2400 && !recorded?.task; i++) {
      await sleep(25);
      recorded = ledgerEntry(cfg.stateDir, node)?.data;
    }
    first.kill();
    await first.done;
    expect(recorded?.task).toMatch(/^task-/);
    expect(vc.tasks.get({ type: 'Task', value: recorded!.task! })?.state).toBe('running');

    writeFileSync(barrier, '');
    const second = await rerun.done;
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`waiting for the clone started earlier (task ${recorded!.task})`);
    expect(calls.filter((c) => c === 'CloneVM_Task')).toHaveLength(1);
    expect(vc.inventory.vms().filter((v) => v.name === node)).toHaveLength(1);
  }, 120_000);
});
