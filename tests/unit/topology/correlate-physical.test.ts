import { describe, expect, it } from 'vitest';
import { edgesOf, graphOf, nodeById, problemCodes } from './fixtures';

const linkSummary = (g: ReturnType<typeof graphOf>) =>
  edgesOf(g, 'link').map((e) => ({
    source: e.source,
    target: e.target,
    leafPort: e.data.leafPort,
    remotePort: e.data.remotePort,
    protocol: e.data.protocol,
  }));

describe('correlate: nodes, endpoints and neighbours', () => {
  it('ESXi over LLDP: two VMs share one hypervisor linked to both vPC leaves by vmnic', () => {
    const g = graphOf('esxi-lldp');
    expect(nodeById(g, 'node:worker-1').data).toMatchObject({ ip: '192.168.10.11', mac: '00:50:56:AA:00:01', bareMetal: false });
    expect(nodeById(g, 'hypervisor:esxi1.lab.example.com').data.description).toContain('VMware ESX');
    expect(g.nodes.filter((n) => n.kind === 'hypervisor')).toHaveLength(1);
    expect(linkSummary(g)).toEqual([
      { source: 'hypervisor:esxi1.lab.example.com', target: 'leaf:101', leafPort: 'eth1/1', remotePort: 'vmnic0', protocol: 'lldp' },
      { source: 'hypervisor:esxi1.lab.example.com', target: 'leaf:102', leafPort: 'eth1/1', remotePort: 'vmnic1', protocol: 'lldp' },
    ]);
    expect(
      edgesOf(g, 'runs-on')
        .filter((e) => e.target.startsWith('hypervisor:'))
        .map((e) => e.source),
    ).toEqual(['node:worker-1', 'node:worker-2']);
    expect(nodeById(g, 'spine:201').kind).toBe('spine');
    expect(nodeById(g, 'leaf:101').data).toMatchObject({ nodeId: 101, podId: 1, name: 'leaf-101', tepIp: '10.0.64.64' });
    expect(g.nodes.some((n) => n.id.endsWith(':1'))).toBe(false); // the controller is not drawn
  });

  it('UCS over CDP: LLDP down on the uplinks, CDP gives the fabric interconnect and its port ids', () => {
    const g = graphOf('ucs-cdp');
    expect(linkSummary(g)).toEqual([
      { source: 'hypervisor:ucs-fi-a', target: 'leaf:101', leafPort: 'eth1/20', remotePort: 'Ethernet1/49', protocol: 'cdp' },
      { source: 'hypervisor:ucs-fi-a', target: 'leaf:102', leafPort: 'eth1/20', remotePort: 'Ethernet1/50', protocol: 'cdp' },
    ]);
    expect(nodeById(g, 'hypervisor:ucs-fi-a').data.description).toContain('NX-OS');
  });

  it('Nutanix AHV with lldpd: the port name comes from portDesc, not the MAC port id', () => {
    const g = graphOf('nutanix-lldpd');
    expect(linkSummary(g)).toEqual([
      { source: 'hypervisor:ntnx-ahv-01', target: 'leaf:101', leafPort: 'eth1/7', remotePort: 'eth2', protocol: 'lldp' },
    ]);
    expect(nodeById(g, 'node:ntnx-vm-1').data.bareMetal).toBe(false);
  });

  it('bare metal on a vPC: one node linked directly to both leaves (FQDN sysName matches the node name)', () => {
    const g = graphOf('baremetal-vpc');
    expect(nodeById(g, 'node:bm-1').data.bareMetal).toBe(true);
    expect(g.nodes.filter((n) => n.kind === 'hypervisor')).toEqual([]);
    expect(linkSummary(g)).toEqual([
      { source: 'node:bm-1', target: 'leaf:101', leafPort: 'eth1/11', remotePort: 'eno1', protocol: 'lldp' },
      { source: 'node:bm-1', target: 'leaf:102', leafPort: 'eth1/11', remotePort: 'eno2', protocol: 'lldp' },
    ]);
  });

  it('port-channel: an endpoint learned on a member port is normalised to the PC path, both members linked', () => {
    const g = graphOf('port-channel');
    expect(nodeById(g, 'node:pc-worker').data.paths).toEqual(['topology/pod-1/paths-102/pathep-[esxi2_PC]']);
    expect(linkSummary(g).map((l) => `${l.leafPort}=${l.remotePort}`)).toEqual(['eth1/5=vmnic2', 'eth1/6=vmnic3']);
  });

  it('endpoint on two paths: the newest non-tunnel ARP adjacency picks the leaf; the ambiguity is reported', () => {
    const g = graphOf('endpoint-two-paths');
    expect(nodeById(g, 'node:moved-worker').data.paths).toEqual(['topology/pod-1/paths-102/pathep-[eth1/10]']);
    expect(g.nodes.map((n) => n.id)).not.toContain('hypervisor:esxi-old');
    const p = g.problems.find((x) => x.code === 'endpoint-on-several-paths');
    expect(p?.subject).toBe('node:moved-worker');
    expect(p?.message).toContain('node 102');
  });

  it('hybrid dual-stack cluster: a bare-metal node and an IPv6 VM whose long-form fvIp still matches', () => {
    const g = graphOf('hybrid-dualstack');
    expect(nodeById(g, 'node:metal-a').data.bareMetal).toBe(true);
    expect(nodeById(g, 'node:vm-b').data).toMatchObject({ ip: '2001:db8:10::72', mac: '00:50:56:DD:00:01', bareMetal: false });
    expect(edgesOf(g, 'runs-on').find((e) => e.source === 'node:vm-b')?.target).toBe('hypervisor:esxi7.lab');
  });

  it('reports nodes whose IP has no endpoint in the VRF', () => {
    expect(problemCodes(graphOf('asn-ambiguous'))).toContain('node-endpoint-not-learned node:w1');
  });
});
