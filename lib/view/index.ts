/** Pure view logic for the visualiser: no React, no I/O. */
export * from './graph-index';
export * from './view-state';
export * from './view-model';
export { focusNodeIds } from './focus';
export { edgeVisible, filterChoices, matchesLabels, nodeVisible } from './filter';
export { aggregate, podStatus, POD_BADGES_ABOVE, TIER_GROUP_ABOVE } from './aggregate';
export {
  GAP_X,
  NODE_SIZE,
  PODS_PER_COLUMN,
  POD_SIZE,
  TIER_GAP_Y,
  WRAP_ABOVE,
  WRAP_COLUMNS,
  layoutCached,
  layoutKey,
  layoutView,
  type Box,
  type Layout,
} from './layout';
export { buildView, viewNeighbourhood } from './pipeline';
export { MAX_HITS, search, type SearchHit } from './search';
export { filterRows, sortRows, toCsv, toJson, type Column, type SortDir } from './export';
export { TABLE_NAMES, buildTable, type Table, type TableName } from './tables';
export { problemRows, subjectNode, type ProblemRow } from './problems';
export { DARK_SVG, KIND_COLOUR, LIGHT_SVG, edgeColour, renderSvg, type SvgTheme } from './svg';
export { OFF_THREAD_ABOVE, type ViewRequest, type ViewResponse } from './worker-protocol';
