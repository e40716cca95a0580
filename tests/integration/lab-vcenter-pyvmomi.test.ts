import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLabVcenter, type LabVcenter } from '../../lib/lab/vcenter';
import { LAB_VCENTER_SEED_EXAMPLE } from '../support/lab-vcenter';

/**
 * The lab's vCenter twin held against VMware's own Python client (Debian's python3-pyvmomi, run with Debian's
 * /usr/bin/python3): SmartConnect with certificate verification, the template by inventory path, a clone with
 * cloud-init in extraConfig, power on, the guest IP the guest reports, scrub, power off and destroy, all waited
 * for with pyVim's WaitForTask (property-collector filters).
 */

let vc: LabVcenter;
let dir: string;
const calls: string[] = [];

beforeAll(async () => {
  vc = await startLabVcenter({ seed: LAB_VCENTER_SEED_EXAMPLE, password: 'Lab-Pa55&<word>', observe: (m) => calls.push(m) });
  dir = mkdtempSync(join(tmpdir(), 'akb-pyvmomi-'));
  writeFileSync(join(dir, 'ca.pem'), vc.caPem);
});

afterAll(async () => {
  await vc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('pyVmomi connects, finds the template, clones with guestinfo, powers on, reads the guest IP, scrubs and destroys', async () => {
  const userData =
    '#cloud-config\nwrite_files:\n- path: /etc/netplan/60-akb.yaml\n  content: |\n    network:\n      version: 2\n      ethernets:\n        ens192:\n          addresses: [192.168.30.21/24]\n';
  const url = new URL(vc.url);
  const s = LAB_VCENTER_SEED_EXAMPLE;
  // Asynchronously: the twin answers from this very process.
  const r = await promisify(execFile)('/usr/bin/python3', ['tests/support/pyvmomi-check.py'], {
    timeout: 60_000,
    env: {
      ...process.env,
      VC_HOST: url.hostname,
      VC_PORT: url.port,
      VC_USER: vc.credentials.user,
      VC_PASSWORD: vc.credentials.password,
      VC_CAFILE: join(dir, 'ca.pem'),
      VC_DATACENTER: s.datacenter,
      VC_FOLDER: s.folder,
      VC_TEMPLATE: `${s.templateFolder}/${s.template.name}`,
      VC_CLUSTER: s.cluster,
      VC_DATASTORE: s.datastores[0],
      VC_VM: 'pyvmomi-node',
      VC_USERDATA: gzipSync(userData).toString('base64'),
      VC_METADATA: Buffer.from('instance-id: pyvmomi-node\nlocal-hostname: pyvmomi-node\n').toString('base64'),
    },
  });
  const seen = JSON.parse(r.stdout) as Record<string, unknown>;
  expect(seen).toEqual({
    wrongPassword: 'InvalidLogin: Cannot complete login due to an incorrect user name or password.',
    apiVersion: '7.0.3.0',
    apiType: 'VirtualCenter',
    templateIsTemplate: true,
    cloneTask: 'success',
    vmFoundByPath: true,
    vmCpus: 2,
    vmMemoryMB: 4096,
    userdataKept: true,
    byInstanceUuid: true,
    powerOnTask: 'success',
    powerState: 'poweredOn',
    guestIp: '192.168.30.21',
    guestHostName: 'pyvmomi-node',
    summaryIp: '192.168.30.21',
    scrubTask: 'success',
    userdataAfterScrub: [],
    destroyWhileOn: 'InvalidPowerState',
    powerOffTask: 'success',
    destroyTask: 'success',
    vmAfterDestroy: true,
    templateAfterDestroy: true,
  });
  // pyVim's WaitForTask really went through property-collector filters.
  expect(calls).toEqual(
    expect.arrayContaining(['CreateFilter', 'WaitForUpdates', 'DestroyPropertyFilter', 'CloneVM_Task', 'ReconfigVM_Task']),
  );
}, 90_000);
