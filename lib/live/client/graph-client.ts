/**
 * The client side of the `/ws` protocol, framework-free: used by the browser (through a React hook) and
 * by tests in Node (with the `ws` package's WebSocket). It holds the graph the server published, applies
 * patches in revision order, asks for a snapshot when it detects a gap, and reconnects with backoff.
 */
import type { TopologyGraph } from '../../topology/graph';
import { applyPatch, type GraphPatch } from '../../topology/patch';
import type { SourceStatus } from '../../shared/source-status';
import { parseServerMessage, type ServerMessage } from '../shared/protocol';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface LiveState {
  connection: ConnectionState;
  lab: boolean | null;
  graph: TopologyGraph | null;
  sources: Record<string, SourceStatus>;
  /**
   * Ids of nodes/edges touched by the patches of the last few seconds, so a view can highlight what changed. A
   * window rather than the last patch alone: one change often arrives as two patches (the graph, then the ECMP
   * findings computed from it), and the second must not take the first one's highlight away.
   */
  changed: ReadonlySet<string>;
  lastMessageAt: number | null;
}

/** The subset of the WebSocket API both the browser's and the `ws` package's sockets provide. */
interface SocketLike {
  readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string): void;
  close(): void;
}

export type SocketFactory = (url: string) => SocketLike;

export interface GraphClientOptions {
  url: string;
  socketFactory?: SocketFactory;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** How long an id stays in `changed` after the patch that touched it (default: the view's 2.5 s flash). */
  highlightMs?: number;
}

const EMPTY: ReadonlySet<string> = new Set();

export class GraphClient {
  private state: LiveState = { connection: 'closed', lab: null, graph: null, sources: {}, changed: EMPTY, lastMessageAt: null };
  private readonly listeners = new Set<() => void>();
  private socket: SocketLike | null = null;
  private retryMs: number;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  /** When each recently changed id was last touched by a patch. */
  private readonly touched = new Map<string, number>();

  constructor(private readonly opts: GraphClientOptions) {
    this.retryMs = opts.reconnectMinMs ?? 500;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.close();
    this.socket = null;
    this.update({ connection: 'closed' });
  }

  getState = (): LiveState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private connect(): void {
    const factory: SocketFactory = this.opts.socketFactory ?? ((url) => new WebSocket(url) as unknown as SocketLike);
    const socket = factory(this.opts.url);
    this.socket = socket;
    this.update({ connection: 'connecting' });
    socket.onopen = () => {
      this.retryMs = this.opts.reconnectMinMs ?? 500;
      this.update({ connection: 'open' });
    };
    socket.onmessage = (ev) => {
      const message = parseServerMessage(String(ev.data));
      if (message) this.handle(message);
    };
    socket.onerror = () => undefined;
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.update({ connection: 'closed' });
      if (!this.stopped) this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    this.retryTimer = setTimeout(() => this.connect(), this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, this.opts.reconnectMaxMs ?? 10_000);
  }

  private handle(message: ServerMessage): void {
    const now = Date.now();
    switch (message.type) {
      case 'hello':
        return this.update({ lab: message.lab, lastMessageAt: now });
      case 'snapshot':
        this.touched.clear();
        return this.update({ graph: message.graph, changed: EMPTY, lastMessageAt: now });
      case 'patch': {
        const graph = this.state.graph;
        if (!graph || graph.revision !== message.patch.fromRevision) {
          // A gap: we missed a revision. Ask for the whole graph rather than show a wrong one.
          this.socket?.send(JSON.stringify({ type: 'resync' }));
          return;
        }
        const next = applyPatch(graph, message.patch);
        return this.update({ graph: next, changed: this.recentlyChanged(message.patch, now), lastMessageAt: now });
      }
      case 'status':
        return this.update({ sources: message.sources, lastMessageAt: now });
      case 'heartbeat':
        return this.update({ lastMessageAt: now });
      case 'error':
        return;
    }
  }

  private recentlyChanged(patch: GraphPatch, now: number): ReadonlySet<string> {
    const window = this.opts.highlightMs ?? 2_500;
    for (const [id, at] of this.touched) if (now - at > window) this.touched.delete(id);
    for (const id of changedIds(patch)) this.touched.set(id, now);
    return new Set(this.touched.keys());
  }

  private update(partial: Partial<LiveState>): void {
    this.state = { ...this.state, ...partial };
    for (const listener of this.listeners) listener();
  }
}

function changedIds(patch: GraphPatch): ReadonlySet<string> {
  return new Set([...patch.nodes.added, ...patch.nodes.changed, ...patch.edges.added, ...patch.edges.changed].map((item) => item.id));
}
