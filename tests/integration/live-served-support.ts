import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import type { Lab } from '../../lib/lab';
import { loadServiceConfig } from '../../lib/live/server/config';
import { GraphClient, type SocketFactory } from '../../lib/live/client/graph-client';
import { startRuntime, type Runtime, type RuntimeOverrides } from '../../lib/live/server/runtime';
import { silentLogger } from '../../lib/logging';

export interface ServedRuntime {
  runtime: Runtime;
  server: Server;
  /** A websocket client of the runtime's /ws, as the browser holds the graph. */
  client: GraphClient;
  stop(): Promise<void>;
}

/** The live service on a test's own lab, served over HTTP on an ephemeral loopback port, with a client attached. */
export async function serveRuntime(lab: Lab, overrides: Omit<RuntimeOverrides, 'lab'> = {}): Promise<ServedRuntime> {
  const runtime = await startRuntime(loadServiceConfig({}, {}), silentLogger, {}, { lab, ...overrides });
  const server = createServer((req, res) => {
    if (!runtime.handleHttp(req, res)) res.writeHead(404).end();
  });
  server.on('upgrade', (req, socket, head) => {
    if (!runtime.hub.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const factory: SocketFactory = (url) => new WebSocket(url) as unknown as ReturnType<SocketFactory>;
  const client = new GraphClient({
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`,
    socketFactory: factory,
    reconnectMinMs: 50,
  });
  client.start();
  return {
    runtime,
    server,
    client,
    async stop() {
      client.stop();
      await runtime.stop();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
