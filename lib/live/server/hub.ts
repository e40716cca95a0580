import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../logging';
import { silentLogger } from '../../logging';
import type { TopologyGraph } from '../../topology/graph';
import type { GraphPatch } from '../../topology/patch';
import type { SourceStatus } from '../../shared/source-status';
import { PROTOCOL_VERSION, WS_PATH, parseClientMessage, type ServerMessage } from '../shared/protocol';
import type { SecurityGate } from './security/gate';

export interface HubOptions {
  lab: boolean;
  logger?: Logger;
  /** Heartbeat and liveness tick. */
  heartbeatMs?: number;
  /**
   * Per-client queued bytes cap, checked before every send: a client with more than this queued gets
   * nothing more (graph messages are replaced by one fresh snapshot once it drains), so what one slow or
   * hostile client costs is bounded by this plus one message.
   */
  maxBufferedBytes?: number;
  /** Most clients at once; more are refused with 503 (default 500). */
  maxClients?: number;
  /** A client gets at most one snapshot per this interval however often it asks (`resync`); extra asks coalesce. */
  resyncMinIntervalMs?: number;
  /** A client that has not answered a ping for this long is dropped (default 3 heartbeats). */
  pingTimeoutMs?: number;
  /** The security gate every upgrade passes first (Origin, Host, credentials). Absent only in hub-level tests. */
  gate?: SecurityGate;
}

interface Client {
  socket: WebSocket;
  /** Set when graph messages were skipped for this client; it gets a snapshot when its queue drains. */
  needsSnapshot: boolean;
  lastSnapshotAt: number;
  resyncTimer: NodeJS.Timeout | null;
  lastPongAt: number;
}

/** One serialisation of a message, sent as the same buffer to every client (text frames, no per-client copy). */
const encode = (message: ServerMessage): Buffer => Buffer.from(JSON.stringify(message));

/**
 * Fans the live graph out to websocket clients: snapshot on connect, then patches, status and heartbeats.
 * Bounded: clients are capped, every send checks the client's queue, each message is serialised once for
 * all clients, `resync` is rate-limited, and clients that stop answering pings are dropped.
 */
export class LiveHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly clients = new Set<Client>();
  private readonly logger: Logger;
  private readonly maxBuffered: number;
  private readonly maxClients: number;
  private readonly resyncMinMs: number;
  private readonly pingTimeoutMs: number;
  private readonly heartbeat: NodeJS.Timeout;
  /** The published graph, materialised only when a client needs the whole of it (a snapshot), and its revision. */
  private graph: (() => TopologyGraph) | null = null;
  private revision = 0;
  /** The current graph's snapshot, serialised on first use and shared until the next publish. */
  private snapshotFrame: Buffer | null = null;
  private statusFrame: Buffer = encode({ type: 'status', sources: {} });

  constructor(private readonly opts: HubOptions) {
    this.logger = opts.logger ?? silentLogger;
    this.maxBuffered = opts.maxBufferedBytes ?? 8 * 1024 * 1024;
    this.maxClients = opts.maxClients ?? 500;
    this.resyncMinMs = opts.resyncMinIntervalMs ?? 1_000;
    const heartbeatMs = opts.heartbeatMs ?? 10_000;
    this.pingTimeoutMs = opts.pingTimeoutMs ?? 3 * heartbeatMs;
    this.heartbeat = setInterval(() => this.tick(), heartbeatMs);
    this.heartbeat.unref();
  }

  /** Handles an HTTP upgrade if it is for `/ws`; returns false to let someone else have it. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (req.url ?? '').split('?')[0];
    if (path !== WS_PATH) return false;
    if (this.opts.gate?.upgrade(req, socket)) return true;
    if (this.clients.size >= this.maxClients) {
      const body = `too many live clients (${this.maxClients}); raise --ws-max-clients\n`;
      socket.end(
        `HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      );
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
    this.snapshotFrame = null;
    // Serialised once for all clients, and only if one of them can take it.
    let patchFrame: Buffer | null = null;
    for (const client of this.clients) {
      if (!previous || !patch || client.needsSnapshot) this.sendSnapshot(client);
      else if (!this.canSend(client)) client.needsSnapshot = true;
      else this.send(client, (patchFrame ??= encode({ type: 'patch', patch })));
    }
  }

  setSources(sources: Record<string, SourceStatus>): void {
    this.statusFrame = encode({ type: 'status', sources });
    for (const client of this.clients) this.send(client, this.statusFrame);
  }

  clientCount(): number {
    return this.clients.size;
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const client of this.clients) {
      if (client.resyncTimer) clearTimeout(client.resyncTimer);
      client.socket.close(1001, 'server shutting down');
    }
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(socket: WebSocket): void {
    const client: Client = { socket, needsSnapshot: false, lastSnapshotAt: 0, resyncTimer: null, lastPongAt: Date.now() };
    this.clients.add(client);
    socket.on('close', () => {
      if (client.resyncTimer) clearTimeout(client.resyncTimer);
      this.clients.delete(client);
    });
    socket.on('error', (err) => this.logger.debug({ err: err.message }, 'websocket client error'));
    socket.on('pong', () => (client.lastPongAt = Date.now()));
    socket.on('message', (data) => {
      const parsed = parseClientMessage(String(data));
      if (!parsed.ok) this.send(client, encode({ type: 'error', message: parsed.error }));
      else if (parsed.message.type === 'resync') this.resync(client);
      else this.send(client, this.heartbeatFrame());
    });
    this.send(client, encode({ type: 'hello', protocol: PROTOCOL_VERSION, lab: this.opts.lab }));
    this.send(client, this.statusFrame);
    if (this.graph) this.sendSnapshot(client);
  }

  /** At most one snapshot per interval per client: a flood of `resync` costs one snapshot, not one each. */
  private resync(client: Client): void {
    const wait = client.lastSnapshotAt + this.resyncMinMs - Date.now();
    if (wait <= 0) return this.sendSnapshot(client);
    client.resyncTimer ??= setTimeout(() => {
      client.resyncTimer = null;
      this.sendSnapshot(client);
    }, wait);
  }

  private sendSnapshot(client: Client): void {
    if (!this.graph) return;
    // Checked before serialising: a lagging client must not cost a serialisation per publish.
    if (!this.canSend(client)) {
      client.needsSnapshot = true;
      return;
    }
    if (!this.snapshotFrame) {
      const graph = this.graph();
      this.snapshotFrame = encode({ type: 'snapshot', revision: graph.revision, graph });
    }
    client.needsSnapshot = !this.send(client, this.snapshotFrame);
    if (!client.needsSnapshot) client.lastSnapshotAt = Date.now();
  }

  private heartbeatFrame(): Buffer {
    return encode({ type: 'heartbeat', at: new Date().toISOString(), revision: this.revision });
  }

  private tick(): void {
    const now = Date.now();
    const heartbeat = this.heartbeatFrame();
    for (const client of this.clients) {
      // A client that stopped answering (gone, or not reading at all) holds a socket and its queue: drop it.
      if (now - client.lastPongAt > this.pingTimeoutMs) {
        this.logger.debug('dropping a websocket client that stopped answering pings');
        client.socket.terminate();
        continue;
      }
      if (client.socket.readyState === client.socket.OPEN) client.socket.ping();
      // A lagging client that has drained gets its snapshot here at the latest.
      if (client.needsSnapshot) this.sendSnapshot(client);
      this.send(client, heartbeat);
    }
  }

  /** Sends unless the client's queue is over the cap; false when the message was skipped. */
  private send(client: Client, frame: Buffer): boolean {
    if (!this.canSend(client)) return false;
    client.socket.send(frame, { binary: false });
    return true;
  }

  private canSend(client: Client): boolean {
    const socket = client.socket;
    return socket.readyState === socket.OPEN && socket.bufferedAmount <= this.maxBuffered;
  }
}
