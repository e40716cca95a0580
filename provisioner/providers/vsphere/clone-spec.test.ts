import { describe, expect, it } from 'vitest';
import { child, el } from '../../../lib/vsphere/xml';
import { cloneSpec, instanceUuidFor } from './clone-spec';
import { parseBootstrapReport } from './provider';
import { normaliseThumbprint } from './transport';

const ref = (type: string, value: string) => ({ type, value });
const nic = el('VirtualDevice', { 'xsi:type': 'VirtualE1000' }, el('key', '4000'), el('macAddress', '00:50:56:00:00:01'));
const disk = el(
  'VirtualDevice',
  { 'xsi:type': 'VirtualDisk' },
  el('key', '2000'),
  el('capacityInKB', String(20 * 1024 * 1024)),
  el('capacityInBytes', String(20 * 1024 ** 3)),
);

const spec = (diskGiB: number) =>
  cloneSpec({
    name: 'n1',
    instanceUuid: instanceUuidFor('c', 'n1'),
    cpus: 4,
    memoryMiB: 8192,
    annotation: 'a',
    extraConfig: [['guestinfo.userdata', 'x']],
    folder: ref('Folder', 'f'),
    pool: ref('ResourcePool', 'p'),
    datastore: ref('Datastore', 'd'),
    network: { kind: 'dvportgroup', switchUuid: 's', portgroupKey: 'dvportgroup-1' },
    templateDevices: [nic, disk],
    diskGiB,
  });

describe('clone spec', () => {
  it('derives one stable instance UUID per cluster and node', () => {
    expect(instanceUuidFor('c', 'n1')).toBe(instanceUuidFor('c', 'n1'));
    expect(instanceUuidFor('c', 'n1')).not.toBe(instanceUuidFor('c', 'n2'));
    expect(instanceUuidFor('c', 'n1')).not.toBe(instanceUuidFor('d', 'n1'));
    expect(instanceUuidFor('c', 'n1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('writes the members of VirtualMachineCloneSpec and ConfigSpec in XSD order', () => {
    const s = spec(40);
    expect(s.children.map((c) => c.name)).toEqual(['location', 'template', 'config', 'powerOn']);
    const config = child(s, 'config')!;
    const order = config.children.map((c) => c.name).filter((n, i, all) => all.indexOf(n) === i);
    expect(order).toEqual(['instanceUuid', 'annotation', 'numCPUs', 'memoryMB', 'deviceChange', 'extraConfig']);
  });

  it('replaces the template NIC (no MAC kept), grows the disk and never shrinks it', () => {
    const changes = (diskGiB: number) =>
      spec(diskGiB)
        .children.find((c) => c.name === 'config')!
        .children.filter((c) => c.name === 'deviceChange')
        .map((c) => `${child(c, 'operation')?.text} ${child(c, 'device')?.attrs['xsi:type']}`);
    expect(changes(60)).toEqual(['remove VirtualE1000', 'add VirtualVmxnet3', 'edit VirtualDisk']);
    expect(changes(20)).toEqual(['remove VirtualE1000', 'add VirtualVmxnet3']);
    expect(changes(10)).toEqual(['remove VirtualE1000', 'add VirtualVmxnet3']);
  });
});

describe('thumbprints and bootstrap reports', () => {
  it('normalises SHA-1 and SHA-256 thumbprints and refuses anything else', () => {
    expect(normaliseThumbprint('aa'.repeat(20))).toBe(Array(20).fill('AA').join(':'));
    expect(normaliseThumbprint(Array(32).fill('0f').join(':'))).toBe(Array(32).fill('0F').join(':'));
    expect(normaliseThumbprint('abc')).toBeUndefined();
    expect(normaliseThumbprint('zz'.repeat(20))).toBeUndefined();
  });

  it('reads what the bootstrap script reports through guestinfo', () => {
    expect(parseBootstrapReport('running:kubeadm')).toEqual({ state: 'running', phase: 'kubeadm' });
    expect(parseBootstrapReport('succeeded')).toEqual({ state: 'succeeded' });
    expect(parseBootstrapReport('failed:join: token expired: x')).toEqual({ state: 'failed', phase: 'join', reason: 'token expired: x' });
    expect(parseBootstrapReport('')).toBeUndefined();
    expect(parseBootstrapReport('garbage')).toBeUndefined();
  });
});
