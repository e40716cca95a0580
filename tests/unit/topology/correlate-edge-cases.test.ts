import { describe, expect, it } from 'vitest';
import { correlate } from '../../../lib/topology/correlate';
import { wireMo } from '../../../lib/aci/mo';
import { edgesOf, loadFixture, nodeById, problemCodes } from './fixtures';

describe('correlate: edge cases the previous tool got wrong', () => {
  it('falls back to CDP port by port: LLDP on one vPC leg, CDP on the other', () => {
    const b = loadFixture('esxi-lldp');
    const vpc = 'topology/pod-1/protpaths-101-102/pathep-[esxi1_PolGrp]';
    b.apic.lldpIf = b.apic.lldpIf!.slice(0, 1);
    b.apic.cdpIf = [
      wireMo('cdpIf', { dn: 'topology/pod-1/node-102/sys/cdp/inst/if-[eth1/1]', id: 'eth1/1', locDesc: vpc, operSt: 'up' }, [
        wireMo('cdpAdjEp', {
          sysName: 'esxi1.lab.example.com',
          devId: 'esxi1.lab.example.com',
          portId: 'vmnic1',
          platId: 'VMware ESX',
          ver: 'Releasebuild-22380479',
        }),
      ]),
    ];
    const links = edgesOf(correlate(b), 'link').map((e) => `${e.target} ${e.data.protocol} ${e.data.remotePort}`);
    expect(links).toEqual(['leaf:101 lldp vmnic0', 'leaf:102 cdp vmnic1']);
  });

  it('reports a node without any LLDP/CDP neighbour', () => {
    const b = loadFixture('esxi-lldp');
    delete b.apic.lldpIf;
    const g = correlate(b);
    expect(problemCodes(g)).toEqual(expect.arrayContaining(['no-lldp-neighbour node:worker-1', 'no-lldp-neighbour node:worker-2']));
    expect(edgesOf(g, 'link')).toEqual([]);
  });

  it('uses pods’ hostIP only for nodes without addresses, and creates nodes only pods name', () => {
    const b = loadFixture('esxi-lldp');
    b.k8s.nodes = [{ metadata: { name: 'worker-1' }, status: { addresses: [{ type: 'Hostname', address: 'worker-1' }] } }];
    const g = correlate(b);
    expect(nodeById(g, 'node:worker-1').data.ip).toBe('192.168.10.11');
    expect(nodeById(g, 'node:worker-2').data.mac).toBe('00:50:56:AA:00:02');
  });

  it('prefers InternalIP over ExternalIP and ignores endpoints of other VRFs', () => {
    const b = loadFixture('esxi-lldp');
    b.k8s.nodes = [
      {
        metadata: { name: 'worker-1' },
        status: {
          addresses: [
            { type: 'ExternalIP', address: '203.0.113.5' },
            { type: 'InternalIP', address: '192.168.10.11' },
          ],
        },
      },
    ];
    const cep = b.apic.fvCEp![1]!.fvCEp!;
    for (const c of cep.children ?? []) if (c.fvIp) c.fvIp.attributes.vrfDn = 'uni/tn-other/ctx-vrf1';
    const g = correlate(b);
    expect(nodeById(g, 'node:worker-1').data.ips).toEqual(['192.168.10.11', '203.0.113.5']);
    expect(problemCodes(g)).toContain('node-endpoint-not-learned node:worker-2');
  });

  it('skips an object that does not parse instead of failing the whole graph', () => {
    const b = loadFixture('esxi-lldp');
    b.apic.bgpPeerEntry![0]!.bgpPeerEntry!.attributes.addr = 'garbage';
    const g = correlate(b);
    expect(edgesOf(g, 'bgp')).toHaveLength(3);
    expect(g.problems.find((p) => p.code === 'invalid-input-skipped')?.message).toContain('apic.bgpPeerEntry');
  });

  it('keeps one problem per code and subject, listing a few details and counting the rest', () => {
    const b = loadFixture('esxi-lldp');
    for (let i = 0; i < 8; i++) {
      const prefix = `10.250.${i}.0/26`;
      b.apic.uribv4Nexthop!.push(
        wireMo('uribv4Nexthop', {
          dn: `topology/pod-1/node-101/sys/uribv4/dom-k8s:vrf1/db-rt/rt-[${prefix}]/nh-[bgp-1]-[172.31.0.${i}/32]-[unspecified]-[k8s:vrf1]`,
          addr: `172.31.0.${i}/32`,
          tag: '64512',
        }),
      );
    }
    const p = correlate(b).problems.filter((x) => x.code === 'route-next-hop-not-a-node');
    expect(p).toHaveLength(1);
    expect(p[0]!.message).toMatch(/; and 4 more$/);
  });

  it('matches host routes against external IPs and spec.loadBalancerIP too', () => {
    const b = loadFixture('esxi-lldp');
    const dns = b.k8s.services![1]!;
    dns.spec = { ...(dns.spec as object), externalIPs: ['192.168.100.20'], loadBalancerIP: '192.168.100.21' };
    const mk = (ip: string) =>
      wireMo('uribv4Nexthop', {
        dn: `topology/pod-1/node-102/sys/uribv4/dom-k8s:vrf1/db-rt/rt-[${ip}/32]/nh-[bgp-1]-[192.168.10.11/32]-[unspecified]-[k8s:vrf1]`,
        addr: '192.168.10.11/32',
        tag: '64512',
      });
    b.apic.uribv4Nexthop!.push(mk('192.168.100.20'), mk('192.168.100.21'));
    const g = correlate(b);
    for (const ip of ['192.168.100.20', '192.168.100.21']) {
      expect(g.routes.find((r) => r.prefix === `${ip}/32`)?.services).toEqual(['service:kube-system/kube-dns']);
    }
  });
});
