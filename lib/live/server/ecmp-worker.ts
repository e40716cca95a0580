/**
 * The ECMP analysis worker thread (started by WorkerAnalysis): applies the input batches it is sent, in order, and
 * answers each `analyse` with what the analysis found. Messages are handled one at a time, so an `analyse` sees
 * every batch sent before it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Bundle } from '../../topology/bundle-types';
import type { InputChange } from '../../topology/incremental';
import { AnalysisState } from './ecmp-analysis';

export type ToWorker = { type: 'inputs'; changes: readonly InputChange[] } | { type: 'analyse' };

const state = new AnalysisState((workerData as { fabric: Bundle['fabric'] }).fabric);
parentPort?.on('message', (m: ToWorker) => {
  if (m.type === 'inputs') state.apply(m.changes);
  else parentPort?.postMessage(state.analyse());
});
