/** The incremental graph: correlation kept current one input change at a time (see engine.ts). */
export { IncrementalGraph, type InputChange } from './engine';
export { patchOf } from './patch';
