import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApicClient, ApicError, classQuery } from '../../lib/aci';
import { MAX_ERROR_BODY_CHARS, parseApicError } from '../../lib/aci/errors';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../../lib/aci/transport';
import { toCsv } from '../../lib/view';

/**
 * Input limits, each finding reproduced against a hostile APIC (a real HTTP server answering what a broken or
 * malicious controller could) through akb's own client: an error body of `<` that blocked the event loop
 * quadratically, bodies and page counts without a bound, an endless websocket refusal; and CSV formula prefixes.
 */
type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let handler: Handler = (_req, res) => res.writeHead(500).end();
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/api/aaaLogin.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ totalCount: '1', imdata: [{ aaaLogin: { attributes: { token: 'tok', refreshTimeoutSeconds: '600' } } }] }));
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const client = (extra: Partial<ConstructorParameters<typeof ApicClient>[0]> = {}) =>
  new ApicClient({ controllers: [url], auth: { type: 'password', user: 'admin', password: 'pw' }, requestTimeoutMs: 5000, ...extra });

describe('APIC error bodies', () => {
  it('a megabyte of `<` (quadratic for the old tag-stripping regex) is turned into an error at once', async () => {
    handler = (_req, res) => res.writeHead(400, { 'content-type': 'text/html' }).end('<'.repeat(1024 * 1024));
    const apic = client();
    const started = performance.now();
    const err = await apic.query(classQuery('fvTenant')).catch((e: unknown) => e);
    const ms = performance.now() - started;
    await apic.close();
    expect(err).toBeInstanceOf(ApicError);
    expect((err as ApicError).text.length).toBeLessThanOrEqual(200);
    // The old code needed about a second for 40 KB, growing with the square: a megabyte would take minutes.
    expect(ms).toBeLessThan(2000);
  });

  it('reads at most the first 16 KB of an error body, whatever follows', () => {
    const envelope = JSON.stringify({ imdata: [{ error: { attributes: { code: '122', text: 'unknown class' } } }] });
    expect(parseApicError(400, envelope, 'GET', '/x').text).toBe('unknown class');
    const padded = `${'<'.repeat(MAX_ERROR_BODY_CHARS)}<b>after the cap</b>`;
    expect(parseApicError(400, padded, 'GET', '/x').text).not.toContain('after the cap');
  });
});

describe('APIC response size and paging', () => {
  it('the default body cap is far below the heap (64 MiB), and a larger answer fails the request', async () => {
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(64 * 1024 * 1024);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const pump = () => {
        while (sent < 8 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
        if (sent >= 8 * 1024 * 1024) res.end();
        else res.once('drain', pump);
      };
      res.on('error', () => undefined);
      pump();
    };
    const apic = client({ maxResponseBytes: 1024 * 1024 });
    const err = await apic.query(classQuery('fvTenant')).catch((e: unknown) => e);
    await apic.close();
    expect(String(err)).toMatch(/larger than 1048576 bytes/);
  });

  it('a controller that always answers a full page is followed for at most maxPages pages', async () => {
    let pages = 0;
    handler = (req, res) => {
      if (!req.url?.startsWith('/api/class/')) return void res.writeHead(200).end('{"imdata":[]}');
      pages++;
      const imdata = [0, 1].map((i) => ({ fvTenant: { attributes: { dn: `uni/tn-${pages}-${i}` } } }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ totalCount: '999999999', imdata }));
    };
    const apic = client({ pageSize: 2, maxPages: 5 });
    const err = await apic.query(classQuery('fvTenant')).catch((e: unknown) => e);
    await apic.close();
    expect(String(err)).toMatch(/still not complete after 5 pages of 2/);
    expect(pages).toBe(5);
  });
});

describe('APIC websocket refusals', () => {
  it('an upgrade refused with an endless body fails the subscription after reading a few kilobytes', async () => {
    let written = 0;
    let closedAt = 0;
    handler = (req, res) => {
      if (!req.url?.startsWith('/socket')) return void res.writeHead(404).end();
      res.writeHead(400, { 'content-type': 'text/plain' });
      const timer = setInterval(() => {
        written += 1024;
        res.write('x'.repeat(1024));
      }, 2);
      res.on('close', () => {
        clearInterval(timer);
        closedAt = written;
      });
    };
    const apic = client();
    const err = await apic.subscribe(classQuery('fvTenant'), { onEvent() {}, onResync() {} }).catch((e: unknown) => e);
    await apic.close();
    expect(err).toBeInstanceOf(ApicError);
    expect((err as ApicError).text.length).toBeLessThanOrEqual(500);
    await expect.poll(() => closedAt).toBeGreaterThan(0);
    expect(closedAt).toBeLessThan(256 * 1024);
  }, 20_000);
});

describe('CSV export', () => {
  const cell = (value: string | number) =>
    toCsv([{ v: value }], [{ key: 'v', header: 'v', value: (r: { v: string | number }) => r.v }]).split('\r\n')[1]!;

  it.each([
    '=1+1',
    '+1+1',
    '-1+1',
    '@SUM(A1)',
    '\t=1',
    '\r=1',
    '＝1+1',
    '＋cmd',
    '－2+3',
    '＠x',
    "-2+3+cmd|' /C calc'!A0",
    '=HYPERLINK("http://x")',
  ])('neutralises a cell starting a formula: %j', (value) => {
    const out = cell(value);
    expect(out.replace(/^"/, '').startsWith("'")).toBe(true);
  });

  it.each([['-5'], ['+3.5'], ['-1e3'], ['10.0.0.1'], ['eth1/1']])('leaves a plain value alone: %s', (value) => {
    expect(cell(value)).toBe(value);
  });

  it('leaves numbers alone', () => {
    expect(cell(-42)).toBe('-42');
  });
});
