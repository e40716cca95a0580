/**
 * The security suites' server: akb's own runtime (startRuntime, the same composition server.ts starts) on a
 * lab, served by createAkbServer (the listener server.ts builds) with a stand-in for the Next.js pages, from
 * the same flags and environment a user gives. Also: server.ts spawned as a user runs it, a raw HTTP client
 * that picks its source address and sends any Host, and a websocket opener that reports refusals.
 */
import { spawnSync } from 'node:child_process';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { startLab, type Lab } from '../../lib/lab';
import { generateScenario } from '../../lib/lab/model';
import { loadServiceConfig } from '../../lib/live/server/config';
import { createAkbServer } from '../../lib/live/server/http-server';
import { startRuntime, type Runtime } from '../../lib/live/server/runtime';
import { createLogger } from '../../lib/logging';
import { waitFor } from '../support/wait';

/** A small lab: the suites test the edge of the service, not the correlation. */
export function startSmallLab(): Promise<Lab> {
  return startLab({ scenario: generateScenario({ leaves: 2, nodes: 3, pods: 6, services: 2, seed: 19 }) });
}

export const PAGE_BODY = '<html>the akb page</html>';

export interface ServedAkb {
  url: string;
  port: number;
  runtime: Runtime;
  /** Every log line the runtime wrote, parsed. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function serveAkb(lab: Lab, flags: Record<string, unknown> = {}, env: Record<string, string> = {}): Promise<ServedAkb> {
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const config = loadServiceConfig(flags, env);
  const runtime = await startRuntime(config, createLogger({ level: 'info', destination }), env, { lab });
  const server = createAkbServer(runtime, {
    // Stands in for Next.js: a page is only reached when the gate let the request through.
    request: (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(PAGE_BODY);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, config.host, resolve));
  // Served as a user would find it once it is ready: the graph computed from synced sources.
  await waitFor(() => runtime.service.ready(), { what: 'the runtime ready', timeoutMs: 60_000, intervalMs: 50 });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    runtime,
    logs,
    async close() {
      await runtime.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** server.ts as a user starts it; for refusals that happen before anything listens. */
export function runServerTs(args: string[], env: Record<string, string> = {}): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'server.ts', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { NODE_ENV: 'test', PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with exactly these headers (Host included) from `localAddress` (any 127/8 address on Linux). */
export function rawRequest(
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers, localAddress: opts.localAddress },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

export type WsOutcome = { refused: number; body: string } | { opened: string[] };

/** Opens /ws with these headers: the refusal's status and body, or the types of the first three messages. */
export function openWs(port: number, headers: Record<string, string> = {}, localAddress?: string): Promise<WsOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers, ...(localAddress ? { localAddress } : {}) });
    const types: string[] = [];
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += String(c)));
      res.on('end', () => {
        resolve({ refused: res.statusCode ?? 0, body });
        ws.terminate();
      });
    });
    ws.on('message', (data) => {
      types.push((JSON.parse(String(data)) as { type: string }).type);
      if (types.length === 3) {
        ws.close();
        resolve({ opened: types });
      }
    });
    ws.on('error', (err) => {
      if (!types.length) reject(err);
    });
  });
}
