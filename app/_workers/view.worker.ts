/// <reference lib="webworker" />
import { buildView, indexGraph, layoutCached, type GraphIndex, type ViewRequest, type ViewResponse } from '../../lib/view';

// The index is rebuilt only when a new graph arrives; view changes (focus, filters) reuse it.
let ix: GraphIndex | null = null;

self.onmessage = (event: MessageEvent<ViewRequest>) => {
  const started = performance.now();
  const { seq, graph, view } = event.data;
  if (graph) ix = indexGraph(graph);
  if (!ix) return;
  const model = buildView(ix, view);
  const response: ViewResponse = { seq, model, layout: [...layoutCached(model)], ms: performance.now() - started };
  (self as unknown as Worker).postMessage(response);
};
