import { describe, expect, it } from 'vitest';
import { correlate } from '../../../lib/topology/correlate';
import type { Bundle } from '../../../lib/topology/bundle-types';
import type { KubeObject } from '../../../lib/k8s/models/object';
import { wireMo, type WireMo } from '../../../lib/aci/mo';
import { loadFixture } from './fixtures';

describe('determinism', () => {
  it.each(['esxi-lldp', 'secondary-networks', 'hybrid-dualstack', 'endpoint-two-paths'])(
    '%s: same input, byte-identical output; generatedAt from the bundle',
    (name) => {
      const a = JSON.stringify(correlate(loadFixture(name)));
      const b = JSON.stringify(correlate(loadFixture(name)));
      expect(a).toBe(b);
      expect(JSON.parse(a)).toMatchObject({ revision: 0, generatedAt: '2026-11-25T10:00:00Z' });
    },
  );
});

/** A synthetic fabric: `nodes` Kubernetes nodes, each a VM on its own ESXi host on its own leaf port, with `podsPerNode` pods. */
function syntheticBundle(nodes: number, podsPerNode: number): Bundle {
  const vrfDn = 'uni/tn-k8s/ctx-vrf1';
  const apic: Record<string, WireMo[]> = { fabricNode: [], fvCEp: [], lldpIf: [], bgpPeerEntry: [], uribv4Nexthop: [] };
  const k8s: Record<string, KubeObject[]> = {
    nodes: [],
    pods: [],
    services: [],
    bgpconfigurations: [{ metadata: { name: 'default' }, spec: { asNumber: 64512 } }],
  };
  const leaves = 40;
  for (let l = 0; l < leaves; l++) {
    apic.fabricNode!.push(
      wireMo('fabricNode', {
        dn: `topology/pod-1/node-${101 + l}`,
        id: String(101 + l),
        role: 'leaf',
        name: `leaf-${101 + l}`,
        address: `10.0.${l}.1`,
      }),
    );
  }
  for (let n = 0; n < nodes; n++) {
    const leaf = 101 + (n % leaves);
    const port = `eth1/${Math.floor(n / leaves) + 1}`;
    const ip = `10.${1 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
    const mac =
      `00:50:56:${((n >> 16) & 255).toString(16).padStart(2, '0')}:${((n >> 8) & 255).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`.toUpperCase();
    const path = `topology/pod-1/paths-${leaf}/pathep-[${port}]`;
    apic.fvCEp!.push(
      wireMo('fvCEp', { dn: `uni/tn-k8s/ap-a/epg-e/cep-${mac}`, mac, vrfDn }, [
        wireMo('fvIp', { addr: ip, vrfDn }),
        wireMo('fvRsCEpToPathEp', { tDn: path }),
      ]),
    );
    apic.lldpIf!.push(
      wireMo(
        'lldpIf',
        { dn: `topology/pod-1/node-${leaf}/sys/lldp/inst/if-[${port}]`, id: port, portDesc: path, operRxSt: 'up', operTxSt: 'up' },
        [wireMo('lldpAdjEp', { sysName: `esxi-${n}`, sysDesc: 'VMware ESX', portIdT: 'if-name', portIdV: 'vmnic0' })],
      ),
    );
    apic.bgpPeerEntry!.push(
      wireMo('bgpPeerEntry', {
        dn: `topology/pod-1/node-${leaf}/sys/bgp/inst/dom-k8s:vrf1/peer-[10.0.0.0/8]/ent-[${ip}]`,
        addr: ip,
        operSt: 'established',
      }),
    );
    apic.uribv4Nexthop!.push(
      wireMo('uribv4Nexthop', {
        dn: `topology/pod-1/node-${leaf}/sys/uribv4/dom-k8s:vrf1/db-rt/rt-[10.96.0.0/12]/nh-[bgp-1]-[${ip}/32]-[unspecified]-[k8s:vrf1]`,
        addr: `${ip}/32`,
        tag: '64512',
      }),
    );
    k8s.nodes!.push({ metadata: { name: `w${n}` }, status: { addresses: [{ type: 'InternalIP', address: ip }] } });
    for (let p = 0; p < podsPerNode; p++) {
      k8s.pods!.push({
        metadata: { name: `p${n}-${p}`, namespace: 'default' },
        spec: { nodeName: `w${n}` },
        status: { podIP: `172.${16 + (p % 16)}.${n >> 8}.${n & 255}` },
      });
    }
  }
  for (let s = 0; s < 2000; s++) {
    k8s.services!.push({ metadata: { name: `s${s}`, namespace: 'default' }, spec: { clusterIP: `10.96.${s >> 8}.${s & 255}` } });
  }
  return { format: 'akb-bundle/v1', capturedAt: '2026-11-25T10:00:00Z', fabric: { tenant: 'k8s', vrf: 'vrf1' }, apic, k8s };
}

describe('scale', () => {
  it('correlates a 2,000-node / 50,000-pod bundle', () => {
    const g = correlate(syntheticBundle(2000, 25));
    expect(g.nodes.filter((n) => n.kind === 'k8s-node')).toHaveLength(2000);
    expect(g.nodes.filter((n) => n.kind === 'pod')).toHaveLength(50000);
    expect(g.edges.filter((e) => e.kind === 'bgp')).toHaveLength(2000);
    expect(g.edges.filter((e) => e.kind === 'link')).toHaveLength(2000);
    const r = g.routes.find((x) => x.leaf === 'leaf:101' && x.prefix === '10.96.0.0/12');
    expect(r?.nextHops).toHaveLength(50);
    expect(r?.services).toHaveLength(2000);
    expect(g.problems).toEqual([]);
  }, 120_000);
});
