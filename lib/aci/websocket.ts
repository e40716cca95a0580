import WebSocket from 'ws';
import { z } from 'zod';
import { ApicError } from './errors';
import { redactText } from './redact';
import type { ApicRequester } from './requester';
import { TransportError } from './transport';

/**
 * Opening the APIC push socket `ws(s)://<apic>/socket<token>` (WIRE.md A4.2). With password auth the token is the
 * session token; with certificate auth there is no session, so a signed `GET /api/webtokenSession.json` yields a
 * token, the upgrade is signed over `GET/socket<token>` and carries `APIC-WebSocket-Session=<token>` (WIRE.md A1.4).
 */

export interface SocketCredentials {
  token: string;
}

const WEBTOKEN_PATH = '/api/webtokenSession.json';
/** The most of a refused upgrade's body that is read. */
const MAX_REFUSAL_BYTES = 4096;

const webtokenSchema = z.object({
  imdata: z.array(z.object({ webtokenSession: z.object({ attributes: z.object({ token: z.string().min(1) }) }) })).min(1),
});

export async function socketCredentials(r: ApicRequester, baseUrl: string): Promise<SocketCredentials> {
  if (r.auth.type === 'password') return { token: await r.login(baseUrl) };
  const env = await r.call('webtoken', 'GET', WEBTOKEN_PATH, undefined, baseUrl);
  const parsed = webtokenSchema.safeParse(env);
  if (!parsed.success) throw new Error(`APIC ${WEBTOKEN_PATH} answer lacks imdata[0].webtokenSession.attributes.token`);
  const token = parsed.data.imdata[0]!.webtokenSession.attributes.token;
  r.webSocketSession = token;
  return { token };
}

/** Resolves once the upgrade succeeded; rejects with ApicError (HTTP refusal) or TransportError (network). */
export function openApicSocket(r: ApicRequester, baseUrl: string, creds: SocketCredentials, timeoutMs: number): Promise<WebSocket> {
  const path = `/socket${creds.token}`;
  const url = baseUrl.replace(/^http/, 'ws') + path;
  const { ca, rejectUnauthorized } = r.transport.tls;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: { cookie: r.socketCookie(path, creds.token) },
      handshakeTimeout: timeoutMs,
      rejectUnauthorized,
      ...(ca ? { ca } : {}),
    });
    const fail = (err: Error): void => {
      ws.removeAllListeners('open');
      ws.on('error', () => {});
      ws.terminate();
      reject(err);
    };
    ws.once('open', () => {
      ws.removeAllListeners('unexpected-response');
      ws.removeAllListeners('error');
      resolve(ws);
    });
    ws.once('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      // Only the start of a refusal is read (an error envelope is small): a body that goes on is cut off there.
      const chunks: Buffer[] = [];
      let kept = 0;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        res.destroy();
        const text = redactText(Buffer.concat(chunks).toString('utf8').slice(0, 500), [creds.token]);
        fail(
          status >= 400 && status < 600
            ? parseWsRefusal(status, text)
            : new TransportError(`websocket upgrade answered HTTP ${status}`, 'EPROTO'),
        );
      };
      res.on('data', (c: Buffer) => {
        chunks.push(c.subarray(0, MAX_REFUSAL_BYTES - kept));
        kept += Math.min(c.length, MAX_REFUSAL_BYTES - kept);
        if (kept >= MAX_REFUSAL_BYTES) finish();
      });
      res.on('end', finish);
      res.on('error', () => {
        if (!done) {
          done = true;
          fail(new TransportError(`websocket upgrade answered HTTP ${status}`, 'EPROTO'));
        }
      });
    });
    ws.once('error', (e) => {
      const code = 'code' in e && typeof e.code === 'string' ? e.code : 'EIO';
      fail(new TransportError(redactText(e.message, [creds.token]), code));
    });
  });
}

function parseWsRefusal(status: number, body: string): ApicError {
  let code = String(status);
  let text = body.trim() || `websocket upgrade refused with HTTP ${status}`;
  try {
    const json = JSON.parse(body) as { imdata?: Array<{ error?: { attributes?: { code?: string; text?: string } } }> };
    const attrs = json.imdata?.[0]?.error?.attributes;
    if (attrs?.text) text = attrs.text;
    if (attrs?.code) code = attrs.code;
  } catch {
    // not an error envelope: keep the raw (redacted) text
  }
  // A refused upgrade with 401/403 always means the token: word it so ApicError.isAuthError triggers a new login.
  if ((status === 401 || status === 403) && !/token|session/i.test(text)) text = `token rejected: ${text}`;
  return new ApicError(status, code, text, 'GET', '/socket[redacted]');
}
