/**
 * The akb server in a process of its own (spawned by server-process.ts), as it runs in a cluster: the runtime and
 * an HTTP server carrying /ws, configured from the lab's connection file exactly as for a real APIC and cluster. Its
 * memory and event loop are measured here, apart from the measuring process (the websocket client, the captures).
 * Usage: server-host.ts <lab.json dir> <options-json>.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { z } from 'zod';
import { readLabFile } from '../lib/lab';
import { loadServiceConfig } from '../lib/live/server/config';
import { startRuntime } from '../lib/live/server/runtime';
import { silentLogger } from '../lib/logging';
import { buildGraph } from '../lib/topology/build-graph';
import { peakRssMb, round, summarize } from './stats';

export type ServerRequest = { type: 'status' } | { type: 'measure'; phase: 'start' | 'stop' } | { type: 'graphs' } | { type: 'stop' };

export interface ServerMeasures {
  /** Event-loop delay over the measured window (ms), sampled every 10 ms by perf_hooks. */
  eventLoopDelayMs: { p50: number | null; p99: number | null; max: number | null; mean: number | null };
  /** Each incremental settle's total work and its longest slice between two turns of the loop (ms). */
  settleMs: ReturnType<typeof summarize>;
  longestSliceMs: number | null;
  rssMb: number;
  peakRssMb: number;
}

export type ServerReply =
  | { type: 'listening'; port: number }
  | { type: 'status'; ready: boolean; apicCounts: Record<string, number> }
  | { type: 'measured'; measures: ServerMeasures | null }
  | { type: 'graphs'; published: unknown; held: unknown };

const [labDir, raw] = z.tuple([z.string().min(1), z.string()]).parse(process.argv.slice(2));
const options = z
  .object({ coalesceMs: z.number().int().nonnegative().optional(), correlation: z.enum(['incremental', 'full']).optional() })
  .parse(JSON.parse(raw));
const send = (m: ServerReply) => process.send?.(m);

const lab = await readLabFile(labDir);
const config = loadServiceConfig(
  {
    lab: false,
    kubeconfig: lab.kubeconfig,
    apicUrls: lab.apicUrls,
    apicUser: lab.apicUser,
    apicPasswordFile: lab.apicPasswordFile,
    ...(lab.apicCaFile ? { apicCaFile: lab.apicCaFile } : {}),
    tenant: lab.tenant,
    vrf: lab.vrf,
    ...(lab.l3out ? { l3out: lab.l3out } : {}),
  },
  {},
);

let settles: number[] | null = null;
let longestSlice = 0;
let loop: IntervalHistogram | null = null;
const runtime = await startRuntime(
  config,
  silentLogger,
  {},
  {
    ...(options.coalesceMs === undefined ? {} : { coalesceMs: options.coalesceMs }),
    ...(options.correlation ? { correlation: options.correlation } : {}),
    onSettled: ({ workMs, longestSliceMs }) => {
      if (!settles) return;
      settles.push(workMs);
      longestSlice = Math.max(longestSlice, longestSliceMs);
    },
  },
);
const server = createServer((req, res) => {
  if (!runtime.handleHttp(req, res)) res.writeHead(404).end();
});
server.on('upgrade', (req, socket, head) => {
  if (!runtime.hub.handleUpgrade(req, socket, head)) socket.destroy();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
send({ type: 'listening', port: (server.address() as AddressInfo).port });

const ms = (ns: number) => round(ns / 1e6);
process.on('message', (m: ServerRequest) => {
  switch (m.type) {
    case 'status':
      send({ type: 'status', ready: runtime.service.ready(), apicCounts: { ...runtime.apic?.counts } });
      return;
    case 'measure':
      if (m.phase === 'start') {
        settles = [];
        longestSlice = 0;
        loop = monitorEventLoopDelay({ resolution: 10 });
        loop.enable();
        send({ type: 'measured', measures: null });
        return;
      }
      loop?.disable();
      send({
        type: 'measured',
        measures: {
          eventLoopDelayMs: loop
            ? { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max), mean: ms(loop.mean) }
            : { p50: null, p99: null, max: null, mean: null },
          settleMs: summarize(settles ?? []),
          longestSliceMs: settles?.length ? round(longestSlice) : null,
          rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
          peakRssMb: peakRssMb(),
        },
      });
      settles = null;
      return;
    case 'graphs':
      send({ type: 'graphs', published: runtime.service.graph(), held: buildGraph(runtime.service.bundle()) });
      return;
    case 'stop':
      void runtime
        .stop()
        .then(() => new Promise<void>((resolve) => server.close(() => resolve())))
        .finally(() => process.exit(0));
  }
});
// The parent went away: do not linger holding a port and the lab's connections.
process.on('disconnect', () => process.exit(0));
