/**
 * The live service as it is deployed: the akb server in a process of its own (server-host.ts), configured from the
 * lab's connection file exactly as for a real APIC and cluster, and a websocket GraphClient here, in the measuring
 * process, as a browser would hold it.
 */
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import WebSocket from 'ws';
import { ApicClient } from '../lib/aci/client';
import type { LabFile } from '../lib/lab';
import { captureBundle, type CaptureResult } from '../lib/live/server/capture';
import { GraphClient, type SocketFactory } from '../lib/live/client/graph-client';
import { buildGraph } from '../lib/topology/build-graph';
import type { TopologyGraph } from '../lib/topology/graph';
import { startServerProcess, type ServerProcess } from './server-process';

export interface LiveHarness {
  server: ServerProcess;
  client: GraphClient;
  stop(): Promise<void>;
}

export async function startLiveHarness(
  lab: LabFile,
  opts: { coalesceMs?: number; heapMb: number; correlation?: 'incremental' | 'full' },
): Promise<LiveHarness> {
  const server = await startServerProcess(lab, opts.heapMb, {
    ...(opts.coalesceMs === undefined ? {} : { coalesceMs: opts.coalesceMs }),
    ...(opts.correlation ? { correlation: opts.correlation } : {}),
  });
  const factory: SocketFactory = (url) => new WebSocket(url) as unknown as ReturnType<SocketFactory>;
  const client = new GraphClient({ url: `ws://127.0.0.1:${server.port}/ws`, socketFactory: factory, reconnectMinMs: 50 });
  client.start();
  return {
    server,
    client,
    async stop() {
      client.stop();
      await server.stop();
    },
  };
}

/** An APIC client of its own for captures, so its requests never mix with the runtime's counts. */
export function captureClient(lab: LabFile): ApicClient {
  const password = readFileSync(lab.apicPasswordFile, 'utf8').trim();
  const tls = lab.apicCaFile ? { ca: readFileSync(lab.apicCaFile, 'utf8') } : {};
  return new ApicClient({ controllers: lab.apicUrls, auth: { type: 'password', user: lab.apicUser, password }, tls });
}

export async function captureLab(lab: LabFile, apic: ApicClient): Promise<CaptureResult> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(lab.kubeconfig);
  const fabric = { tenant: lab.tenant, vrf: lab.vrf, ...(lab.l3out ? { l3out: lab.l3out } : {}) };
  return await captureBundle({ apic, kubeConfig, fabric });
}

/** The graph without its revision and timestamp: what must be equal between the live client and a fresh capture. */
export function graphStructure(g: TopologyGraph | null): string {
  if (!g) return 'null';
  const { revision: _revision, generatedAt: _generatedAt, ...rest } = g;
  return JSON.stringify(rest);
}

/**
 * The invariant: the client's graph equals `buildGraph` (correlation plus the ECMP analysis, as the service computes it) of a fresh capture. Re-captures until equal or the
 * timeout (the lab's controllers may still be settling the last event's consequences).
 */
export async function checkInvariant(
  lab: LabFile,
  harness: LiveHarness,
  apic: ApicClient,
  timeoutMs: number,
): Promise<{ held: boolean; ms: number; differences: string[] }> {
  const started = Date.now();
  let lastError: string | null = null;
  for (;;) {
    // A lab still busy with the storm's last batches may not answer in time: that is "not yet", not a failed run.
    let fresh: TopologyGraph | null = null;
    try {
      fresh = buildGraph((await captureLab(lab, apic)).bundle);
    } catch (err) {
      lastError = err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : String(err);
    }
    const live = harness.client.getState().graph;
    if (fresh && graphStructure(live) === graphStructure(fresh)) return { held: true, ms: Date.now() - started, differences: [] };
    if (!fresh && Date.now() - started > timeoutMs)
      return { held: false, ms: Date.now() - started, differences: [`no capture of the lab succeeded: ${lastError ?? 'unknown'}`] };
    if (fresh && Date.now() - started > timeoutMs) {
      // Where it went wrong: the client against the service's own graph (patches), the service's graph against
      // a correlation of the bundle it holds (publishing), and that against a fresh capture (the live sources).
      const { published, held } = await harness.server.graphs();
      return {
        held: false,
        ms: Date.now() - started,
        differences: [
          ...describeDifferences(live, published ?? fresh, 5).map((d) => `client vs service: ${d}`),
          ...describeDifferences(published, held, 5).map((d) => `service vs its bundle: ${d}`),
          ...describeDifferences(held, fresh, 5).map((d) => `service bundle vs fresh capture: ${d}`),
        ],
      };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The first few ids (nodes, edges, route keys, problem subjects) that differ between two graphs, for the report. */
export function describeDifferences(live: TopologyGraph | null, fresh: TopologyGraph, limit = 10): string[] {
  if (!live) return ['client holds no graph'];
  const out: string[] = [];
  const compare = (what: string, a: readonly unknown[], b: readonly unknown[], key: (x: never) => string): void => {
    const left = new Map(a.map((x) => [key(x as never), JSON.stringify(x)]));
    const right = new Map(b.map((x) => [key(x as never), JSON.stringify(x)]));
    for (const [k, v] of right) if (left.get(k) !== v) out.push(`${what} ${k}: ${left.has(k) ? 'differs' : 'missing in client'}`);
    for (const k of left.keys()) if (!right.has(k)) out.push(`${what} ${k}: only in client`);
  };
  compare('node', live.nodes, fresh.nodes, (n: { id: string }) => n.id);
  compare('edge', live.edges, fresh.edges, (e: { id: string }) => e.id);
  compare('route', live.routes, fresh.routes, (r: { leaf: string; prefix: string }) => `${r.leaf} ${r.prefix}`);
  compare('problem', live.problems, fresh.problems, (p: { code: string; subject: string }) => `${p.code} ${p.subject}`);
  if (JSON.stringify(live.cluster) !== JSON.stringify(fresh.cluster)) out.push('cluster differs');
  return out.slice(0, limit);
}
