import type { MoAttributes, WireMo } from '../../aci/mo';
import { isAtOrBelow, parentDn, rnOf } from '../../aci/models/dn';
import { WRITE_ONLY_ATTRS } from './classes';
import type { ApicTree, TreeChange } from './tree';

interface Node {
  className: string;
  attributes: MoAttributes;
  children: Node[];
}

/**
 * The answer to a POST with `rsp-subtree=modified` (WIRE.md A3): the posted object with, nested as in the MIT, every
 * object the write created, modified or deleted. Each carries `status`; a created object all its properties, a
 * modified one the properties that changed, a deleted one only its name. Unchanged objects on the way to a change
 * appear with `status: ""`. Nothing changed → no objects, as Ansible's `changed` check expects.
 */
export function modifiedAnswer(tree: ApicTree, rootDn: string, changes: readonly TreeChange[]): WireMo[] {
  const nodes = new Map<string, Node>();
  const deleted: string[] = [];
  const nodeFor = (dn: string, className: string): Node => {
    let node = nodes.get(dn);
    if (node) return node;
    node = { className, attributes: { [dn === rootDn ? 'dn' : 'rn']: dn === rootDn ? dn : rnOf(dn), status: '' }, children: [] };
    nodes.set(dn, node);
    if (dn !== rootDn) {
      const parent = parentDn(dn)!;
      nodeFor(parent, tree.get(parent)?.className ?? 'polUni').children.push(node);
    }
    return node;
  };
  for (const change of changes) {
    const { dn, className, attrs } = change.mo;
    if (!isAtOrBelow(dn, rootDn) || deleted.some((d) => dn.startsWith(d + '/'))) continue;
    if (change.kind === 'deleted') deleted.push(dn);
    const node = nodeFor(dn, className);
    node.attributes['status'] = change.kind;
    const shown = change.kind === 'created' ? Object.keys(attrs) : change.kind === 'modified' ? change.changed : [];
    for (const key of shown) if (!WRITE_ONLY_ATTRS.has(key)) node.attributes[key] = attrs[key] ?? '';
  }
  const root = nodes.get(rootDn);
  return root ? [render(root)] : [];
}

function render(node: Node): WireMo {
  const attributes = Object.fromEntries(Object.entries(node.attributes).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { [node.className]: node.children.length ? { attributes, children: node.children.map(render) } : { attributes } };
}
