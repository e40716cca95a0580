import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSoapTransport } from '../../provisioner/providers/vsphere/transport';

/**
 * vCenter (like any HTTP server) closes kept-alive connections that sit idle; a request sent on such a socket as it
 * closes fails with ECONNRESET before the server read it. The transport sends it again on a fresh connection, once.
 * The server here resets the second request of every connection, which is that race made certain.
 */
let server: Server;
let url: URL;
const served: string[] = [];

beforeAll(async () => {
  const requests = new WeakMap<Socket, number>();
  server = createServer((req, res) => {
    const n = (requests.get(req.socket) ?? 0) + 1;
    requests.set(req.socket, n);
    if (n === 2) {
      req.socket.destroy();
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      served.push(body);
      res.end(`<answer>${body}</answer>`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address() as { port: number };
  url = new URL(`http://127.0.0.1:${addr.port}/sdk`);
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('the SOAP transport on a kept-alive connection the server drops', () => {
  it('sends the request again on a fresh connection, and the server sees it once', async () => {
    const t = createSoapTransport(url, { kind: 'system' }, 5_000);
    try {
      expect((await t.post('/sdk', {}, 'first')).body).toBe('<answer>first</answer>');
      expect((await t.post('/sdk', {}, 'second')).body).toBe('<answer>second</answer>');
      expect(served).toEqual(['first', 'second']);
    } finally {
      t.close();
    }
  });
});
