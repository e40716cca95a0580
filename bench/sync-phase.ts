/**
 * Phase 2, initial sync: from starting the live service to a websocket client holding the first complete graph
 * (every source synced and the client's graph non-null), with the requests each lab server received meanwhile.
 */
import { startLiveHarness, type LiveHarness } from './harness';
import type { LabProcess } from './lab-process';
import { round } from './stats';
import { waitFor } from '../tests/support/wait';

export interface SyncResult {
  wallMs: number | null;
  /** Requests received by the lab APIC controllers (server side: logins, class queries, pages, refreshes). */
  apicRequests: number;
  /** The runtime's APIC client's own count by kind (includes websocket subscriptions). */
  apicClientCounts: Record<string, number>;
  /** Requests received by the lab Kubernetes API server (discovery, lists, pages, watches). */
  kubernetesRequests: number;
  /** APIC requests per Kubernetes node, to set against the previous tool's 5-7 per node. */
  apicRequestsPerNode: number | null;
}

export async function measureInitialSync(
  lab: LabProcess,
  nodes: number,
  server: { coalesceMs?: number; heapMb: number; correlation?: 'incremental' | 'full' },
  timeoutMs: number,
): Promise<{ result: SyncResult; harness: LiveHarness }> {
  await lab.counts(true);
  const t0 = performance.now();
  const harness = await startLiveHarness(lab.file, server);
  // The client first: asking the server process is a round trip, the client's graph is here.
  const status = await waitFor(async () => (harness.client.getState().graph !== null ? await harness.server.status() : null), {
    what: 'the first complete graph',
    timeoutMs,
    intervalMs: 50,
    until: (s) => s?.ready === true,
  });
  const wallMs = performance.now() - t0;
  const { apic: apicRequests, kubernetes } = await lab.counts();
  const counts: Record<string, number> = { ...status!.apicCounts };
  const apicClientCounts = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
  return {
    result: {
      wallMs: round(wallMs),
      apicRequests,
      apicClientCounts,
      kubernetesRequests: kubernetes,
      apicRequestsPerNode: nodes ? round(apicRequests / nodes, 3) : null,
    },
    harness,
  };
}
