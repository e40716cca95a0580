import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLabFile, startLab, type Lab, type LabFile } from '../../lib/lab';
import { BOOTSTRAP_GUESTINFO, LAB_TEMPLATE_PATH, LAB_VCENTER, labPortGroupName, labVsphereSpec } from '../../lib/lab/vcenter';
import { resolveSecretRef } from '../../provisioner/apply/secret-ref';
import { generateBootstrapSecrets, nodeBootstrap, type BootstrapSecrets } from '../../provisioner/bootstrap/index';
import type { MachineContext, MachineRef } from '../../provisioner/providers/machines';
import { memoryCloneLedger } from '../../provisioner/providers/vsphere/clone-ledger';
import { VsphereProvider } from '../../provisioner/providers/vsphere/provider';
import type { ResolvedSpec } from '../../provisioner/spec/defaults';
import { resolvedOf, workedExampleDoc } from '../../provisioner/test-support/fixtures';

/**
 * The lab starts its vCenter twin next to the APIC and Kubernetes servers when the scenario has ESXi hosts and
 * writes how to reach it to the lab directory. akb's provider, configured only from those files, builds VMs that
 * boot through the node mimic with akb's real bootstrap artefacts: the first master inits the cluster, a worker
 * joins it, each VM reports its address and bootstrap through VMware Tools and guestinfo.
 */

let lab: Lab;
let dir: string;
let file: LabFile;
let r: ResolvedSpec;
let secrets: BootstrapSecrets;
let provider: VsphereProvider;
const ctx: MachineContext = { signal: new AbortController().signal, emit: () => undefined };
const ref = (name: string): MachineRef => ({ cluster: r.spec.cluster.name, node: r.spec.cluster.nodes.find((n) => n.name === name)! });
const boot = (name: string) => nodeBootstrap(r, secrets, ref(name).node);
const esxiHosts = () =>
  lab
    .world()
    .scenario.hosts.filter((h) => h.kind === 'esxi')
    .map((h) => h.name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'akb-lab-vc-'));
  lab = await startLab({ scenario: 'demo', labDir: dir });
  file = await readLabFile(dir);
  // The worked example (3 masters, 1 worker on vSphere), pointed at the lab's vCenter through lab.json.
  const doc = workedExampleDoc();
  const cluster = doc.cluster as { vsphere: Record<string, unknown>; nodes: Array<{ placement: { template: string } }> };
  cluster.vsphere = labVsphereSpec(
    {
      vcenterUrl: file.vcenterUrl!,
      vcenterUser: file.vcenterUser!,
      vcenterPasswordFile: file.vcenterPasswordFile!,
      vcenterCaFile: file.vcenterCaFile!,
    },
    lab.world().scenario.l3out.vlan,
  );
  for (const n of cluster.nodes) n.placement.template = LAB_TEMPLATE_PATH;
  r = resolvedOf(doc);
  secrets = generateBootstrapSecrets(r.spec.cluster.name);
  provider = new VsphereProvider({
    vsphere: r.spec.cluster.vsphere!,
    password: await resolveSecretRef(r.spec.cluster.vsphere!.credentials),
    ledger: memoryCloneLedger(),
  });
}, 60_000);

afterAll(async () => {
  await provider?.close();
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the lab vCenter', () => {
  it('serves the scenario ESXi hosts as a compute cluster and a port group on the L3Out VLAN, its files in the lab directory', () => {
    expect(file.vcenterUrl).toBe(lab.vcenter?.url);
    expect(file.vcenterUser).toBe(LAB_VCENTER.user);
    expect(statSync(file.vcenterPasswordFile!).mode & 0o777).toBe(0o600);
    const inv = lab.vcenter!.inventory;
    const cluster = inv.get(inv.findByPath(`${LAB_VCENTER.datacenter}/host/${LAB_VCENTER.cluster}`)!);
    expect(cluster?.kind === 'ClusterComputeResource' && cluster.hosts.map((h) => inv.get(h)?.name)).toEqual(esxiHosts());
    const pg = inv.get(inv.findByPath(`${LAB_VCENTER.datacenter}/network/${labPortGroupName(lab.world().scenario.l3out.vlan)}`)!);
    expect(pg?.kind === 'DistributedVirtualPortgroup' && pg.vlan).toBe(lab.world().scenario.l3out.vlan);
  });

  it('VMs akb clones boot through the node mimic: the first master inits the cluster, a worker joins, both report success', async () => {
    for (const name of ['nkt-master-1', 'nkt-worker-1']) {
      const m = ref(name);
      expect(await provider.ensure(m, boot(name), ctx)).toMatchObject({ exists: true, createdByAkb: true, power: 'on' });
      await expect(provider.waitForAddress(m, ctx, { timeoutMs: 30_000 })).resolves.toBe(m.node.ipv4);
      await provider.waitForBootstrap(m, boot(name), ctx, { timeoutMs: 60_000 });
      await provider.scrub(m, boot(name), ctx);
      expect(await provider.observe(m, ctx)).toMatchObject({ bootstrap: { state: 'succeeded' }, scrubbed: true, address: m.node.ipv4 });
    }
    const cluster = lab.machines.mimic.cluster(r.spec.cluster.name)!;
    const nodes = cluster.nodes();
    expect(nodes.map((n) => n.metadata.name).sort()).toEqual(['nkt-master-1', 'nkt-worker-1']);
    // Each Node sits on the ESXi host the vCenter placed its VM on.
    for (const n of nodes) {
      const vm = lab.vcenter!.inventory.vms().find((v) => v.name === n.metadata.name)!;
      expect(n.metadata.annotations?.['lab.akb.io/host']).toBe(lab.vcenter!.inventory.get(vm.host)?.name);
      expect(esxiHosts()).toContain(n.metadata.annotations?.['lab.akb.io/host']);
      expect(vm.extraConfig.get(BOOTSTRAP_GUESTINFO)).toBe('succeeded');
      expect(vm.extraConfig.has('guestinfo.userdata')).toBe(false);
    }
  }, 120_000);

  it('destroying the worker VM takes its node out of the cluster; the template stays', async () => {
    await expect(provider.destroy(ref('nkt-worker-1'), ctx)).resolves.toMatchObject({ done: true });
    const cluster = lab.machines.mimic.cluster(r.spec.cluster.name)!;
    await expect.poll(() => cluster.nodes().map((n) => n.metadata.name)).toEqual(['nkt-master-1']);
    expect(lab.vcenter!.inventory.vms().map((v) => v.name)).toEqual(expect.arrayContaining([LAB_VCENTER.template, 'nkt-master-1']));
    expect(lab.vcenter!.inventory.vms().map((v) => v.name)).not.toContain('nkt-worker-1');
  });
});
