/**
 * Messages between the page and the view worker, which runs the view pipeline (focus, filter, aggregate,
 * layout) off the main thread for large graphs. The graph is sent only when its revision changes.
 */
import type { TopologyGraph } from '../topology/graph';
import type { Box } from './layout';
import type { ViewModel } from './view-model';
import type { ViewState } from './view-state';

/** Graphs with more nodes than this are laid out in the worker; smaller ones synchronously (cheaper than a round trip). */
export const OFF_THREAD_ABOVE = 3000;

export interface ViewRequest {
  seq: number;
  /** Present when the page's graph changed since the last request. */
  graph?: TopologyGraph;
  view: ViewState;
}

export interface ViewResponse {
  seq: number;
  model: ViewModel;
  /** Layout entries (a Map does not survive postMessage as cheaply as an array). */
  layout: [string, Box][];
  ms: number;
}
