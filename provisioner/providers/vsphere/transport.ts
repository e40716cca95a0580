import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

/**
 * HTTPS to vCenter's SDK endpoint, verified one of three ways: the system's trust store (the default), a CA
 * bundle given in the spec, or a pinned certificate thumbprint (what govc's `--thumbprint` and the vSphere
 * clients' "trust this certificate" prompt record: SHA-1 or SHA-256 of the leaf certificate). A pinned
 * connection is checked before a single byte of the request is written, so a password never reaches an
 * impostor. There is no switch that turns verification off.
 */
export type VcenterTrust = { kind: 'system' } | { kind: 'ca'; caPem: string } | { kind: 'thumbprint'; thumbprint: string };

export class VcenterTlsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VcenterTlsError';
  }
}

/** `AA:BB:..` or `aabb..`, 20 bytes (SHA-1) or 32 bytes (SHA-256); undefined when not a thumbprint. */
export function normaliseThumbprint(text: string): string | undefined {
  const hex = text.replace(/:/g, '').toUpperCase();
  if (!/^[0-9A-F]+$/.test(hex) || (hex.length !== 40 && hex.length !== 64)) return undefined;
  return hex.replace(/(..)(?!$)/g, '$1:');
}

class PinnedAgent extends https.Agent {
  constructor(private readonly pin: string) {
    super({ keepAlive: true });
  }

  override createConnection(options: tls.ConnectionOptions, callback?: (err: Error | null, socket: Duplex) => void): Duplex {
    // Verification is the pin's, so the chain is not required to be trusted; the socket is only handed to
    // the HTTP request after the pin matched.
    const socket = tls.connect({ ...options, rejectUnauthorized: false });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const seen = this.pin.length === 59 ? cert.fingerprint : cert.fingerprint256;
      if (seen === this.pin) callback?.(null, socket);
      else {
        socket.destroy();
        const other = normaliseThumbprint(cert.fingerprint256 ?? '') ?? 'unknown';
        callback?.(new VcenterTlsError(`certificate thumbprint mismatch: pinned ${this.pin}, server presented SHA-256 ${other}`), socket);
      }
    });
    socket.once('error', (err) => callback?.(err, socket));
    // Returning nothing makes the agent wait for the callback (Node's documented asynchronous form).
    return undefined as unknown as Duplex;
  }
}

export interface HttpAnswer {
  status: number;
  body: string;
  setCookie: string[];
}

export interface SoapTransport {
  post(path: string, headers: Record<string, string>, body: string): Promise<HttpAnswer>;
  close(): void;
}

const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** Explains the TLS failures users meet, naming what to put in the spec. */
function tlsHint(err: Error & { code?: string }): string {
  const code = err.code ?? '';
  if (/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|CERT_UNTRUSTED|LOCAL_ISSUER/.test(code))
    return `vCenter's certificate is not trusted (${code}): set cluster.vsphere.tls.caFile to the CA that signed it, or pin it with cluster.vsphere.tls.thumbprint`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `vCenter's certificate does not name this host (${err.message})`;
  if (code === 'CERT_HAS_EXPIRED') return "vCenter's certificate has expired";
  return `${err.message}${code ? ` (${code})` : ''}`;
}

export function createSoapTransport(baseUrl: URL, trust: VcenterTrust, timeoutMs: number): SoapTransport {
  const secure = baseUrl.protocol === 'https:';
  const agent = !secure
    ? new http.Agent({ keepAlive: true })
    : trust.kind === 'thumbprint'
      ? new PinnedAgent(trust.thumbprint)
      : new https.Agent({ keepAlive: true, rejectUnauthorized: true, ...(trust.kind === 'ca' ? { ca: trust.caPem } : {}) });

  /**
   * A kept-alive socket the server closed while idle fails the next request with ECONNRESET before the server read
   * it (Node's documented race, `req.reusedSocket`): that request is sent once more on a fresh socket.
   */
  const post = (path: string, headers: Record<string, string>, body: string): Promise<HttpAnswer> =>
    postOnce(path, headers, body).catch((err: Error & { code?: string; reusedSocket?: boolean }) => {
      if (err.reusedSocket && err.code === 'ECONNRESET') return postOnce(path, headers, body);
      throw err;
    });

  const postOnce = (path: string, headers: Record<string, string>, body: string): Promise<HttpAnswer> =>
    new Promise((resolve, reject) => {
      const req = (secure ? https : http).request(
        {
          protocol: baseUrl.protocol,
          hostname: baseUrl.hostname.replace(/^\[|\]$/g, ''),
          port: baseUrl.port || (secure ? 443 : 80),
          method: 'POST',
          path,
          agent,
          timeout: timeoutMs,
          headers: { ...headers, 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_ANSWER_BYTES) req.destroy(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
            else chunks.push(c);
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              setCookie: res.headers['set-cookie'] ?? [],
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (err: Error & { code?: string; reusedSocket?: boolean }) => {
        if (req.reusedSocket) err.reusedSocket = true;
        reject(err instanceof VcenterTlsError ? err : wrap(err));
      });
      req.end(body);
    });

  return { post, close: () => agent.destroy() };
}

function wrap(err: Error & { code?: string }): Error {
  const isTls = /CERT|SELF_SIGNED|UNABLE_TO|ALTNAME|TLS|SSL/.test(err.code ?? '');
  return isTls ? new VcenterTlsError(tlsHint(err)) : err;
}
