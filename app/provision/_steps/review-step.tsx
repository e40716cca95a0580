'use client';

import type { AciTreeNode, ReviewResponse } from '../../../lib/live/shared/provision';
import { download } from '../../_components/download';

const BADGE: Record<string, string> = {
  new: 'bg-emerald-600 text-white',
  changed: 'bg-amber-500 text-slate-950',
  unchanged: 'bg-slate-300 text-slate-800 dark:bg-slate-700 dark:text-slate-100',
  deleted: 'bg-red-600 text-white',
  unknown: 'bg-slate-200 text-slate-700',
};

function Badge({ state }: { state: string }) {
  return <span className={`rounded px-1 text-xs ${BADGE[state] ?? ''}`}>{state}</span>;
}

function AciNode({ node }: { node: AciTreeNode }) {
  return (
    <li data-testid="aci-node" data-dn={node.dn} data-state={node.state}>
      <span className="font-mono text-xs">{node.className}</span> <span className="font-mono text-xs">{node.dn}</span>{' '}
      <Badge state={node.state} />
      {node.fields && node.fields.length > 0 && (
        <span className="ml-2 text-xs text-slate-500">
          {node.fields.map((f) => `${f.path}: ${f.from ?? '∅'} → ${f.to ?? '∅'}`).join('; ')}
        </span>
      )}
      {node.children.length > 0 && (
        <ul className="ml-4 border-l border-slate-300 pl-2 dark:border-slate-700">
          {node.children.map((c) => (
            <AciNode key={c.dn} node={c} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** Step 6: what akb would do, as a person reads it, before anything is touched. */
export function ReviewStep({ review, busy }: { review: ReviewResponse | null; busy: boolean }) {
  if (busy) return <p data-testid="review-busy">Planning and comparing with the live fabric and cluster…</p>;
  if (!review) return null;
  const problems = review.problems;
  if (problems.length > 0)
    return (
      <div data-testid="review-problems">
        <h3 className="font-semibold text-red-700">{problems.length} problem(s) to fix before applying</h3>
        <ul className="list-disc pl-5 text-sm">
          {problems.map((p) => (
            <li key={`${p.path}:${p.message}`}>
              <span className="font-mono">{p.path}</span>:{' '}
              {/^Invalid input: expected \w+, received undefined$/.test(p.message) ? 'required' : p.message}
            </li>
          ))}
        </ul>
      </div>
    );
  const counts = (states: string[]) =>
    ['new', 'changed', 'unchanged'].map((s) => `${states.filter((x) => x === s).length} ${s}`).join(', ');
  const flat: string[] = [];
  const walk = (n: AciTreeNode) => (flat.push(n.state), n.children.forEach(walk));
  review.aci.forEach(walk);
  return (
    <div className="grid gap-4" data-testid="review">
      {review.preflight.length > 0 && (
        <div data-testid="preflight" className="rounded border border-amber-500 p-2 text-sm">
          <h3 className="font-semibold text-amber-700">Pre-flight checks against the live fabric: {review.preflight.length} to look at</h3>
          <ul className="list-disc pl-5">
            {review.preflight.map((p) => (
              <li key={`${p.path}:${p.message}`}>
                <span className="font-mono">{p.path}</span>: {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          data-testid="download-spec"
          className="rounded border border-slate-400 px-2 py-0.5 text-sm"
          onClick={() => download(new Blob([review.specYaml], { type: 'application/yaml' }), 'spec.yaml')}
        >
          Download the spec
        </button>
        <button
          type="button"
          data-testid="download-plan"
          className="rounded border border-slate-400 px-2 py-0.5 text-sm"
          onClick={() => download(new Blob([JSON.stringify(review.planFiles, null, 2)], { type: 'application/json' }), 'plan-files.json')}
        >
          Download the plan (akb plan --out files)
        </button>
        {review.diffError && <span className="text-sm text-amber-600">Not compared with the live systems: {review.diffError}</span>}
      </div>
      <section>
        <h3 className="font-semibold">APIC objects ({counts(flat)})</h3>
        <ul className="text-sm" data-testid="aci-tree">
          {review.aci.map((n) => (
            <AciNode key={n.dn} node={n} />
          ))}
        </ul>
      </section>
      <section>
        <h3 className="font-semibold">Kubernetes objects ({counts(review.kubernetes.map((k) => k.state))})</h3>
        <ul className="text-sm" data-testid="kube-objects">
          {review.kubernetes.map((k) => (
            <li key={k.step} data-testid="kube-object" data-state={k.state}>
              <span className="font-mono text-xs">
                {k.kind} {k.namespace ? `${k.namespace}/` : ''}
                {k.name}
              </span>{' '}
              <Badge state={k.state} />
            </li>
          ))}
        </ul>
      </section>
      <section>
        <h3 className="font-semibold">Addresses</h3>
        <table className="text-sm" data-testid="derived">
          <tbody>
            {Object.entries(review.derived).map(([path, value]) => (
              <tr key={path}>
                <td className="pr-3 font-mono text-xs">{path}</td>
                <td className="font-mono text-xs">{value}</td>
                <td className="pl-2 text-xs text-slate-500">derived</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {review.userData.length > 0 && (
        <section>
          <h3 className="font-semibold">Node user data (secrets masked)</h3>
          {review.userData.map((u) => (
            <details key={u.node}>
              <summary className="cursor-pointer text-sm">{u.node}</summary>
              <pre className="max-h-80 overflow-auto bg-slate-100 p-2 text-xs dark:bg-slate-900">{u.text}</pre>
            </details>
          ))}
        </section>
      )}
    </div>
  );
}
