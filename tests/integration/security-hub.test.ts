/**
 * The bounded websocket hub (issue 19, item 5), against akb running in a process of its own (the runtime and
 * listener server.ts composes, on a lab whose demo events keep patches flowing). 200 clients that never read
 * and one client flooding `resync` must not grow the server nor slow the others. Stated bounds, after a full
 * GC: the memory JavaScript holds (heap and buffers) grows by less than JS_BOUND_MB (one copy of the 1.4 MB
 * snapshot per stalled client would be 280 MB: the hub serialises once and shares the buffer), the RSS by
 * less than RSS_BOUND_MB (what 200 sockets cost natively, about 1 MB each); a reading client's ping is
 * answered within LATENCY_BOUND_MS (median, during the flood); the flood gets about one snapshot a second.
 * Measured before the fix: 30 non-reading clients added 357 MB, a resync flood received 734 MB in 5 s, and
 * here the reading client's pings were not answered within minutes.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const STALLED_CLIENTS = 200;
const FLOOD_MS = 5_000;
const JS_BOUND_MB = 50;
const RSS_BOUND_MB = 250;
const LATENCY_BOUND_MS = 2_000;

let child: ChildProcessWithoutNullStreams;
let lines: Interface;
let port = 0;
let snapshotBytes = 0;
const sockets: WebSocket[] = [];

/** The next line of the server's stdout that carries `key` (its log lines are skipped). */
function nextLine<T>(key: string, timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the hub server printed no "${key}" within ${timeoutMs} ms`)), timeoutMs);
    const onLine = (line: string) => {
      if (!line.includes(`"${key}"`)) return;
      clearTimeout(timer);
      lines.off('line', onLine);
      resolve(JSON.parse(line) as T);
    };
    lines.on('line', onLine);
  });
}

interface Memory {
  rssMb: number;
  jsMb: number;
  clients: number;
}

async function serverMemory(): Promise<Memory> {
  const answer = nextLine<Memory>('rssMb', 30_000);
  child.stdin.write('rss\n');
  return answer;
}

function connect(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { maxPayload: 0 });
    sockets.push(ws);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Round trip of one `ping` to its `heartbeat` answer. */
function pingMs(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => {
    const sent = performance.now();
    const onMessage = (data: Buffer) => {
      if (!String(data).startsWith('{"type":"heartbeat"')) return;
      ws.off('message', onMessage);
      resolve(performance.now() - sent);
    };
    ws.on('message', onMessage);
    ws.send('{"type":"ping"}');
  });
}

beforeAll(async () => {
  child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', 'tests/integration/fixtures/hub-load-server.ts'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  lines = createInterface({ input: child.stdout });
  ({ port, snapshotBytes } = await nextLine<{ port: number; snapshotBytes: number }>('port'));
}, 150_000);

afterAll(() => {
  for (const ws of sockets) ws.terminate();
  child?.kill('SIGTERM');
});

describe('bounded websocket hub', () => {
  it(`${STALLED_CLIENTS} clients that never read and a resync flood keep memory within ${JS_BOUND_MB} MB (JS) / ${RSS_BOUND_MB} MB (RSS) and a reader's latency under ${LATENCY_BOUND_MS} ms`, async () => {
    // A snapshot big enough that per-client copies would show: the bound is ~100 of them for 200 clients.
    expect(snapshotBytes).toBeGreaterThan(1_000_000);
    const reader = await connect();
    const before = await serverMemory();

    // In batches, so the 200 are there quickly; each stops reading at once: the kernel buffers fill, then the
    // server's queue for it would grow.
    for (let i = 0; i < STALLED_CLIENTS; i += 20) {
      const batch = await Promise.all(Array.from({ length: 20 }, () => connect()));
      for (const ws of batch) (Reflect.get(ws, '_socket') as { pause(): void }).pause();
    }

    const flooder = await connect();
    /** When each snapshot reached the flooder. */
    const snapshotsAt: number[] = [];
    flooder.on('message', (data: Buffer) => {
      if (String(data.subarray(0, 20)).startsWith('{"type":"snapshot"')) snapshotsAt.push(performance.now());
    });
    const floodStart = performance.now();
    const flood = setInterval(() => {
      for (let i = 0; i < 100; i++) flooder.send('{"type":"resync"}');
    }, 20);
    const latencies: number[] = [];
    while (performance.now() - floodStart < FLOOD_MS) {
      latencies.push(await pingMs(reader));
      await new Promise((r) => setTimeout(r, 200));
    }
    clearInterval(flood);
    const after = await serverMemory();

    expect(after.clients).toBe(STALLED_CLIENTS + 2);
    const median = latencies.sort((a, b) => a - b)[Math.floor(latencies.length / 2)]!;
    expect(median).toBeLessThan(LATENCY_BOUND_MS);
    // resync is rate-limited to one snapshot a second: the flood gets about one per second (its first came on
    // connect, before the flood), not one per ask (it asked about 25,000 times).
    const spanS = (snapshotsAt[snapshotsAt.length - 1]! - floodStart) / 1000;
    expect(snapshotsAt.length).toBeLessThanOrEqual(Math.ceil(spanS) + 2);
    expect(after.jsMb - before.jsMb).toBeLessThan(JS_BOUND_MB);
    expect(after.rssMb - before.rssMb).toBeLessThan(RSS_BOUND_MB);
  }, 180_000);
});
