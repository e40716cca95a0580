/**
 * One scale, all phases: the generated scenario's lab (in its own process), correlation against its floor, the
 * initial sync, the event storm, then (lab stopped) the browser.
 */
import { join } from 'node:path';
import { generateScenario } from '../lib/lab/model';
import { measureBrowser } from './browser-phase';
import { measureCorrelation } from './correlation-phase';
import { captureClient, captureLab, type LiveHarness } from './harness';
import { startLabProcess } from './lab-process';
import type { ScaleResult } from './result-schema';
import { SCENARIO_SEED, type Scale } from './scales';
import { peakRssMb, round } from './stats';
import { runStorm } from './storm-phase';
import { measureInitialSync } from './sync-phase';

export interface ScaleRunOptions {
  browser: boolean;
  stormRatePerSec: number;
  stormSeconds: number;
  /** The service's coalescing window; the runtime's default unless set. */
  coalesceMs?: number;
  workDir: string;
  labHeapMb: number;
  /** `full`: the reference service that recomputes the whole graph on every change (for comparison). */
  correlation?: 'incremental' | 'full';
  progress: (message: string) => void;
}

/** Generous: an L or XL scale on a shared 2-core machine is slow, and a timeout must mean something is wrong. */
const timeouts = (s: Scale) => ({ syncMs: 60_000 + s.nodes * 300, drainMs: 30_000 + s.nodes * 30, browserMs: 60_000 + s.nodes * 150 });

const SKIPPED_BROWSER: ScaleResult['browser'] = {
  status: 'skipped',
  reason: '--no-browser',
  builtMs: null,
  serverReadyMs: null,
  domContentLoadedMs: null,
  firstGraphPaintMs: null,
  interactiveMs: null,
  longTasks: null,
  renderedNodes: null,
  panFps: null,
  panP95FrameMs: null,
  panWorstFrameMs: null,
  panned: null,
};

export async function runScale(scale: Scale, opts: ScaleRunOptions): Promise<ScaleResult> {
  const started = performance.now();
  const limits = timeouts(scale);
  const scenario = generateScenario({
    leaves: scale.leaves,
    nodes: scale.nodes,
    pods: scale.pods,
    services: scale.services,
    seed: SCENARIO_SEED,
  });
  opts.progress(`${scale.name}: starting the lab`);
  const lab = await startLabProcess(scale.name, join(opts.workDir, `lab-${scale.name}`), opts.labHeapMb);
  const capturer = captureClient(lab.file);
  let harness: LiveHarness | null = null;
  let labRunning = true;
  const stopLab = async (): Promise<void> => {
    if (harness) await harness.stop();
    harness = null;
    if (!labRunning) return;
    labRunning = false;
    await capturer.close();
    await lab.stop();
  };
  try {
    opts.progress(`${scale.name}: capture and correlation`);
    const c0 = performance.now();
    const capture = await captureLab(lab.file, capturer);
    const captureMs = performance.now() - c0;
    const correlation = measureCorrelation(capture.bundle, scale.correlationRuns);
    const pods = capture.bundle.k8s.pods?.length ?? 0;

    opts.progress(`${scale.name}: initial sync`);
    const server = {
      heapMb: opts.labHeapMb,
      ...(opts.coalesceMs === undefined ? {} : { coalesceMs: opts.coalesceMs }),
      ...(opts.correlation ? { correlation: opts.correlation } : {}),
    };
    const sync = await measureInitialSync(lab, scenario.cluster.nodes.length, server, limits.syncMs);
    harness = sync.harness;

    opts.progress(`${scale.name}: event storm (${opts.stormRatePerSec}/s for ${opts.stormSeconds} s)`);
    await harness.server.measure('start');
    const storm = await runStorm(lab, scenario, harness, capturer, {
      ratePerSec: opts.stormRatePerSec,
      durationSec: opts.stormSeconds,
      seed: SCENARIO_SEED,
      drainTimeoutMs: limits.drainMs,
      invariantTimeoutMs: limits.drainMs,
    });
    const akbServer = await harness.server.measure('stop');
    await stopLab();

    opts.progress(`${scale.name}: browser${opts.browser ? '' : ' skipped'}`);
    const browser = opts.browser
      ? await measureBrowser(scenario, join(opts.workDir, `browser-${scale.name}`), limits.browserMs)
      : SKIPPED_BROWSER;
    return {
      scale: { ...scale },
      world: {
        nodes: scenario.cluster.nodes.length,
        pods,
        services: scenario.cluster.services.length,
        leaves: scenario.fabric.leaves.length,
      },
      labStartMs: round(lab.labStartMs),
      capture: { apicRequests: capture.requests.apic, kubernetesRequests: capture.requests.kubernetes, ms: round(captureMs) },
      correlation,
      initialSync: sync.result,
      storm,
      akbServer,
      browser,
      peakRssMb: peakRssMb(),
      totalMs: Math.round(performance.now() - started),
    };
  } finally {
    await stopLab();
  }
}
