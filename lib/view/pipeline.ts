/** The view pipeline: focus → filter → aggregate (layout is a separate, cached step). Pure. */
import { aggregate } from './aggregate';
import { edgeVisible, nodeVisible } from './filter';
import { focusNodeIds } from './focus';
import type { GraphIndex } from './graph-index';
import type { ViewModel } from './view-model';
import type { ViewState } from './view-state';

export function buildView(ix: GraphIndex, view: ViewState): ViewModel {
  const inFocus = focusNodeIds(ix, view.focus);
  // A service focus is about the service: draw services even though the default kinds leave them out.
  const filters =
    view.focus.kind === 'service' && view.filters.kinds.length === 0
      ? { ...view.filters, kinds: ['leaf', 'k8s-node', 'pod', 'service'] as const }
      : view.filters;
  const nodes = ix.graph.nodes.filter(
    (n) => (inFocus === null || inFocus.has(n.id)) && nodeVisible(n, { ...filters, kinds: [...filters.kinds] }),
  );
  const ids = new Set(nodes.map((n) => n.id));
  const edges = ix.graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target) && edgeVisible(e, view.filters));
  return aggregate({ ix, nodes, edges, expanded: view.expanded });
}

/** View ids adjacent to `id` (and the edges between), for hover and selection highlighting. */
export function viewNeighbourhood(model: ViewModel, id: string): { nodes: Set<string>; edges: Set<string> } {
  const nodes = new Set([id]);
  const edges = new Set<string>();
  for (const e of model.edges) {
    if (e.source === id || e.target === id) {
      nodes.add(e.source);
      nodes.add(e.target);
      edges.add(e.id);
    }
  }
  return { nodes, edges };
}
