/**
 * Phase 3, live latency under an event storm: events of mixed kinds planned at a fixed rate against the running
 * service. Events are sent to the lab as batches: whatever came due while the previous batch was being applied
 * goes in the next one, so the storm keeps its rate even where the lab's own sync takes longer than the interval
 * (hundreds of milliseconds at M). For each event, latency runs from the lab's control endpoint answering its
 * batch (the lab servers hold the change; the lab runs in its own process) to the websocket client first holding
 * a graph that shows it. At the end the invariant is checked: the client's graph equals a fresh capture's graph.
 */
import type { ApicClient } from '../lib/aci/client';
import type { Scenario } from '../lib/lab';
import { checkInvariant, type LiveHarness } from './harness';
import type { LabProcess } from './lab-process';
import { round, summarize, type LatencySummary } from './stats';
import { indexGraph, sessionsOf, StormPlanner, type GraphIndex, type PlannedEvent } from './storm-events';
import { waitFor } from '../tests/support/wait';

export interface StormOptions {
  ratePerSec: number;
  durationSec: number;
  seed: number;
  /** How long to wait, after the last event, for every change to reach the client. */
  drainTimeoutMs: number;
  invariantTimeoutMs: number;
}

export interface StormResult {
  targetRatePerSec: number;
  durationSec: number;
  eventsSent: number;
  /** Ticks with no event sent because every candidate target still had a change in flight. */
  ticksWithoutFreeTarget: number;
  /** Events per second the lab actually applied (below target when applying events to the lab is the bottleneck). */
  achievedRatePerSec: number | null;
  /** The run is valid only when the lab delivered at least 90% of the planned rate: otherwise there was no storm. */
  valid: boolean;
  byKind: Record<string, number>;
  latencyMs: LatencySummary;
  /** Events whose change the client never showed within the drain timeout. */
  unresolved: number;
  unresolvedByKind: Record<string, number>;
  /** Batches sent to the lab, and the events in the largest. */
  batches: number;
  largestBatch: number;
  /** Time the lab took to apply one batch to its world and servers (not part of the latency). */
  labApplyMs: LatencySummary;
  revisionsReceived: number;
  invariantHeld: boolean;
  invariantCheckMs: number;
  /** When it did not hold: the first ids that differ between the client's graph and a fresh capture's. */
  invariantDifferences: string[];
}

/** The share of the planned rate the lab must deliver for the storm to count. */
export const VALID_SHARE = 0.9;

interface Pending {
  event: PlannedEvent;
  changedAt: number;
}

export async function runStorm(
  lab: LabProcess,
  scenario: Scenario,
  harness: LiveHarness,
  capturer: ApicClient,
  opts: StormOptions,
): Promise<StormResult> {
  const { client } = harness;
  const initial = client.getState().graph;
  if (!initial) throw new Error('the storm needs a client holding a graph');
  const planner = new StormPlanner(opts.seed, scenario, sessionsOf(initial));
  let index: GraphIndex = indexGraph(initial);
  const pending: Pending[] = [];
  const inFlight = new Set<string>();
  const latencies: number[] = [];
  const applyTimes: number[] = [];
  const sentEvents: PlannedEvent[] = [];
  let lastRevision = initial.revision;
  let revisions = 0;

  // Checked on every client update that brings a new revision: the first revision showing a change resolves its event.
  const unsubscribe = client.subscribe(() => {
    const graph = client.getState().graph;
    if (!graph || graph.revision === lastRevision) return;
    lastRevision = graph.revision;
    revisions++;
    index = indexGraph(graph);
    if (pending.length === 0) return;
    const now = performance.now();
    for (let i = pending.length - 1; i >= 0; i--) {
      const p = pending[i]!;
      if (!p.event.isVisible(index)) continue;
      latencies.push(now - p.changedAt);
      for (const t of p.event.targets) inFlight.delete(t);
      pending.splice(i, 1);
    }
  });

  const total = Math.round(opts.ratePerSec * opts.durationSec);
  const intervalMs = 1000 / opts.ratePerSec;
  const started = performance.now();
  let noTarget = 0;
  let batches = 0;
  let largestBatch = 0;
  const queue: PlannedEvent[] = [];
  let sending: Promise<void> | null = null;
  let failure: unknown = null;
  // One batch in flight at a time; events that come due meanwhile wait in the queue for the next.
  const flush = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue.splice(0);
      const t0 = performance.now();
      await lab.events(batch.map((e) => e.input));
      const changedAt = performance.now();
      applyTimes.push(changedAt - t0);
      batches++;
      largestBatch = Math.max(largestBatch, batch.length);
      for (const event of batch) pending.push({ event, changedAt });
    }
  };
  try {
    for (let k = 0; k < total; k++) {
      const due = started + k * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const event = planner.next(index, inFlight);
      if (!event) {
        noTarget++;
        continue;
      }
      for (const t of event.targets) inFlight.add(t);
      queue.push(event);
      sentEvents.push(event);
      sending ??= flush()
        .catch((err: unknown) => {
          failure ??= err;
        })
        .finally(() => {
          sending = null;
        });
      if (failure) break;
    }
    while (sending) await sending;
    if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
    // Until the last batch was applied: what the lab delivered, not what was planned.
    const elapsedSec = (performance.now() - started) / 1000;
    const achieved = elapsedSec > 0 ? sentEvents.length / elapsedSec : 0;
    await waitFor(() => pending.length === 0, { what: 'every event to reach the client', timeoutMs: opts.drainTimeoutMs }).catch(
      () => undefined,
    );
    const invariant = await checkInvariant(lab.file, harness, capturer, opts.invariantTimeoutMs);
    return {
      targetRatePerSec: opts.ratePerSec,
      durationSec: opts.durationSec,
      eventsSent: sentEvents.length,
      ticksWithoutFreeTarget: noTarget,
      achievedRatePerSec: elapsedSec > 0 ? round(achieved) : null,
      valid: achieved >= VALID_SHARE * opts.ratePerSec,
      byKind: countKinds(sentEvents),
      latencyMs: summarize(latencies),
      unresolved: pending.length,
      unresolvedByKind: countKinds(pending.map((p) => p.event)),
      batches,
      largestBatch,
      labApplyMs: summarize(applyTimes),
      revisionsReceived: revisions,
      invariantHeld: invariant.held,
      invariantCheckMs: invariant.ms,
      invariantDifferences: invariant.differences,
    };
  } finally {
    unsubscribe();
  }
}

function countKinds(events: readonly PlannedEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) out[e.kind] = (out[e.kind] ?? 0) + 1;
  return out;
}
