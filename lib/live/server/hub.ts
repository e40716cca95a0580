import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../logging';
import { silentLogger } from '../../logging';
import type { TopologyGraph } from '../../topology/graph';
import type { GraphPatch } from '../../topology/patch';
import type { SourceStatus } from '../../shared/source-status';
import { PROTOCOL_VERSION, WS_PATH, parseClientMessage, type ServerMessage } from '../shared/protocol';

export interface HubOptions {
  lab: boolean;
  logger?: Logger;
  heartbeatMs?: number;
  /**
   * A client whose socket has more than this many bytes queued is behind: instead of queueing more
   * patches for it (unbounded memory), the hub skips them and sends one fresh snapshot once it drains.
   */
  maxBufferedBytes?: number;
  /** Returns false to refuse a websocket (UI authentication); the hub answers 401. */
  authorize?: (req: IncomingMessage) => boolean;
}

interface Client {
  socket: WebSocket;
  /** Set when patches were skipped for this client; it gets a snapshot when its queue drains. */
  needsSnapshot: boolean;
}

/** Fans the live graph out to websocket clients: snapshot on connect, then patches, status and heartbeats. */
export class LiveHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly clients = new Set<Client>();
  private readonly logger: Logger;
  private readonly maxBuffered: number;
  private readonly heartbeat: NodeJS.Timeout;
  /** The published graph, materialised only when a client needs the whole of it (a snapshot), and its revision. */
  private graph: (() => TopologyGraph) | null = null;
  private revision = 0;
  private sources: Record<string, SourceStatus> = {};

  constructor(private readonly opts: HubOptions) {
    this.logger = opts.logger ?? silentLogger;
    this.maxBuffered = opts.maxBufferedBytes ?? 8 * 1024 * 1024;
    this.heartbeat = setInterval(() => this.sendHeartbeat(), opts.heartbeatMs ?? 10_000);
    this.heartbeat.unref();
  }

  /** Handles an HTTP upgrade if it is for `/ws`; returns false to let someone else have it. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (req.url ?? '').split('?')[0];
    if (path !== WS_PATH) return false;
    if (this.opts.authorize && !this.opts.authorize(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    return true;
  }

  /**
   * Publishes a new graph; `patch` takes the previous published graph to this one. The graph may be given as a
   * function: on a large fabric only a client that needs a snapshot pays for building the whole graph.
   */
  publish(graph: TopologyGraph | (() => TopologyGraph), patch: GraphPatch | null): void {
    const previous = this.graph;
    this.graph = typeof graph === 'function' ? graph : () => graph;
    this.revision = patch?.revision ?? (typeof graph === 'function' ? graph().revision : graph.revision);
    for (const client of this.clients) {
      if (!previous || !patch || client.needsSnapshot) {
        this.sendSnapshot(client);
        continue;
      }
      if (client.socket.bufferedAmount > this.maxBuffered) {
        client.needsSnapshot = true;
        continue;
      }
      this.send(client, { type: 'patch', patch });
    }
  }

  setSources(sources: Record<string, SourceStatus>): void {
    this.sources = sources;
    this.broadcast({ type: 'status', sources });
  }

  clientCount(): number {
    return this.clients.size;
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.socket.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(socket: WebSocket): void {
    const client: Client = { socket, needsSnapshot: false };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('error', (err) => this.logger.debug({ err: err.message }, 'websocket client error'));
    socket.on('message', (data) => {
      const parsed = parseClientMessage(String(data));
      if (!parsed.ok) return this.send(client, { type: 'error', message: parsed.error });
      if (parsed.message.type === 'resync') this.sendSnapshot(client);
      else this.send(client, { type: 'heartbeat', at: new Date().toISOString(), revision: this.revision });
    });
    this.send(client, { type: 'hello', protocol: PROTOCOL_VERSION, lab: this.opts.lab });
    this.send(client, { type: 'status', sources: this.sources });
    if (this.graph) this.sendSnapshot(client);
  }

  private sendSnapshot(client: Client): void {
    if (!this.graph) return;
    if (client.socket.bufferedAmount > this.maxBuffered) {
      client.needsSnapshot = true;
      return;
    }
    client.needsSnapshot = false;
    const graph = this.graph();
    this.send(client, { type: 'snapshot', revision: graph.revision, graph });
  }

  private sendHeartbeat(): void {
    const at = new Date().toISOString();
    for (const client of this.clients) {
      // A lagging client that has drained gets its snapshot here at the latest.
      if (client.needsSnapshot) this.sendSnapshot(client);
      this.send(client, { type: 'heartbeat', at, revision: this.revision });
    }
  }

  private broadcast(message: ServerMessage): void {
    for (const client of this.clients) this.send(client, message);
  }

  private send(client: Client, message: ServerMessage): void {
    if (client.socket.readyState === client.socket.OPEN) client.socket.send(JSON.stringify(message));
  }
}
