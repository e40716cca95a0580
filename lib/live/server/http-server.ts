/**
 * akb's HTTP listener as server.ts builds it: the runtime's gate and routes first for every request, the
 * pages (Next.js) for what they leave; `/ws` upgrades to the hub, other upgrades (Next's HMR in dev) to the
 * pages after the same gate. Tests start it with a stand-in for Next, so they exercise exactly this wiring.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Runtime } from './runtime';

export interface PageHandler {
  request(req: IncomingMessage, res: ServerResponse): void;
  /** Upgrades other than /ws; absent: they are refused. */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

export function createAkbServer(runtime: Pick<Runtime, 'handleHttp' | 'hub' | 'gate'>, pages: PageHandler): Server {
  const server = createServer((req, res) => {
    if (runtime.handleHttp(req, res)) return;
    pages.request(req, res);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (runtime.hub.handleUpgrade(req, socket, head)) return;
    if (!pages.upgrade) socket.destroy();
    else if (!runtime.gate.upgrade(req, socket)) pages.upgrade(req, socket, head);
  });
  return server;
}
