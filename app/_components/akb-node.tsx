'use client';

import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { KIND_COLOUR, type ViewNode } from '../../lib/view';

export type AkbNodeData = { view: ViewNode; changed: boolean; dim: boolean; selected: boolean; flashKey: number };
export type AkbFlowNode = Node<AkbNodeData, 'akb'>;

const KIND_LABEL: Record<ViewNode['kind'], string> = {
  spine: 'spine',
  leaf: 'leaf',
  hypervisor: 'hypervisor',
  'k8s-node': 'node',
  pod: 'pod',
  service: 'service',
  'pod-badge': 'pods',
  group: 'group',
};

/** One element on the canvas. Memoised: a live patch re-renders only the nodes whose data changed. */
function AkbNodeImpl({ data }: NodeProps<AkbFlowNode>) {
  const v = data.view;
  const compact = v.kind === 'pod';
  const ring = v.severity === 'error' ? 'ring-2 ring-red-500' : v.severity === 'warning' ? 'ring-2 ring-amber-500' : '';
  return (
    <div
      data-kind={v.kind}
      data-changed={data.changed ? 'true' : undefined}
      data-severity={v.severity ?? undefined}
      data-anchor={v.anchor ? 'true' : undefined}
      title={`${v.label}${v.sublabel ? `\n${v.sublabel}` : ''}`}
      className={`akb-node ${data.changed ? 'akb-flash' : ''} ${data.dim ? 'opacity-25' : ''} ${data.selected ? 'outline outline-2 outline-offset-2 outline-sky-500' : ''} ${ring} flex h-full w-full overflow-hidden rounded-md border border-slate-300 bg-white text-left shadow-sm dark:border-slate-700 dark:bg-slate-900`}
    >
      <Handle type="target" position={Position.Top} className="!h-1 !w-1 !min-w-0 !border-0 !bg-transparent" isConnectable={false} />
      <span className="w-1 shrink-0" style={{ background: KIND_COLOUR[v.kind] }} aria-hidden />
      <span className={`flex min-w-0 flex-1 flex-col justify-center px-2 ${compact ? 'py-0' : 'py-1'}`}>
        <span className="flex items-center gap-1 truncate text-[12px] font-semibold leading-tight">
          {!compact && <span className="text-[10px] font-normal uppercase tracking-wide text-slate-500">{KIND_LABEL[v.kind]}</span>}
          <span className="truncate">{v.label}</span>
          {v.anchor && (
            <span
              className="rounded bg-sky-100 px-1 text-[9px] font-medium text-sky-800 dark:bg-sky-900 dark:text-sky-100"
              title="BGP anchor leaf"
            >
              anchor
            </span>
          )}
        </span>
        <span className="truncate text-[10px] text-slate-500 dark:text-slate-400">{v.sublabel}</span>
      </span>
      <Handle type="source" position={Position.Bottom} className="!h-1 !w-1 !min-w-0 !border-0 !bg-transparent" isConnectable={false} />
    </div>
  );
}

export const AkbNode = memo(AkbNodeImpl);
