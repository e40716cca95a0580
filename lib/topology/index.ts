/** The topology core's public surface: bundle in, graph out, patches between graphs. */
export { correlate } from './correlate';
export { buildGraph } from './build-graph';
export { BundleError, formatPath, parseBundleJson, validateBundle } from './bundle';
export { applyPatch, canonicalOrder, diff, isEmptyPatch, type GraphPatch, type Section } from './patch';
export * from './graph';
export * from './bundle-types';
