/** The measuring process's handle on server-host.ts: the akb server's port, readiness, measures, graphs, stop. */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import type { LabFile } from '../lib/lab';
import type { TopologyGraph } from '../lib/topology/graph';
import type { ServerMeasures, ServerReply, ServerRequest } from './server-host';

export interface ServerProcess {
  port: number;
  status(): Promise<{ ready: boolean; apicCounts: Record<string, number> }>;
  /** Starts a measured window (event-loop delay, settle costs); `stop` ends it and returns what was measured. */
  measure(phase: 'start'): Promise<void>;
  measure(phase: 'stop'): Promise<ServerMeasures>;
  /** The server's published graph and `buildGraph` of the bundle it holds (for a report of what differs). */
  graphs(): Promise<{ published: TopologyGraph | null; held: TopologyGraph }>;
  stop(): Promise<void>;
}

function reply<T extends ServerReply['type']>(child: ChildProcess, type: T): Promise<Extract<ServerReply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: ServerReply) => {
      if (m.type !== type) return;
      cleanup();
      resolve(m as Extract<ServerReply, { type: T }>);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`the akb server process exited (${String(code)}) before answering "${type}"`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export async function startServerProcess(
  lab: LabFile,
  heapMb: number,
  options: { coalesceMs?: number; correlation?: 'incremental' | 'full' },
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [
      `--max-old-space-size=${heapMb}`,
      '--import',
      'tsx',
      join(import.meta.dirname, 'server-host.ts'),
      dirname(lab.kubeconfig),
      JSON.stringify(options),
    ],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const { port } = await reply(child, 'listening');
  // One request of a kind at a time: replies are matched by kind.
  let queue: Promise<unknown> = Promise.resolve();
  const ask = <T extends ServerReply['type']>(m: ServerRequest, type: T): Promise<Extract<ServerReply, { type: T }>> => {
    const next = queue.then(() => {
      const answer = reply(child, type);
      child.send(m);
      return answer;
    });
    queue = next.catch(() => undefined);
    return next;
  };
  async function measure(phase: 'start'): Promise<void>;
  async function measure(phase: 'stop'): Promise<ServerMeasures>;
  async function measure(phase: 'start' | 'stop'): Promise<ServerMeasures | void> {
    const { measures } = await ask({ type: 'measure', phase }, 'measured');
    if (phase === 'stop') return measures!;
  }
  return {
    port,
    async status() {
      const { ready, apicCounts } = await ask({ type: 'status' }, 'status');
      return { ready, apicCounts };
    },
    measure,
    async graphs() {
      const { published, held } = await ask({ type: 'graphs' }, 'graphs');
      return { published: published as TopologyGraph | null, held: held as TopologyGraph };
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ type: 'stop' } satisfies ServerRequest);
      await exited;
    },
  };
}
