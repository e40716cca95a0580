import { describe, expect, it } from 'vitest';
import { ApicTree, type TreeChange } from './tree';

describe('ApicTree', () => {
  it('indexes by class and DN, links children through implicit containers, deletes subtrees', () => {
    const tree = new ApicTree();
    const seen: TreeChange[] = [];
    tree.onChange((changes) => seen.push(...changes));
    tree.load([
      {
        bgpPeer: {
          attributes: { dn: 'topology/pod-1/node-101/sys/bgp/inst/dom-k8s:v/peer-[10.0.0.0/24]', addr: '10.0.0.0/24' },
          children: [{ bgpPeerEntry: { attributes: { rn: 'ent-[10.0.0.11]', addr: '10.0.0.11', operSt: 'established' } } }],
        },
      },
    ]);
    expect(tree.byClass('bgpPeerEntry').map((m) => m.dn)).toEqual([
      'topology/pod-1/node-101/sys/bgp/inst/dom-k8s:v/peer-[10.0.0.0/24]/ent-[10.0.0.11]',
    ]);
    // No object exists at topology/pod-1/node-101, yet the subtree below it is reachable.
    expect(tree.descendants('topology/pod-1/node-101').map((m) => m.className)).toEqual(['bgpPeer', 'bgpPeerEntry']);
    expect(seen.map((c) => c.kind)).toEqual(['created', 'created']);

    tree.upsert('topology/pod-1/node-101/sys/bgp/inst/dom-k8s:v/peer-[10.0.0.0/24]/ent-[10.0.0.11]', 'bgpPeerEntry', { operSt: 'idle' });
    expect(seen.at(-1)).toMatchObject({ kind: 'modified', changed: ['operSt'] });
    expect(tree.get('topology/pod-1/node-101/sys/bgp/inst/dom-k8s:v/peer-[10.0.0.0/24]/ent-[10.0.0.11]')?.attrs).toEqual({
      addr: '10.0.0.11',
      operSt: 'idle',
    });

    const before = seen.length;
    tree.upsert('topology/pod-1/node-101/sys/bgp/inst/dom-k8s:v/peer-[10.0.0.0/24]/ent-[10.0.0.11]', 'bgpPeerEntry', { operSt: 'idle' });
    expect(seen.length).toBe(before); // no-op upserts are not changes

    tree.delete('topology/pod-1/node-101');
    expect(tree.size).toBe(0);
    expect(tree.byClass('bgpPeer')).toEqual([]);
    expect(seen.slice(-2).map((c) => [c.kind, c.mo.className])).toEqual([
      ['deleted', 'bgpPeer'],
      ['deleted', 'bgpPeerEntry'],
    ]);
    expect(tree.descendants('topology')).toEqual([]);
  });

  it('refuses to change the class of an existing DN and applies nothing from that batch', () => {
    const tree = new ApicTree();
    tree.upsert('uni/tn-a', 'fvTenant', { name: 'a' });
    expect(() =>
      tree.apply([
        { op: 'upsert', dn: 'uni/tn-b', className: 'fvTenant', attrs: {} },
        { op: 'upsert', dn: 'uni/tn-a', className: 'fvCtx', attrs: {} },
      ]),
    ).toThrow(/is a fvTenant/);
    expect(tree.get('uni/tn-b')).toBeUndefined();
  });
});
