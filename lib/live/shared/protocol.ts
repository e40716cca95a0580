/**
 * The `/ws` protocol between the live service and browsers: one module, imported by both sides.
 *
 * Server → client: `hello` once, then `status` and `snapshot`, then `patch`es in revision order,
 * `status` whenever a source changes state, and a `heartbeat` every few seconds. A client that sees a
 * patch whose `from` is not the revision it holds sends `resync` and gets a fresh snapshot; so does a
 * client that falls behind (the server drops its queue and sends a snapshot instead of buffering).
 *
 * Client → server messages are validated with zod: the socket is a trust boundary.
 */
import { z } from 'zod';
import type { TopologyGraph } from '../../topology/graph';
import type { GraphPatch } from '../../topology/patch';
import type { SourceStatus } from '../../shared/source-status';

export const PROTOCOL_VERSION = 1;
export const WS_PATH = '/ws';

export interface HelloMessage {
  type: 'hello';
  protocol: typeof PROTOCOL_VERSION;
  /** True when the service shows the embedded lab rather than a real fabric and cluster. */
  lab: boolean;
}

export interface SnapshotMessage {
  type: 'snapshot';
  revision: number;
  graph: TopologyGraph;
}

/** `patch.fromRevision` is the revision the patch applies to; `patch.revision` the one it produces. */
export interface PatchMessage {
  type: 'patch';
  patch: GraphPatch;
}

export interface StatusMessage {
  type: 'status';
  sources: Record<string, SourceStatus>;
}

export interface HeartbeatMessage {
  type: 'heartbeat';
  at: string;
  revision: number;
}

export interface ErrorMessage {
  type: 'error';
  message: string;
}

export type ServerMessage = HelloMessage | SnapshotMessage | PatchMessage | StatusMessage | HeartbeatMessage | ErrorMessage;

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('resync') }).strict(),
  z.object({ type: z.literal('ping') }).strict(),
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** Parses a client frame; returns a readable error instead of throwing on garbage. */
export function parseClientMessage(raw: string): { ok: true; message: ClientMessage } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'message is not valid JSON' };
  }
  const parsed = clientMessageSchema.safeParse(json);
  if (!parsed.success) return { ok: false, error: 'unknown message: expected {"type":"resync"} or {"type":"ping"}' };
  return { ok: true, message: parsed.data };
}

/** Parses a server frame on the browser side. Frames come from our own server, so only the envelope is checked. */
export function parseServerMessage(raw: string): ServerMessage | null {
  try {
    const json = JSON.parse(raw) as { type?: unknown };
    return typeof json === 'object' && json !== null && typeof json.type === 'string' ? (json as ServerMessage) : null;
  } catch {
    return null;
  }
}
