import http from 'node:http';
import https from 'node:https';
import { loadPem } from './pem';

/**
 * One HTTP exchange with one controller, over node:http/https with a keep-alive agent per client. TLS verification
 * is on unless `insecure` is set; `ca` adds trust anchors (PEM text or a file path).
 */

export interface TlsOptions {
  /** Extra CA certificates (PEM text or file path) trusted for the controllers. */
  ca?: string;
  /** Skip certificate verification. Only for labs; the client logs a warning once. */
  insecure?: boolean;
}

export interface HttpResponse {
  status: number;
  body: string;
}

/** A failure below HTTP (refused, reset, DNS, TLS, timeout): always worth trying the next controller. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly errCode: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface Transport {
  request(baseUrl: string, method: string, pathWithQuery: string, headers: Record<string, string>, body?: string): Promise<HttpResponse>;
  /** TLS settings for other sockets to the same controllers (the websocket). */
  readonly tls: { ca?: string; rejectUnauthorized: boolean };
  close(): void;
}

/**
 * The largest answer read from a controller by default: far below the heap (a body is held as bytes, as a string
 * and parsed at once), and above the largest page or subscription answer of a 2,000-node fabric. Raise it with
 * the client's `maxResponseBytes` if a fabric needs more.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export function createTransport(tls: TlsOptions, timeoutMs: number, maxBodyBytes = DEFAULT_MAX_RESPONSE_BYTES): Transport {
  const ca = tls.ca ? loadPem(tls.ca, 'tls.ca') : undefined;
  const rejectUnauthorized = !tls.insecure;
  const httpsAgent = new https.Agent({ keepAlive: true, ca, rejectUnauthorized });
  const httpAgent = new http.Agent({ keepAlive: true });

  function request(
    baseUrl: string,
    method: string,
    pathWithQuery: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<HttpResponse> {
    const url = new URL(baseUrl);
    const secure = url.protocol === 'https:';
    const lib = secure ? https : http;
    const allHeaders: Record<string, string | number> = { accept: 'application/json', ...headers };
    if (body !== undefined) {
      allHeaders['content-type'] = 'application/json';
      allHeaders['content-length'] = Buffer.byteLength(body);
    }
    return new Promise((resolve, reject) => {
      const req = lib.request(
        {
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port || (secure ? 443 : 80),
          method,
          path: pathWithQuery,
          headers: allHeaders,
          agent: secure ? httpsAgent : httpAgent,
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > maxBodyBytes) req.destroy(new TransportError(`response larger than ${maxBodyBytes} bytes`, 'ETOOBIG'));
            else chunks.push(c);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (e) => reject(toTransportError(e)));
        },
      );
      req.on('timeout', () => req.destroy(new TransportError(`no answer within ${timeoutMs} ms`, 'ETIMEDOUT')));
      req.on('error', (e) => reject(toTransportError(e)));
      req.end(body);
    });
  }

  return {
    request,
    tls: { ...(ca ? { ca } : {}), rejectUnauthorized },
    close() {
      httpsAgent.destroy();
      httpAgent.destroy();
    },
  };
}

function toTransportError(e: Error): TransportError {
  if (e instanceof TransportError) return e;
  const code = 'code' in e && typeof e.code === 'string' ? e.code : 'EIO';
  return new TransportError(e.message, code);
}
