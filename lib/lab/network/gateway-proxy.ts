import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { silentLogger, type Logger } from '../../logging';
import type { NodeNetwork } from './node-network';
import { ipFromBytes } from '../../net/ip';

/**
 * The lab's gateway to its node network: one port that speaks SOCKS5 (RFC 1928, no authentication), SOCKS4a and
 * HTTP CONNECT, told apart by the first byte, as a jump host's `ssh -D` or a corporate proxy would offer. It
 * connects only to addresses bound on the node network (elsewhere: "not allowed"), so a kubeconfig with
 * `proxy-url` and SSH through the proxy reach the lab's machines with unmodified clients.
 */
export interface GatewayProxy {
  /** `socks5://127.0.0.1:<port>` */
  socksUrl: string;
  /** `http://127.0.0.1:<port>` (the same port) */
  httpUrl: string;
  port: number;
  /** Connections refused so far, with why (for tests and the lab's truth). */
  refused: Array<{ destination: string; reason: string }>;
  stop(): Promise<void>;
}

const SOCKS5_REPLY = { ok: 0, failure: 1, notAllowed: 2, hostUnreachable: 4, refused: 5, commandNotSupported: 7, addressNotSupported: 8 };

/** Reads exactly `n` bytes (buffering what arrives early), or undefined if the socket ends first. */
class Reader {
  private buf = Buffer.alloc(0);
  private waiting?: () => void;
  private ended = false;
  constructor(private readonly sock: Socket) {
    sock.on('data', this.onData);
    sock.once('end', () => {
      this.ended = true;
      this.waiting?.();
    });
    sock.once('error', () => {
      this.ended = true;
      this.waiting?.();
    });
  }
  private onData = (d: Buffer) => {
    this.buf = Buffer.concat([this.buf, d]);
    this.waiting?.();
  };
  /** Waits for `n` bytes and returns them without consuming them. */
  async peek(n: number): Promise<Buffer | undefined> {
    while (this.buf.length < n) {
      if (this.ended) return undefined;
      await new Promise<void>((r) => (this.waiting = r));
      this.waiting = undefined;
    }
    return this.buf.subarray(0, n);
  }
  async read(n: number): Promise<Buffer | undefined> {
    if (!(await this.peek(n))) return undefined;
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }
  async readUntil(delimiter: string, max: number): Promise<string | undefined> {
    for (;;) {
      const i = this.buf.indexOf(delimiter);
      if (i >= 0) {
        const out = this.buf.subarray(0, i + delimiter.length).toString('latin1');
        this.buf = this.buf.subarray(i + delimiter.length);
        return out;
      }
      if (this.ended || this.buf.length > max) return undefined;
      await new Promise<void>((r) => (this.waiting = r));
      this.waiting = undefined;
    }
  }
  /** Stops reading and hands back what was read ahead. */
  release(): Buffer {
    this.sock.off('data', this.onData);
    return this.buf;
  }
}

export async function startGatewayProxy(network: NodeNetwork, opts: { logger?: Logger } = {}): Promise<GatewayProxy> {
  const logger = opts.logger ?? silentLogger;
  const refused: GatewayProxy['refused'] = [];
  const open = new Set<Socket>();

  /** Connects to the loopback listener that plays host:port, or says why not. */
  const dial = (host: string, port: number): Promise<{ upstream: Socket } | { reason: 'notAllowed' | 'refused'; text: string }> => {
    const target = network.resolve(host, port);
    if (!target) {
      const text = network.hasAddress(host) ? `nothing listens on ${host}:${port}` : `${host} is not on the lab's node network`;
      return Promise.resolve(network.hasAddress(host) ? { reason: 'refused', text } : { reason: 'notAllowed', text });
    }
    return new Promise((resolve) => {
      const upstream = connect({ host: target.host, port: target.port });
      upstream.once('connect', () => resolve({ upstream }));
      upstream.once('error', (e) => resolve({ reason: 'refused', text: `${host}:${port}: ${e.message}` }));
    });
  };

  const splice = (client: Socket, upstream: Socket, early: Buffer) => {
    open.add(upstream);
    upstream.once('close', () => open.delete(upstream));
    if (early.length > 0) upstream.write(early);
    client.pipe(upstream).pipe(client);
    client.once('error', () => upstream.destroy());
    upstream.once('error', () => client.destroy());
    client.once('close', () => upstream.destroy());
  };

  const socks5 = async (client: Socket, rd: Reader) => {
    const greet = await rd.read(2);
    if (!greet) return client.destroy();
    const methods = await rd.read(greet[1] ?? 0);
    if (!methods || !methods.includes(0x00)) return client.end(Buffer.from([5, 0xff]));
    client.write(Buffer.from([5, 0]));
    const head = await rd.read(4);
    if (!head) return client.destroy();
    const reply = (code: number) => Buffer.from([5, code, 0, 1, 0, 0, 0, 0, 0, 0]);
    const [, cmd, , atyp] = head;
    let host: string;
    if (atyp === 1) host = [...((await rd.read(4)) ?? [])].join('.');
    else if (atyp === 4) host = ipFromBytes([...((await rd.read(16)) ?? Buffer.alloc(16))]).toString();
    else if (atyp === 3) {
      const len = await rd.read(1);
      host = ((await rd.read(len?.[0] ?? 0)) ?? Buffer.alloc(0)).toString('latin1');
    } else return client.end(reply(SOCKS5_REPLY.addressNotSupported));
    const portBytes = await rd.read(2);
    if (!portBytes) return client.destroy();
    const port = portBytes.readUInt16BE(0);
    if (cmd !== 1) return client.end(reply(SOCKS5_REPLY.commandNotSupported));
    const r = await dial(host, port);
    if (!('upstream' in r)) {
      refused.push({ destination: `${host}:${port}`, reason: r.text });
      logger.debug({ destination: `${host}:${port}`, reason: r.text }, 'lab gateway refused a SOCKS5 connection');
      return client.end(reply(SOCKS5_REPLY[r.reason]));
    }
    client.write(reply(SOCKS5_REPLY.ok));
    splice(client, r.upstream, rd.release());
  };

  const socks4 = async (client: Socket, rd: Reader) => {
    const head = await rd.read(8);
    if (!head) return client.destroy();
    const port = head.readUInt16BE(2);
    await rd.readUntil('\0', 256); // user ID
    let host = [...head.subarray(4, 8)].join('.');
    // SOCKS4a: 0.0.0.x means "the name follows".
    if (host.startsWith('0.0.0.') && host !== '0.0.0.0') host = ((await rd.readUntil('\0', 256)) ?? '').replace(/\0$/, '');
    const reply = (ok: boolean) => Buffer.from([0, ok ? 0x5a : 0x5b, 0, 0, 0, 0, 0, 0]);
    if (head[1] !== 1) return client.end(reply(false));
    const r = await dial(host, port);
    if (!('upstream' in r)) {
      refused.push({ destination: `${host}:${port}`, reason: r.text });
      return client.end(reply(false));
    }
    client.write(reply(true));
    splice(client, r.upstream, rd.release());
  };

  const httpConnect = async (client: Socket, rd: Reader) => {
    const head = await rd.readUntil('\r\n\r\n', 16_384);
    if (!head) return client.destroy();
    const m = /^CONNECT (\S+) HTTP\/1\.[01]\r\n/.exec(head);
    const answer = (status: string) => client.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    if (!m) return answer('405 Method Not Allowed');
    const authority = m[1] as string;
    const hp = /^\[([^\]]+)\]:(\d+)$/.exec(authority) ?? /^([^:]+):(\d+)$/.exec(authority);
    if (!hp) return answer('400 Bad Request');
    const host = hp[1] as string;
    const port = Number(hp[2]);
    const r = await dial(host, port);
    if (!('upstream' in r)) {
      refused.push({ destination: `${host}:${port}`, reason: r.text });
      return answer(r.reason === 'notAllowed' ? '403 Forbidden' : '502 Bad Gateway');
    }
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    splice(client, r.upstream, rd.release());
  };

  const server: Server = createServer((client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => undefined);
    const rd = new Reader(client);
    void (async () => {
      const first = await rd.peek(1);
      if (!first) return client.destroy();
      if (first[0] === 5) await socks5(client, rd);
      else if (first[0] === 4) await socks4(client, rd);
      else await httpConnect(client, rd);
    })().catch((err: unknown) => {
      logger.warn({ err }, 'lab gateway proxy connection failed');
      client.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    socksUrl: `socks5://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    port,
    refused,
    stop: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
