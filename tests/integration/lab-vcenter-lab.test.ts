import { statSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readLabFile, type LabFile } from '../../lib/lab/events';
import { startLab, type Lab } from '../../lib/lab/lab';
import { LAB_VCENTER, labPortGroupName } from '../../lib/lab/vcenter';
import { resolveSecretRef } from '../../provisioner/apply/secret-ref';
import type { MachineContext, MachineRef } from '../../provisioner/providers/machines';
import { memoryCloneLedger } from '../../provisioner/providers/vsphere/clone-ledger';
import { VsphereProvider } from '../../provisioner/providers/vsphere/provider';

/**
 * The lab starts its vCenter twin next to the APIC and Kubernetes servers when the scenario has ESXi hosts, and
 * writes how to reach it to the lab directory; akb's provider, configured only from those files, builds a VM.
 */

let lab: Lab;
let dir: string;
let file: LabFile;
const ctx: MachineContext = { signal: new AbortController().signal, emit: () => undefined };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'akb-lab-vc-'));
  lab = await startLab({ scenario: 'demo', labDir: dir });
  file = await readLabFile(dir);
}, 60_000);

afterAll(async () => {
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('the demo lab serves a vCenter with the scenario ESXi hosts, its files in the lab directory', () => {
  expect(file.vcenterUrl).toBe(lab.vcenter?.url);
  expect(file.vcenterUser).toBe(LAB_VCENTER.user);
  expect(statSync(file.vcenterPasswordFile!).mode & 0o777).toBe(0o600);
  const esxi = lab
    .world()
    .scenario.hosts.filter((h) => h.kind === 'esxi')
    .map((h) => h.name);
  const inv = lab.vcenter!.inventory;
  const cluster = inv.get(inv.findByPath(`${LAB_VCENTER.datacenter}/host/${LAB_VCENTER.cluster}`)!);
  expect(cluster?.kind === 'ClusterComputeResource' && cluster.hosts.map((h) => inv.get(h)?.name)).toEqual(esxi);
  const pg = inv.get(inv.findByPath(`${LAB_VCENTER.datacenter}/network/${labPortGroupName(lab.world().scenario.l3out.vlan)}`)!);
  expect(pg?.kind === 'DistributedVirtualPortgroup' && pg.vlan).toBe(lab.world().scenario.l3out.vlan);
});

it('akb provider configured from lab.json builds and deletes a VM on an ESXi host of the scenario', async () => {
  const provider = new VsphereProvider({
    vsphere: {
      url: file.vcenterUrl!,
      username: file.vcenterUser!,
      credentials: `file:${file.vcenterPasswordFile}`,
      datacenter: LAB_VCENTER.datacenter,
      computeCluster: LAB_VCENTER.cluster,
      datastore: LAB_VCENTER.datastore,
      folder: LAB_VCENTER.folder,
      portGroup: labPortGroupName(lab.world().scenario.l3out.vlan),
      tls: { caFile: file.vcenterCaFile! },
    },
    password: await resolveSecretRef(`file:${file.vcenterPasswordFile}`),
    ledger: memoryCloneLedger(),
  });
  const m: MachineRef = {
    cluster: 'lab',
    node: {
      name: 'lab-w7',
      role: 'worker',
      rack: '1',
      ipv4: '192.168.40.77',
      interface: 'ens192',
      placement: {
        type: 'vsphere',
        template: `${LAB_VCENTER.templateFolder}/${LAB_VCENTER.template}`,
        cpus: 2,
        memoryMiB: 4096,
        diskGiB: 40,
      },
    },
  };
  const userData =
    '#cloud-config\nwrite_files:\n- path: /etc/netplan/60-akb.yaml\n  content: "network: {version: 2, ethernets: {ens192: {addresses: [192.168.40.77/24]}}}"\n';
  const boot = { userData, metadata: 'instance-id: lab-w7\nlocal-hostname: lab-w7\n', files: [], script: '', phases: [], sentinel: '' };
  expect(await provider.ensure(m, boot, ctx)).toMatchObject({ exists: true, createdByAkb: true, power: 'on' });
  await expect(provider.waitForAddress(m, ctx, { timeoutMs: 10_000 })).resolves.toBe('192.168.40.77');
  const vm = lab.vcenter!.inventory.vms().find((v) => v.name === 'lab-w7')!;
  const esxi = lab
    .world()
    .scenario.hosts.filter((h) => h.kind === 'esxi')
    .map((h) => h.name);
  expect(esxi).toContain(lab.vcenter!.inventory.get(vm.host)?.name);
  await expect(provider.destroy(m, ctx)).resolves.toMatchObject({ done: true });
  await provider.close();
});
