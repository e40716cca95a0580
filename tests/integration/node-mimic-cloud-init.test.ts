import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeNetwork } from '../../lib/lab/network';
import { NodeMimic } from '../../lib/lab/nodes';
import { generateBootstrapSecrets, nodeBootstrap, type BootstrapSecrets } from '../../provisioner/bootstrap/index';
import { resolvedOf, workedExampleDoc } from '../../provisioner/test-support/fixtures';

/**
 * The node mimic's entry point for the vCenter twin: a VM powered on with akb's user data in guestinfo runs it as
 * cloud-init would (write_files, then runcmd once per instance) and reports through guestinfo.akb.bootstrap.
 * VMs boot in any order: a worker powered on before the first master retries discovery until the VIP answers.
 */
const r = resolvedOf(workedExampleDoc());
let secrets: BootstrapSecrets;
let mimic: NodeMimic;
const reports = new Map<string, string[]>();

beforeAll(() => {
  secrets = generateBootstrapSecrets(r.spec.cluster.name);
  mimic = new NodeMimic(new NodeNetwork());
});
afterAll(async () => {
  await mimic.stop();
});

const boot = (name: string, host = 'esxi-1') => {
  const b = nodeBootstrap(
    r,
    secrets,
    r.spec.cluster.nodes.find((n) => n.name === name)!,
  );
  reports.set(name, []);
  return mimic.bootCloudInit(`vm-${name}`, { host, userData: b.userData, metadata: b.metadata, report: (v) => reports.get(name)!.push(v) });
};

describe('cloud-init boot of VMs', () => {
  it('a worker booted first waits for the cluster; the first master inits it; both report success through guestinfo', async () => {
    const worker = boot('nkt-worker-1', 'esxi-2');
    await new Promise((res) => setTimeout(res, 300));
    expect(mimic.clusters()).toEqual([]);
    const master = await boot('nkt-master-1');
    expect(master.code).toBe(0);
    expect((await worker).code).toBe(0);
    expect(reports.get('nkt-master-1')).toEqual([
      'running:system',
      'running:runtime',
      'running:packages',
      'running:kubeadm',
      'running:finish',
      'succeeded',
    ]);
    expect(reports.get('nkt-worker-1')?.at(-1)).toBe('succeeded');
    const cluster = mimic.cluster('calico-dev-v46')!;
    expect(
      cluster
        .nodes()
        .map((n) => n.metadata.name)
        .sort(),
    ).toEqual(['nkt-master-1', 'nkt-worker-1']);
    // The VM's guest address is what netplan gave it; its Node records the ESXi host it runs on.
    expect(mimic.get('vm-nkt-worker-1')?.address).toBe('192.168.35.4');
    expect(cluster.store.get('nodes', 'nkt-worker-1').metadata.annotations?.['lab.akb.io/host']).toBe('esxi-2');
    // cloud-init's output is on the VM, and the bootstrap-only secrets are gone from it.
    const vm = mimic.get('vm-nkt-worker-1')!;
    expect(vm.read('/var/log/cloud-init-output.log')).toContain('This node has joined the cluster.');
    expect(vm.exists('/etc/akb/kubeadm.yaml')).toBe(false);
    expect(vm.exists('/var/lib/akb/bootstrap-success.complete')).toBe(true);
  });

  it('a second power-on of the same instance runs nothing again', async () => {
    const result = await boot('nkt-master-1');
    expect(result).toEqual({ code: 0, stdout: [], stderr: [] });
    expect(reports.get('nkt-master-1')).toEqual([]);
  });

  it('a failing bootstrap reports failed:<phase>: <reason> through guestinfo', async () => {
    const b = nodeBootstrap(
      r,
      secrets,
      r.spec.cluster.nodes.find((n) => n.name === 'nkt-master-2')!,
    );
    const broken = b.userData.replace(/certificateKey: "?[0-9a-f]{64}"?/, `certificateKey: "${'b'.repeat(64)}"`);
    const got: string[] = [];
    const result = await mimic.bootCloudInit('vm-nkt-master-2', {
      host: 'esxi-1',
      userData: broken,
      metadata: b.metadata,
      report: (v) => got.push(v),
    });
    expect(result.code).toBe(1);
    expect(got.at(-1)).toMatch(
      /^failed:kubeadm: error execution phase control-plane-prepare\/download-certs: error downloading certs: error decoding secret data with provided key/,
    );
  });

  it('user data that is not akb’s is not run', async () => {
    const result = await mimic.bootCloudInit('vm-other', {
      host: 'esxi-1',
      userData: '#cloud-config\nruncmd:\n  - [curl, http://example.com/install.sh]\n',
    });
    expect(result.code).toBe(127);
    expect(mimic.get('vm-other')?.read('/var/log/cloud-init-output.log')).toContain("the lab runs only akb's bootstrap script");
  });
});
