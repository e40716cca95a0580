import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createWorld, loadShippedScenario, shippedScenarioNames } from '../../lib/lab/model';
import { provisionSpec } from '../../lib/lab';
import { validateSpecText } from '../../provisioner/index';

const files = {
  apicUrls: ['https://127.0.0.1:4443'],
  apicUser: 'admin',
  apicPasswordFile: '/lab/apic-password',
  apicCaFile: '/lab/apic-ca.pem',
  kubeconfigFile: '/lab/kubeconfig',
  bgpPasswordFile: '/lab/bgp-password',
  vcenter: {
    vcenterUrl: 'https://127.0.0.1:8989/sdk',
    vcenterUser: 'administrator@vsphere.local',
    vcenterPasswordFile: '/lab/vcenter-password',
    vcenterCaFile: '/lab/vcenter-ca.pem',
  },
  sshKeyFile: '/lab/ssh-key',
  sshKnownHostsFile: '/lab/ssh-known-hosts',
  nodeProxyUrl: 'socks5://127.0.0.1:1080',
};

describe('the provision spec the lab writes', () => {
  it.each(shippedScenarioNames())('is a valid akb plan spec for scenario %s', (name) => {
    const w = createWorld(loadShippedScenario(name));
    const result = validateSpecText(stringify(provisionSpec(w, files)));
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (!result.ok) return;
    const r = result.resolved;
    expect(r.spec.mode).toBe(w.scenario.cluster.built ? 'aci-only' : 'full');
    expect(r.clusterAsn).toBe(w.scenario.cluster.cni.as);
    expect(r.spec.fabric.anchorLeaves.map((a) => a.ipv4)).toEqual(w.scenario.l3out.anchors.map((a) => a.ip));
    expect(r.spec.cluster.nodes.map((n) => n.name)).toEqual(w.scenario.cluster.nodes.map((n) => n.name));
  });

  it('greenfield: a full-mode spec placing each node on its scenario host, through the lab’s vCenter, SSH key and gateway', () => {
    const w = createWorld(loadShippedScenario('greenfield'));
    expect(w.nodes).toEqual([]);
    const result = validateSpecText(stringify(provisionSpec(w, files)));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const c = result.resolved.spec.cluster;
    expect(c.nodes.map((n) => [n.name, n.role, n.placement.type])).toEqual([
      ['master-1', 'master', 'vsphere'],
      ['master-2', 'master', 'vsphere'],
      ['master-3', 'master', 'vsphere'],
      ['worker-1', 'worker', 'bare-metal'],
      ['worker-2', 'worker', 'bare-metal'],
    ]);
    expect(c.nodes[3]!.placement).toMatchObject({ sshHost: '192.168.35.22', sshUser: 'akb' });
    expect(c.vsphere).toMatchObject({ credentials: 'file:/lab/vcenter-password', tls: { caFile: '/lab/vcenter-ca.pem' } });
    expect(c.ssh).toEqual({ privateKey: 'file:/lab/ssh-key', knownHosts: '/lab/ssh-known-hosts' });
    expect(c.proxyUrl).toBe('socks5://127.0.0.1:1080');
    expect(c.kubeconfig).toBeUndefined();
  });
});
