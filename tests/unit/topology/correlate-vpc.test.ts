import { describe, expect, it } from 'vitest';
import { loadFixture } from './fixtures';
import type { Bundle } from '../../../lib/topology/bundle-types';
import { correlate } from '../../../lib/topology/correlate';
import { IncrementalGraph } from '../../../lib/topology/incremental';
import { indexGraph } from '../../../lib/view/graph-index';

/**
 * vPC pairs as the APIC configures and runs them (fabricExplicitGEp with its fabricNodePEp members, the leaves'
 * vpcDom), not only as cabling implies them (protpaths-A-B link paths): a pair with no host across it is a pair.
 */
const group = (a: number, b: number, id: number) => ({
  fabricExplicitGEp: {
    attributes: { dn: `uni/fabric/protpol/expgep-vpc-${a}-${b}`, name: `vpc-${a}-${b}`, id: String(id) },
    children: [a, b].map((n) => ({ fabricNodePEp: { attributes: { rn: `nodep-${n}`, id: String(n) } } })),
  },
});
const dom = (leaf: number, id: number) => ({
  vpcDom: { attributes: { dn: `topology/pod-1/node-${leaf}/sys/vpc/inst/dom-${id}`, id: String(id), peerSt: 'up' } },
});

/** The port-channel capture: leaves 101 and 102, its host on a port-channel to one leaf, no vPC path anywhere. */
function bundleWith(apic: Record<string, unknown[]>): Bundle {
  const b = loadFixture('port-channel');
  expect(JSON.stringify(b)).not.toContain('protpaths');
  return { ...b, apic: { ...b.apic, ...apic } } as Bundle;
}

function incremental(b: Bundle) {
  const g = new IncrementalGraph(b.fabric);
  for (const [cls, mos] of Object.entries(b.apic))
    for (const mo of mos ?? []) {
      const dn = (Object.values(mo as object)[0] as { attributes: { dn: string } }).attributes.dn;
      g.apply({ source: 'apic', cls, dn, mo: mo as never });
    }
  for (const [resource, objects] of Object.entries(b.k8s))
    for (const o of objects ?? []) {
      const m = (o as { metadata: { name: string; namespace?: string } }).metadata;
      g.apply({ source: 'k8s', resource, key: m.namespace ? `${m.namespace}/${m.name}` : m.name, object: o as never });
    }
  g.settle();
  return g.graph(0, '2026-01-01T00:00:00Z');
}

describe('vPC pairs from the APIC', () => {
  it('reads a pair from fabricExplicitGEp with no host cabled across it: both leaves carry vpcPeer, the view pairs them', () => {
    const b = bundleWith({ fabricExplicitGEp: [group(101, 102, 1)] });
    const g = correlate(b);
    const leaf = (id: string) => g.nodes.find((n) => n.id === id)!;
    expect(leaf('leaf:101').data.vpcPeer).toBe('leaf:102');
    expect(leaf('leaf:102').data.vpcPeer).toBe('leaf:101');
    expect(g.nodes.find((n) => n.id === 'spine:201')!.data.vpcPeer).toBeUndefined();
    expect(indexGraph(g).vpcPeer.get('leaf:101')).toBe('leaf:102');
    // The incremental graph the live service runs says the same.
    const live = incremental(b);
    expect(live.nodes.find((n) => n.id === 'leaf:101')!.data.vpcPeer).toBe('leaf:102');
  });

  it('falls back to the leaves vPC domains when no protection group is readable', () => {
    const g = correlate(bundleWith({ vpcDom: [dom(101, 7), dom(102, 7)] }));
    expect(g.nodes.find((n) => n.id === 'leaf:101')!.data.vpcPeer).toBe('leaf:102');
  });

  it('leaves a leaf unpaired when nothing says it is (no group, one domain member only)', () => {
    const g = correlate(bundleWith({ vpcDom: [dom(101, 7)] }));
    expect(g.nodes.find((n) => n.id === 'leaf:101')!.data.vpcPeer).toBeUndefined();
    expect(indexGraph(g).vpcPeer.size).toBe(0);
  });
});
