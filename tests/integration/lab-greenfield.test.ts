import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LAB_TEMPLATE_PATH } from '../../lib/lab/vcenter';
import { akbCli, startLabFromDir, type LabFromDir } from './lab-dir-support';

/**
 * greenfield: a site before akb. The fabric is ready for an L3Out, the vCenter twin serves an ESXi cluster with the
 * node template, two bare-metal hosts answer SSH on the node subnet, and no Kubernetes cluster exists. The lab's
 * provision-spec.yaml is the full-mode spec that builds one there, and `akb plan` takes it as it is.
 */
let env: LabFromDir;

beforeAll(async () => {
  env = await startLabFromDir('greenfield');
}, 60_000);
afterAll(async () => env?.stop());

describe('the greenfield lab', () => {
  it('has the fabric, the vCenter with its template and the SSH hosts, and no cluster: no node, no L3Out, no session', async () => {
    const { lab, file, kubectl } = env;
    expect(lab.world().nodes).toEqual([]);
    expect(await kubectl('get', 'nodes', '-o', 'name')).toBe('');
    expect(lab.truth().sessions).toEqual([]);
    expect(await env.apic.get(`uni/tn-${lab.fabric.tenant}/out-${lab.fabric.l3out}`)).toBeUndefined();
    expect(lab.vcenter!.inventory.vms().map((v) => v.name)).toEqual([LAB_TEMPLATE_PATH.split('/')[1]]);
    expect(lab.machines.sshHosts.map((h) => [h.host, h.address])).toEqual([
      ['worker-1', '192.168.35.22'],
      ['worker-2', '192.168.35.23'],
    ]);
    expect(file.nodeProxyUrl).toBe(lab.machines.gateway.socksUrl);
  });

  it('writes a full-mode provision-spec.yaml whose secrets are the lab’s files, and akb plan accepts it unedited', async () => {
    const { file, dir } = env;
    const text = await readFile(file.provisionSpecFile!, 'utf8');
    const doc = parse(text) as { mode: string; fabric: { apic: Record<string, string> }; cluster: Record<string, unknown> };
    expect(doc.mode).toBe('full');
    expect(doc.fabric.apic).toMatchObject({ credentials: `file:${file.apicPasswordFile}`, caFile: file.apicCaFile });
    expect(doc.cluster).toMatchObject({
      vsphere: { url: file.vcenterUrl, credentials: `file:${file.vcenterPasswordFile}`, tls: { caFile: file.vcenterCaFile } },
      ssh: { privateKey: `file:${file.sshKeyFile}`, knownHosts: file.sshKnownHostsFile },
      proxyUrl: file.nodeProxyUrl,
    });
    // No secret value is in the spec itself: only references to the lab's 0600 files.
    for (const secretFile of [file.apicPasswordFile, file.vcenterPasswordFile!, file.sshKeyFile!, file.bgpPasswordFile!])
      expect(text).not.toContain((await readFile(secretFile, 'utf8')).trim());
    const plan = await akbCli(['plan', file.provisionSpecFile!, '--out', `${dir}/plan`]);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    const summary = await readFile(`${dir}/plan/summary.txt`, 'utf8');
    for (const n of ['master-1', 'master-2', 'master-3', 'worker-1', 'worker-2']) expect(summary).toContain(n);
    expect((await readFile(`${dir}/plan/nodes/master-1.user-data.yaml`, 'utf8')).startsWith('#cloud-config')).toBe(true);
  });
});
