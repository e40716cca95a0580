import { describe, expect, it } from 'vitest';
import { wireMo } from '../../aci/mo';
import { ApicTree, type TreeChange } from '../apic';
import { ApicSync } from './apic-sync';

const route = (attrs: Record<string, string>) =>
  wireMo('uribv4Route', { dn: 'topology/pod-1/node-101/sys/uribv4/dom-k8s:vrf1/db-rt/rt-[10.0.0.0/24]', prefix: '10.0.0.0/24', ...attrs });
const hop = (addr: string) =>
  wireMo('uribv4Nexthop', { dn: `topology/pod-1/node-101/sys/uribv4/dom-k8s:vrf1/db-rt/rt-[10.0.0.0/24]/nh-[${addr}]`, addr });

function recorder(tree: ApicTree): TreeChange[][] {
  const batches: TreeChange[][] = [];
  tree.onChange((c) => batches.push([...c]));
  return batches;
}

describe('ApicSync', () => {
  it('applies each sync as one batch of only the differences', () => {
    const tree = new ApicTree();
    const sync = new ApicSync(tree);
    sync.apply([route({ flags: '' }), hop('1.1.1.1'), hop('1.1.1.2')]);
    const batches = recorder(tree);
    expect(sync.apply([route({ flags: '' }), hop('1.1.1.1'), hop('1.1.1.3')])).toEqual({ upserted: 1, deleted: 1 });
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((c) => [c.kind, c.mo.attrs.addr])).toEqual([
      ['deleted', '1.1.1.2'],
      ['created', '1.1.1.3'],
    ]);
  });

  it('replaces an MO that lost an attribute, keeping what is below it', () => {
    const tree = new ApicTree();
    const sync = new ApicSync(tree);
    sync.apply([route({ flags: 'x', extra: 'gone-soon' }), hop('1.1.1.1')]);
    sync.apply([route({ flags: 'x' }), hop('1.1.1.1')]);
    const mo = tree.byClass('uribv4Route')[0]!;
    expect(mo.attrs).toEqual({ prefix: '10.0.0.0/24', flags: 'x' });
    expect(tree.byClass('uribv4Nexthop').map((m) => m.attrs.addr)).toEqual(['1.1.1.1']);
  });

  it('never deletes MOs it did not write', () => {
    const tree = new ApicTree();
    tree.upsert('uni/tn-user', 'fvTenant', { name: 'user' });
    const sync = new ApicSync(tree);
    sync.apply([hop('1.1.1.1')]);
    sync.apply([]);
    expect(tree.get('uni/tn-user')).toBeDefined();
    expect(tree.byClass('uribv4Nexthop')).toEqual([]);
    expect(sync.owns(hop('1.1.1.1').uribv4Nexthop!.attributes.dn!)).toBe(false);
  });
});
