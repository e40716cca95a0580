import { describe, expect, it } from 'vitest';
import type { WireMo } from '../../lib/aci/mo';
import { createWorld, loadShippedScenario } from '../../lib/lab/model';
import type { Bundle } from '../../lib/topology/bundle-types';
import { correlate } from '../../lib/topology/correlate';
import { analyseBgp } from '../../lib/topology/ecmp/bgp-health';
import { describeDown, downSessions } from '../../lib/topology/ecmp/session-causes';
import { labBundle } from './ecmp-support';

/**
 * The likely cause of each down node/leaf session, read from both sides' configuration in a bundle: a lab world's
 * bundle with one thing changed at a time, and that leaf's sessions reported idle (as the leaf would show them).
 */

const base = () => labBundle(createWorld(loadShippedScenario('esxi'))).bundle;

function withLeafDown(bundle: Bundle, leaf: number): Bundle {
  const b = structuredClone(bundle);
  for (const mo of b.apic.bgpPeerEntry ?? []) {
    const a = mo.bgpPeerEntry!.attributes;
    if (a.dn?.startsWith(`topology/pod-1/node-${leaf}/`)) a.operSt = 'idle';
  }
  return b;
}

function analyse(bundle: Bundle) {
  const graph = correlate(bundle);
  return downSessions(bundle, graph, analyseBgp(bundle, graph));
}

const attrs = (mo: WireMo) => Object.values(mo)[0]!.attributes;

describe('why a BGP session is down', () => {
  it('nothing down, nothing to explain', () => {
    expect(analyse(base())).toEqual([]);
  });

  it("names the AS the leaf expects against the cluster's BGPConfiguration", () => {
    const b = withLeafDown(base(), 101);
    for (const c of b.k8s.bgpconfigurations ?? []) (c.spec as { asNumber: number }).asNumber = 65004;
    const down = analyse(b);
    expect(down.length).toBeGreaterThan(0);
    expect(down.every((d) => d.leaf === 'leaf:101')).toBe(true);
    expect(describeDown(down[0]!)).toMatch(
      /^node \S+ ↔ leaf 101: idle — leaf 101 expects AS 65003 from 192\.168\.35\.\d+ \(bgpAsP of peer 192\.168\.35\.0\/24\), the cluster's BGPConfiguration says 65004/,
    );
  });

  it("names a node address outside the leaf's peer prefixes", () => {
    const b = withLeafDown(base(), 102);
    for (const mo of b.apic.bgpPeerP ?? []) if (attrs(mo).dn?.includes('node-102')) attrs(mo).addr = '10.99.0.0/24';
    const down = analyse(b);
    expect(down[0]!.causes.join('; ')).toMatch(/address 192\.168\.35\.\d+ is outside leaf 102's BGP peer prefixes \(10\.99\.0\.0\/24\)/);
  });

  it('names a BGPPeer whose AS is not the fabric AS', () => {
    const b = withLeafDown(base(), 103);
    b.apic.bgpAsP = [...(b.apic.bgpAsP ?? []), { bgpAsP: { attributes: { dn: 'uni/fabric/bgpInstP-default/as', asn: '65002' } } }];
    for (const p of b.k8s.bgppeers ?? []) (p.spec as { asNumber: number }).asNumber = 65999;
    const causes = analyse(b).flatMap((d) => d.causes);
    expect(causes.some((c) => /BGPPeer \S+ says leaf 103 is AS 65999; the fabric's AS is 65002/.test(c))).toBe(true);
  });

  it('names a node that is NotReady, and falls back to the password when both sides agree', () => {
    const ready = withLeafDown(base(), 104);
    const fallback = analyse(ready);
    expect(fallback[0]!.causes).toEqual([expect.stringMatching(/check the BGP password/)]);
    const notReady = structuredClone(ready);
    const node = fallback[0]!.node.replace('node:', '');
    for (const n of notReady.k8s.nodes ?? [])
      if (n.metadata.name === node)
        (n.status as { conditions: { type: string; status: string }[] }).conditions = [{ type: 'Ready', status: 'False' }];
    expect(analyse(notReady).find((d) => d.node === `node:${node}`)!.causes).toContain(`node ${node} is NotReady`);
  });
});
