import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moRefEl, type MoRef } from '../../lib/vsphere/envelope';
import { child, childText, el, xsiType } from '../../lib/vsphere/xml';
import {
  MachineError,
  type MachineBootstrap,
  type MachineContext,
  type MachineEvent,
  type MachineRef,
} from '../../provisioner/providers/machines';
import { extraConfigSpec, instanceUuidFor, isDisk, isEthernet, OWNER_KEY } from '../../provisioner/providers/vsphere/clone-spec';
import { memoryCloneLedger } from '../../provisioner/providers/vsphere/clone-ledger';
import { VsphereProvider } from '../../provisioner/providers/vsphere/provider';
import { VimSession } from '../../provisioner/providers/vsphere/session';
import { arrayItems, Vim } from '../../provisioner/providers/vsphere/vim';
import type { ClusterNode } from '../../provisioner/spec/schema';
import { startVcsim, VCSIM_PLACEMENT, vmNamesIn, type Vcsim } from '../support/vcsim';

/**
 * akb's vSphere machine provider against VMware's own simulator (govmomi 0.24.2 from Debian), through the
 * engine's MachineProvider seam, over real SOAP and TLS verified against the CA that signed the simulator's
 * certificate. The test plays the guest where a guest would act (VMware Tools reporting the address, the
 * bootstrap script reporting its state) through the simulator's extraConfig knobs.
 */

let sim: Vcsim;
let provider: VsphereProvider;
let vim: Vim;
const events: MachineEvent[] = [];
const ctx: MachineContext = { signal: new AbortController().signal, emit: (e) => events.push(e) };

const USER_DATA = '#cloud-config\nwrite_files:\n- path: /etc/kubernetes/pki/ca.key\n  content: "-----BEGIN PRIVATE KEY----- secret"\n';
const boot = (node: string): MachineBootstrap => ({
  userData: USER_DATA,
  metadata: `instance-id: ${node}\nlocal-hostname: ${node}\n`,
  files: [],
  script: '/usr/local/sbin/akb-bootstrap',
  phases: ['prepare', 'kubeadm'],
  sentinel: '/run/akb/bootstrap-success.complete',
});

const machine = (
  name: string,
  ipv4: string,
  placement: Partial<Extract<ClusterNode['placement'], { type: 'vsphere' }>> = {},
): MachineRef => ({
  cluster: 'prod',
  node: {
    name,
    role: 'master',
    rack: '1',
    ipv4,
    interface: 'ens192',
    placement: { type: 'vsphere', template: sim.template, cpus: 4, memoryMiB: 6144, diskGiB: 40, ...placement },
  },
});

async function vmOf(node: string): Promise<MoRef> {
  const ref = await vim.findVmByInstanceUuid(instanceUuidFor('prod', node));
  if (!ref) throw new Error(`no VM for ${node}`);
  return ref;
}

/** The guest's side: what VMware Tools and the bootstrap script would set, through the simulator's knobs. */
async function guestSets(node: string, pairs: Array<[string, string]>): Promise<void> {
  await vim.waitForTask(await vim.reconfigure(await vmOf(node), extraConfigSpec(pairs)), 'guest report');
}

/** A VM cloned by hand (not by akb), optionally given a node's derived instance UUID. */
async function handMadeVm(name: string, instanceUuid?: string): Promise<void> {
  const folder = (await vim.findByInventoryPath('DC0/vm')) as MoRef;
  const template = (await vim.findByInventoryPath(`DC0/vm/${sim.template}`)) as MoRef;
  const pool = (await vim.findByInventoryPath('DC0/host/DC0_C0/Resources')) as MoRef;
  const spec = el(
    'spec',
    el('location', moRefEl('pool', pool)),
    el('template', 'false'),
    instanceUuid && el('config', el('instanceUuid', instanceUuid)),
    el('powerOn', 'false'),
  );
  await vim.waitForTask(await vim.cloneVm(template, folder, name, spec), 'hand-made clone');
}

beforeAll(async () => {
  sim = await startVcsim();
  const caFile = sim.caFile;
  provider = new VsphereProvider({
    vsphere: { url: sim.url, username: sim.username, credentials: 'env:UNUSED', ...VCSIM_PLACEMENT, tls: { caFile } },
    password: sim.password,
    ledger: memoryCloneLedger(),
  });
  vim = new Vim(
    await VimSession.login({ url: sim.url, username: sim.username, password: sim.password, trust: { kind: 'ca', caPem: sim.caPem } }),
  );
}, 120_000);

afterAll(async () => {
  await provider?.close();
  await vim?.session.logout();
  await sim?.stop();
});

describe('vSphere provider against govmomi simulator', () => {
  it('ensure clones the node from the template with guestinfo, its instance UUID, sizing, port group and disk, then powers it on', async () => {
    const m = machine('prod-m1', '192.168.10.11', { diskGiB: 60 });
    const seen = await provider.ensure(m, boot('prod-m1'), ctx);
    expect(seen).toMatchObject({ node: 'prod-m1', exists: true, createdByAkb: true, power: 'on', scrubbed: false });
    expect(events.some((e) => e.type === 'progress' && e.node === 'prod-m1' && /cloning/.test(e.message))).toBe(true);

    const o = await vim.properties(await vmOf('prod-m1'), [
      'config.extraConfig',
      'config.hardware.numCPU',
      'config.hardware.memoryMB',
      'config.hardware.device',
    ]);
    const extra = new Map(arrayItems(o?.props.get('config.extraConfig')).map((e) => [childText(e, 'key'), childText(e, 'value')]));
    expect(extra.get('guestinfo.userdata.encoding')).toBe('gzip+base64');
    expect(gunzipSync(Buffer.from(extra.get('guestinfo.userdata') ?? '', 'base64')).toString('utf8')).toBe(USER_DATA);
    expect(extra.get('guestinfo.metadata.encoding')).toBe('base64');
    expect(Buffer.from(extra.get('guestinfo.metadata') ?? '', 'base64').toString('utf8')).toBe(
      'instance-id: prod-m1\nlocal-hostname: prod-m1\n',
    );
    expect(extra.get(OWNER_KEY)).toBe('prod/prod-m1');
    expect(o?.props.get('config.hardware.numCPU')?.text).toBe('4');
    expect(o?.props.get('config.hardware.memoryMB')?.text).toBe('6144');

    const devices = arrayItems(o?.props.get('config.hardware.device'));
    // The template's NIC is replaced by one vmxnet3 on the port group (an edited NIC would keep the template's MAC).
    const nics = devices.filter(isEthernet);
    expect(nics.map((d) => xsiType(d))).toEqual(['VirtualVmxnet3']);
    expect(childText(nics[0], 'addressType')).toBe('generated');
    const backing = child(nics[0], 'backing');
    expect(xsiType(backing!)).toBe('VirtualEthernetCardDistributedVirtualPortBackingInfo');
    const pg = (await vim.findByInventoryPath('DC0/network/DC0_DVPG0')) as MoRef;
    expect(childText(backing, 'port', 'portgroupKey')).toBe(pg.value);
    // The template's 40 GiB disk grown to the spec's 60 GiB.
    expect(childText(devices.find(isDisk), 'capacityInKB')).toBe(String(60 * 1024 * 1024));
  });

  it('a second ensure finds the VM by instance UUID and clones nothing', async () => {
    const before = await vmNamesIn(vim, 'DC0/vm');
    const seen = await provider.ensure(machine('prod-m1', '192.168.10.11'), boot('prod-m1'), ctx);
    expect(seen.exists).toBe(true);
    expect(await vmNamesIn(vim, 'DC0/vm')).toEqual(before);
    expect(before.filter((n) => n === 'prod-m1')).toHaveLength(1);
  });

  it('waits for the guest address, then for the bootstrap report, then scrubs the user data', async () => {
    const m = machine('prod-m1', '192.168.10.11');
    const address = provider.waitForAddress(m, ctx, { timeoutMs: 20_000 });
    setTimeout(() => void guestSets('prod-m1', [['SET.guest.ipAddress', '192.168.10.11']]), 600);
    await expect(address).resolves.toBe('192.168.10.11');
    expect((await provider.observe(m, ctx)).address).toBe('192.168.10.11');

    const done = provider.waitForBootstrap(m, boot('prod-m1'), ctx, { timeoutMs: 20_000 });
    await guestSets('prod-m1', [['guestinfo.akb.bootstrap', 'running:kubeadm']]);
    expect((await provider.observe(m, ctx)).bootstrap.state).toBe('running');
    setTimeout(() => void guestSets('prod-m1', [['guestinfo.akb.bootstrap', 'succeeded']]), 600);
    await expect(done).resolves.toBeUndefined();

    expect((await provider.observe(m, ctx)).scrubbed).toBe(false);
    await provider.scrub(m, boot('prod-m1'), ctx);
    const after = await provider.observe(m, ctx);
    expect(after.scrubbed).toBe(true);
    expect(after.bootstrap.state).toBe('succeeded');
    await provider.scrub(m, boot('prod-m1'), ctx);
  });

  it('a failed bootstrap and a guest without the address fail naming the node, the phase and the reason', async () => {
    const m = machine('prod-w9', '192.168.10.29');
    await provider.ensure(m, boot('prod-w9'), ctx);
    await expect(provider.waitForAddress(m, ctx, { timeoutMs: 1500 })).rejects.toThrow(
      /node prod-w9: the guest did not report 192\.168\.10\.29 within 2 s; it reports no address/,
    );
    await guestSets('prod-w9', [['guestinfo.akb.bootstrap', 'failed:kubeadm: [ERROR CACertHash] the CA hash does not match']]);
    const err = await provider.waitForBootstrap(m, boot('prod-w9'), ctx, { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MachineError);
    expect(err).toMatchObject({ node: 'prod-w9', phase: 'kubeadm', reason: '[ERROR CACertHash] the CA hash does not match' });
  });

  it('refuses a same-named VM akb did not create, and a wrong datastore names the field', async () => {
    await handMadeVm('prod-w2');
    await expect(provider.ensure(machine('prod-w2', '192.168.10.22'), boot('prod-w2'), ctx)).rejects.toThrow(
      /node prod-w2: vCenter already has "DC0\/vm\/prod-w2" and akb did not create it/,
    );
    const wrong = new VsphereProvider({
      vsphere: {
        url: sim.url,
        username: sim.username,
        credentials: 'env:UNUSED',
        ...VCSIM_PLACEMENT,
        datastore: 'nope',
        tls: { caFile: sim.caFile },
      },
      password: sim.password,
      ledger: memoryCloneLedger(),
    });
    await expect(wrong.ensure(machine('prod-w3', '192.168.10.23'), boot('prod-w3'), ctx)).rejects.toThrow(
      /node prod-w3: cluster\.vsphere\.datastore: no datastore at inventory path "DC0\/datastore\/nope"/,
    );
    await wrong.close();
  });

  it('destroy powers off and deletes only akb VMs; the template and VMs akb did not create stay', async () => {
    await handMadeVm('prod-w4', instanceUuidFor('prod', 'prod-w4'));
    await expect(provider.destroy(machine('prod-w4', '192.168.10.24'), ctx)).resolves.toMatchObject({
      done: false,
      detail: expect.stringMatching(/not marked as akb's/),
    });
    await expect(provider.destroy(machine('prod-w2', '192.168.10.22'), ctx)).resolves.toMatchObject({
      done: true,
      detail: 'no VM to delete',
    });

    await expect(provider.destroy(machine('prod-m1', '192.168.10.11'), ctx)).resolves.toEqual({ node: 'prod-m1', done: true });
    expect((await provider.observe(machine('prod-m1', '192.168.10.11'), ctx)).exists).toBe(false);
    const names = await vmNamesIn(vim, 'DC0/vm');
    expect(names).toEqual(expect.arrayContaining([sim.template, 'prod-w2', 'prod-w4']));
    expect(names).not.toContain('prod-m1');
  });
});
