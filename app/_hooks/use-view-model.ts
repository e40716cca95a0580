'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import {
  OFF_THREAD_ABOVE,
  buildView,
  layoutCached,
  type GraphIndex,
  type Layout,
  type ViewModel,
  type ViewResponse,
  type ViewState,
} from '../../lib/view';

export interface ViewResult {
  model: ViewModel;
  layout: Layout;
  /** True while a newer result is being computed in the worker. */
  pending: boolean;
}

/**
 * The view model and layout for the current graph and view. Large graphs go through a Web Worker so the
 * page stays responsive while 50,000 pods are filtered and aggregated; small ones are computed inline.
 */
export function useViewModel(ix: GraphIndex | null, view: ViewState): ViewResult | null {
  const large = (ix?.graph.nodes.length ?? 0) > OFF_THREAD_ABOVE;
  const inline = useMemo(() => {
    if (!ix || large) return null;
    const model = buildView(ix, view);
    return { model, layout: layoutCached(model), pending: false };
  }, [ix, view, large]);

  const worker = useRef<Worker | null>(null);
  const sentGraph = useRef<unknown>(null);
  const seq = useRef(0);
  const [fromWorker, setFromWorker] = useState<{ seq: number; result: ViewResult } | null>(null);
  const [requested, setRequested] = useState(0);

  useEffect(() => {
    if (!large || !ix) return;
    if (!worker.current) {
      worker.current = new Worker(new URL('../_workers/view.worker.ts', import.meta.url), { type: 'module' });
      worker.current.onmessage = (e: MessageEvent<ViewResponse>) => {
        const { seq: s, model, layout } = e.data;
        setFromWorker((prev) => (prev && prev.seq > s ? prev : { seq: s, result: { model, layout: new Map(layout), pending: false } }));
      };
    }
    const next = ++seq.current;
    const graphChanged = sentGraph.current !== ix.graph;
    sentGraph.current = ix.graph;
    worker.current.postMessage({ seq: next, view, ...(graphChanged ? { graph: ix.graph } : {}) });
    setRequested(next);
  }, [ix, view, large]);

  useEffect(
    () => () => {
      worker.current?.terminate();
      worker.current = null;
    },
    [],
  );

  if (inline) return inline;
  if (!fromWorker) return null;
  return fromWorker.seq < requested ? { ...fromWorker.result, pending: true } : fromWorker.result;
}
