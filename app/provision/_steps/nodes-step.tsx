'use client';

import { getAt } from '../_lib/draft';
import { Field, useForm } from '../_lib/field';

type NodeDraft = { name?: string; placement?: { type?: string } };

/** Step 4: the nodes, one row each; in aci-only mode they are the existing cluster's (placement: existing). */
export function NodesStep() {
  const form = useForm();
  const nodes = (getAt(form.draft, 'cluster.nodes') as NodeDraft[] | undefined) ?? [];
  const full = getAt(form.draft, 'mode') !== 'aci-only';
  const anchors = (getAt(form.draft, 'fabric.anchorLeaves') as Array<{ rackId?: string }> | undefined) ?? [];
  const racks = [...new Set(anchors.map((a) => a.rackId).filter((r): r is string => Boolean(r)))];
  return (
    <div className="grid gap-3">
      <table className="max-w-5xl text-sm" data-testid="node-table">
        <thead>
          <tr className="text-left">
            <th className="pr-2">Name</th>
            <th className="pr-2">Role</th>
            <th className="pr-2">Rack</th>
            <th className="pr-2">Address (IPv4)</th>
            <th className="pr-2">Placement</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {nodes.map((n, i) => {
            const p = `cluster.nodes[${i}]`;
            return (
              <tr key={i} data-testid="node-row" className="align-top">
                <td className="pr-2">
                  <Field compact path={`${p}.name`} />
                </td>
                <td className="pr-2">
                  <Field compact path={`${p}.role`} />
                </td>
                <td className="w-24 pr-2">
                  <Field compact path={`${p}.rack`} placeholder={racks.length ? `racks: ${racks.join(', ')}` : ''} />
                </td>
                <td className="pr-2">
                  <Field compact path={`${p}.ipv4`} />
                </td>
                <td className="pr-2">
                  <Field compact path={`${p}.placement.type`} />
                </td>
                <td>
                  <button type="button" className="text-xs text-red-700" onClick={() => form.set(p, undefined)}>
                    remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button
        type="button"
        data-testid="add-node"
        className="w-fit rounded border border-slate-400 px-2 py-0.5 text-sm"
        onClick={() =>
          form.set(`cluster.nodes[${nodes.length}]`, {
            role: nodes.length === 0 ? 'master' : 'worker',
            placement: { type: full ? 'vsphere' : 'existing' },
          })
        }
      >
        Add a node
      </button>
      {form.problems
        .filter((x) => x.path === 'cluster.nodes')
        .map((x) => (
          <span key={x.message} role="alert" className="text-xs text-red-600">
            {x.message}
          </span>
        ))}
    </div>
  );
}
