'use client';

import '@xyflow/react/dist/style.css';
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Background, Controls, MiniMap, ReactFlow, type Edge } from '@xyflow/react';
import { edgeColour, viewNeighbourhood, type Layout, type ViewModel } from '../../lib/view';
import { AkbNode, type AkbFlowNode } from './akb-node';

// PERFORMANCE: module-scope nodeTypes so React Flow does not remount every node on each render.
const NODE_TYPES = { akb: AkbNode };
const LABELLED_EDGES_MAX = 400;
const DOUBLE_CLICK_MS = 400;

export interface TopologyCanvasProps {
  model: ViewModel;
  layout: Layout;
  changed: ReadonlySet<string>;
  selected: string | null;
  onSelect: (id: string | null) => void;
  onActivate: (id: string) => void;
  dark: boolean;
}

/** The one React Flow island: an adapter from the view model and layout to React Flow nodes and edges. */
export function TopologyCanvas({ model, layout, changed, selected, onSelect, onActivate, dark }: TopologyCanvasProps) {
  const [hovered, setHovered] = useState<string | null>(null);
  // NOTE: double clicks are detected here rather than with onNodeDoubleClick: the first click re-renders
  // the canvas (selection, details panel) and the browser's dblclick does not always survive that.
  const lastClick = useRef<{ id: string; at: number } | null>(null);
  const onNodeClick = (id: string) => {
    const now = performance.now();
    const double = lastClick.current?.id === id && now - lastClick.current.at < DOUBLE_CLICK_MS;
    lastClick.current = double ? null : { id, at: now };
    if (double) onActivate(id);
    else onSelect(id);
  };
  const focusId = hovered ?? selected;
  const hood = useMemo(() => (focusId ? viewNeighbourhood(model, focusId) : null), [model, focusId]);
  const changedView = useMemo(() => {
    const ids = new Set<string>();
    for (const n of model.nodes) if (n.members.some((m) => changed.has(m))) ids.add(n.id);
    for (const e of model.edges) if (e.members.some((m) => changed.has(m))) ids.add(e.id);
    return ids;
  }, [model, changed]);

  const nodes: AkbFlowNode[] = useMemo(
    () =>
      model.nodes.flatMap((v) => {
        const box = layout.get(v.id);
        if (!box) return [];
        return [
          {
            id: v.id,
            type: 'akb' as const,
            position: { x: box.x, y: box.y },
            width: box.width,
            height: box.height,
            draggable: false,
            connectable: false,
            ariaLabel: `${v.kind} ${v.label}`,
            data: {
              view: v,
              changed: changedView.has(v.id),
              dim: hood !== null && !hood.nodes.has(v.id),
              selected: v.id === selected,
              flashKey: 0,
            },
          },
        ];
      }),
    [model, layout, changedView, hood, selected],
  );
  const tierOf = useMemo(() => new Map(model.nodes.map((n) => [n.id, layout.get(n.id)?.y ?? 0])), [model, layout]);
  const podLike = useMemo(() => new Set(model.nodes.filter((n) => n.kind === 'pod' || n.kind === 'pod-badge').map((n) => n.id)), [model]);
  const edges: Edge[] = useMemo(() => {
    const labelled = model.edges.length <= LABELLED_EDGES_MAX;
    return model.edges.map((e) => {
      // Draw every edge top to bottom so handles sit on the facing sides.
      const down = (tierOf.get(e.source) ?? 0) <= (tierOf.get(e.target) ?? 0);
      const colour = edgeColour(e);
      const dim = hood !== null && !hood.edges.has(e.id);
      // A pod sits in its node's column, so its runs-on line only adds clutter unless it is highlighted.
      const hidden = e.kind === 'runs-on' && podLike.has(e.source) && !(hood?.edges.has(e.id) ?? false);
      return {
        hidden,
        id: e.id,
        source: down ? e.source : e.target,
        target: down ? e.target : e.source,
        type: 'straight',
        label: labelled && e.label ? e.label : undefined,
        labelStyle: { fontSize: 10, fill: dark ? '#cbd5e1' : '#334155' },
        labelBgStyle: { fill: dark ? '#0f172a' : '#ffffff', fillOpacity: 0.85 },
        className: `akb-edge akb-edge-${e.kind}${changedView.has(e.id) ? ' akb-flash-edge' : ''}`,
        style: {
          stroke: colour,
          strokeWidth: e.kind === 'runs-on' ? 1 : 1.75,
          strokeDasharray: e.kind === 'bgp' ? '6 4' : e.kind.startsWith('secondary') ? '2 3' : undefined,
          opacity: dim ? 0.12 : 1,
        },
        ariaLabel: `${e.kind} ${e.label}`,
        data: { kind: e.kind, state: e.state },
        selectable: false,
      };
    });
  }, [model, tierOf, hood, changedView, dark, podLike]);

  // Keyboard: Tab moves between elements (React Flow makes them focusable), Enter selects, F or Space
  // focuses (or expands a badge/group). Escape (anywhere on the page) is handled by the page.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const id = e.target instanceof HTMLElement ? e.target.closest('.react-flow__node')?.getAttribute('data-id') : null;
    if (!id) return;
    if (e.key === 'Enter') onSelect(id);
    else if (e.key === 'f' || e.key === ' ') {
      e.preventDefault();
      onActivate(id);
    }
  };

  return (
    <div className="h-full w-full" onKeyDown={onKeyDown}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        fitView
        minZoom={0.02}
        maxZoom={2}
        onlyRenderVisibleElements={model.nodes.length > 300}
        nodesDraggable={false}
        nodesConnectable={false}
        colorMode={dark ? 'dark' : 'light'}
        onNodeClick={(_, n) => onNodeClick(n.id)}
        zoomOnDoubleClick={false}
        onNodeMouseEnter={(_, n) => setHovered(n.id)}
        onNodeMouseLeave={() => setHovered(null)}
        onPaneClick={() => onSelect(null)}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={24} />
        <Controls showInteractive={false} />
        {model.nodes.length <= 2000 && <MiniMap pannable zoomable nodeStrokeWidth={3} />}
      </ReactFlow>
    </div>
  );
}
