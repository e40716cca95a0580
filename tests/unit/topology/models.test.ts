import { describe, expect, it } from 'vitest';
import {
  bracketedParts,
  domOfDn,
  nodeOfDn,
  parseFabricLink,
  parseFvCEp,
  parseMo,
  parsePathDn,
  parseUribNexthop,
  parseVrfDn,
  splitDn,
} from '../../../lib/aci/models';
import { wireMo } from '../../../lib/aci/mo';

describe('APIC DN parsing', () => {
  it('splits on / only outside brackets, including nested brackets', () => {
    expect(splitDn('uni/tn-a/ap-b/epg-c/cep-X/rscEpToPathEp-[topology/pod-1/paths-101/pathep-[eth1/1]]')).toEqual([
      'uni',
      'tn-a',
      'ap-b',
      'epg-c',
      'cep-X',
      'rscEpToPathEp-[topology/pod-1/paths-101/pathep-[eth1/1]]',
    ]);
    expect(bracketedParts('nh-[bgp-65002]-[192.168.1.2/32]-[unspecified]-[k8s:vrf1]')).toEqual([
      'bgp-65002',
      '192.168.1.2/32',
      'unspecified',
      'k8s:vrf1',
    ]);
  });

  it('parses node, dom and VRF DNs', () => {
    expect(nodeOfDn('topology/pod-2/node-1104/sys/bgp/inst')).toEqual({ podId: 2, nodeId: 1104 });
    expect(nodeOfDn('uni/tn-a')).toBeNull();
    expect(domOfDn('topology/pod-1/node-101/sys/bgp/inst/dom-k8s:vrf1/peer-[10.0.0.0/24]/ent-[10.0.0.5]')).toBe('k8s:vrf1');
    expect(parseVrfDn('uni/tn-common/ctx-SITE-2-TRANSIT')).toEqual({ tenant: 'common', vrf: 'SITE-2-TRANSIT' });
  });

  it('parses single, vPC and FEX paths; node 101 is not node 1101', () => {
    expect(parsePathDn('topology/pod-1/paths-1101/pathep-[eth1/1]')?.nodeIds).toEqual([1101]);
    expect(parsePathDn('topology/pod-1/protpaths-101-102/pathep-[vpc_a]')).toMatchObject({
      kind: 'vpc',
      nodeIds: [101, 102],
      name: 'vpc_a',
    });
    expect(parsePathDn('topology/pod-1/paths-101/extpaths-110/pathep-[eth110/1/1]')).toMatchObject({
      kind: 'fex',
      fexId: 110,
      name: 'eth110/1/1',
    });
    expect(parsePathDn('topology/pod-1/node-101/sys/phys-[eth1/1]')).toBeNull();
    expect(parseFabricLink('abc/def/node-101/[eth1/3]')).toEqual({ nodeIds: [101], port: 'eth1/3' });
  });
});

describe('APIC class models', () => {
  it('parses fvCEp children into typed values, normalising IPv6 and MAC case', () => {
    const mo = wireMo(
      'fvCEp',
      {
        dn: 'uni/tn-t/ap-a/epg-e/cep-aa:bb:cc:dd:ee:ff',
        mac: 'aa:bb:cc:dd:ee:ff',
        vrfDn: 'uni/tn-t/ctx-v',
        modTs: '2026-11-25T09:00:00.000+00:00',
      },
      [
        wireMo('fvIp', { addr: '2001:0DB8:0000::0001', vrfDn: 'uni/tn-t/ctx-v' }),
        wireMo('fvRsCEpToPathEp', { tDn: 'topology/pod-1/paths-101/pathep-[eth1/1]' }),
      ],
    );
    const r = parseMo(parseFvCEp, mo.fvCEp!);
    expect(r).toEqual({
      ok: true,
      value: expect.objectContaining({
        mac: 'AA:BB:CC:DD:EE:FF',
        ips: [{ addr: '2001:db8::1', vrfDn: 'uni/tn-t/ctx-v' }],
        paths: ['topology/pod-1/paths-101/pathep-[eth1/1]'],
        modTs: Date.parse('2026-11-25T09:00:00Z'),
      }),
    });
  });

  it('reports the attribute path of a value that is not an IP', () => {
    const mo = wireMo('fvCEp', { dn: 'x', mac: '00:00:00:00:00:01' }, [wireMo('fvIp', { addr: 'not-an-ip' })]);
    const r = parseMo(parseFvCEp, mo.fvCEp!);
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.issues[0]).toEqual({
        path: ['children', 0, 'fvIp', 'attributes', 'addr'],
        message: expect.stringContaining('expected an IP address'),
      });
  });

  it('takes a nexthop prefix, leaf and VRF from its DN', () => {
    const dn =
      'topology/pod-1/node-204/sys/uribv4/dom-calico1:vrf/db-rt/rt-[192.168.5.1/32]/nh-[bgp-65002]-[192.168.2.5/32]-[unspecified]-[calico1:vrf]';
    const r = parseMo((b, p, i) => parseUribNexthop(b, p, i), { attributes: { dn, addr: '192.168.2.5/32', tag: '65002' } });
    expect(r).toMatchObject({
      ok: true,
      value: { nodeId: 204, dom: 'calico1:vrf', prefix: '192.168.5.1/32', addr: '192.168.2.5', tag: '65002' },
    });
  });
});
