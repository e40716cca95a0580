/**
 * Counts HTTP requests arriving at the lab's servers, on the server side, so the count covers every client
 * (informers, discovery, paging, logins) without touching their code. Node publishes each request a server in
 * this process receives on the `http.server.request.start` diagnostics channel (HTTPS servers too); requests are
 * attributed by the local port they arrived on. Websocket upgrades are not requests and are not counted here
 * (the APIC client's own counters report its subscriptions).
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

const CHANNEL = 'http.server.request.start';

export interface RequestCounter {
  /** Requests received on each watched port since start (or the last reset). */
  count(port: number): number;
  reset(): void;
  stop(): void;
}

export function countServerRequests(ports: readonly number[]): RequestCounter {
  const counts = new Map<number, number>(ports.map((p) => [p, 0]));
  const onMessage = (message: unknown): void => {
    const socket = (message as { socket?: Socket }).socket;
    const port = socket?.localPort;
    if (port !== undefined && counts.has(port)) counts.set(port, (counts.get(port) ?? 0) + 1);
  };
  diagnosticsChannel.subscribe(CHANNEL, onMessage);
  return {
    count: (port) => counts.get(port) ?? 0,
    reset: () => {
      for (const p of counts.keys()) counts.set(p, 0);
    },
    stop: () => diagnosticsChannel.unsubscribe(CHANNEL, onMessage),
  };
}
