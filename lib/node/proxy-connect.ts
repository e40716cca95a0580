import { request } from 'node:http';
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { SocksClient } from 'socks';

/**
 * A TCP connection to host:port, directly or through a proxy given as a URL the way kubeconfig `proxy-url`
 * spells it: `socks5://` (the proxy resolves names: `socks5h://` is accepted as the same), `socks4://`, or
 * `http://` (HTTP CONNECT, as a jump host's proxy offers). Used where akb opens raw connections to machines on
 * the node network (SSH); the Kubernetes client honours the same URL itself.
 */

export class ProxyUrlError extends Error {
  constructor(url: string, why: string) {
    super(`proxy URL ${redactUrl(url)}: ${why} (expected socks5://host:port, socks4://host:port or http://host:port)`);
    this.name = 'ProxyUrlError';
  }
}

/** The URL without credentials, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

export interface ProxyTarget {
  kind: 'socks5' | 'socks4' | 'http';
  host: string;
  port: number;
  username?: string;
  password?: string;
}

export function parseProxyUrl(url: string): ProxyTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ProxyUrlError(url, 'not a URL');
  }
  const scheme = u.protocol.replace(/:$/, '');
  const kind =
    scheme === 'socks5' || scheme === 'socks5h' || scheme === 'socks'
      ? 'socks5'
      : scheme === 'socks4' || scheme === 'socks4a'
        ? 'socks4'
        : scheme === 'http'
          ? 'http'
          : undefined;
  if (!kind) throw new ProxyUrlError(url, `unsupported scheme "${scheme}"`);
  if (!u.hostname) throw new ProxyUrlError(url, 'no host');
  const port = u.port ? Number(u.port) : kind === 'http' ? 80 : 1080;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return {
    kind,
    host,
    port,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}

export interface ConnectOptions {
  host: string;
  port: number;
  /** kubeconfig-style proxy URL; direct when absent. */
  proxyUrl?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

function direct(o: ConnectOptions, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = tcpConnect({ host: o.host, port: o.port, timeout: timeoutMs });
    const fail = (err: Error) => {
      sock.destroy();
      reject(err);
    };
    sock.once('connect', () => {
      sock.setTimeout(0);
      sock.off('error', fail);
      resolve(sock);
    });
    sock.once('timeout', () => fail(new Error(`connect to ${o.host}:${o.port} timed out after ${timeoutMs} ms`)));
    sock.once('error', fail);
    o.signal?.addEventListener('abort', () => fail(new Error('aborted')), { once: true });
  });
}

function httpConnect(p: ProxyTarget, o: ConnectOptions, timeoutMs: number): Promise<Socket> {
  const authority = `${isIP(o.host) === 6 ? `[${o.host}]` : o.host}:${o.port}`;
  const headers: Record<string, string> = { host: authority };
  if (p.username !== undefined)
    headers['proxy-authorization'] = `Basic ${Buffer.from(`${p.username}:${p.password ?? ''}`).toString('base64')}`;
  return new Promise((resolve, reject) => {
    const req = request({ host: p.host, port: p.port, method: 'CONNECT', path: authority, headers, timeout: timeoutMs, signal: o.signal });
    req.once('connect', (res, sock) => {
      if (res.statusCode === 200) resolve(sock);
      else {
        sock.destroy();
        reject(
          new Error(`HTTP proxy ${p.host}:${p.port} refused CONNECT ${authority}: ${res.statusCode} ${res.statusMessage ?? ''}`.trim()),
        );
      }
    });
    req.once('timeout', () => req.destroy(new Error(`HTTP proxy ${p.host}:${p.port}: no answer to CONNECT within ${timeoutMs} ms`)));
    req.once('error', reject);
    req.end();
  });
}

async function socks(p: ProxyTarget, o: ConnectOptions, timeoutMs: number): Promise<Socket> {
  try {
    const { socket } = await SocksClient.createConnection({
      proxy: {
        host: p.host,
        port: p.port,
        type: p.kind === 'socks4' ? 4 : 5,
        ...(p.username !== undefined ? { userId: p.username, password: p.password ?? '' } : {}),
      },
      command: 'connect',
      destination: { host: o.host, port: o.port },
      timeout: timeoutMs,
    });
    return socket;
  } catch (err) {
    throw new Error(`SOCKS proxy ${p.host}:${p.port} could not connect to ${o.host}:${o.port}: ${(err as Error).message}`);
  }
}

export async function connectTcp(o: ConnectOptions): Promise<Socket> {
  const timeoutMs = o.timeoutMs ?? 15_000;
  if (o.proxyUrl === undefined) return direct(o, timeoutMs);
  const p = parseProxyUrl(o.proxyUrl);
  return p.kind === 'http' ? httpConnect(p, o, timeoutMs) : socks(p, o, timeoutMs);
}
