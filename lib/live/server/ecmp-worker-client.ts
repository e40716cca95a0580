/**
 * The service's end of the ECMP analysis worker: input batches are posted as they come (structured clones of a few
 * objects each), at most one analysis is asked for at a time, and requests made meanwhile coalesce into one more.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../logging';
import type { Bundle } from '../../topology/bundle-types';
import type { InputChange } from '../../topology/incremental';
import type { AnalysisResult, EcmpAnalyser } from './ecmp-analysis';
import type { ToWorker } from './ecmp-worker';

/**
 * From the source tree (npm start, tests) the worker runs TypeScript as the server does, through tsx, registered in
 * the worker by a two-line bootstrap since Node 20 does not pass `--import` on to worker threads. In the image the
 * server is compiled (scripts/build-server.mjs) and so is the worker, to dist/ecmp-worker.mjs beside lib/.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import('tsx/esm/api').then((tsx) => { tsx.register(); return import(workerData.entry); });
`;

function startWorker(fabric: Bundle['fabric']): Worker {
  const source = new URL('./ecmp-worker.ts', import.meta.url);
  if (existsSync(fileURLToPath(source))) return new Worker(BOOTSTRAP, { eval: true, workerData: { fabric, entry: source.href } });
  const compiled = new URL('../../../dist/ecmp-worker.mjs', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return new Worker(compiled, { workerData: { fabric } });
  throw new Error(`neither ${fileURLToPath(source)} nor ${fileURLToPath(compiled)} exists`);
}

export class WorkerAnalysis implements EcmpAnalyser {
  private readonly worker: Worker;
  private listener: ((r: AnalysisResult) => void) | null = null;
  private inFlight = false;
  private again = false;
  private stopped = false;

  constructor(fabric: Bundle['fabric'], logger: Logger) {
    this.worker = startWorker(fabric);
    this.worker.unref();
    this.worker.on('message', (result: AnalysisResult) => {
      this.inFlight = false;
      if (!this.stopped) this.listener?.(result);
      if (this.again) {
        this.again = false;
        this.request();
      }
    });
    this.worker.on('error', (err) => logger.error({ err: err.message }, 'ECMP analysis worker failed'));
  }

  feed(changes: readonly InputChange[]): void {
    this.post({ type: 'inputs', changes });
  }

  request(): void {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = true;
    this.post({ type: 'analyse' });
  }

  onResult(listener: (result: AnalysisResult) => void): void {
    this.listener = listener;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.worker.terminate();
  }

  private post(m: ToWorker): void {
    if (!this.stopped) this.worker.postMessage(m);
  }
}
