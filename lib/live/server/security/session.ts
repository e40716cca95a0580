/**
 * The browser's session after the login form: a cookie holding the user and an expiry, signed with a key
 * derived from the UI secret (HMAC-SHA256). Stateless on purpose: every replica behind the Service accepts
 * it, a restart keeps users logged in, and rotating the Secret ends every session at once.
 *
 * The cookie is HttpOnly (page scripts cannot read it) and SameSite=Strict (no other site's page sends it,
 * even on a top-level navigation). Over TLS it is `__Host-akb_session` with Secure: the browser then refuses
 * it from plain HTTP, a sub-domain, or a path other than `/`.
 */
import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { safeEqual } from '../../../node/safe-equal';
import { readCookie } from '../auth';
import { isHttps } from './hosts';

export const SESSION_COOKIE = 'akb_session';
export const SECURE_SESSION_COOKIE = '__Host-akb_session';
/** A working day: long enough not to annoy, short enough that a copied cookie does not last. */
export const SESSION_TTL_S = 12 * 3600;

const payloadSchema = z.object({ u: z.string().min(1).max(256), exp: z.number().int() }).strict();

export interface SessionCodec {
  /** The Set-Cookie value that logs `user` in, for this request's scheme. */
  issue(req: IncomingMessage, user: string): string;
  /** The Set-Cookie value that logs out. */
  clear(req: IncomingMessage): string;
  /** The user of a valid, unexpired session cookie on `req`, or null. */
  verify(req: IncomingMessage): string | null;
}

export function createSessionCodec(key: Buffer, now: () => number = Date.now): SessionCodec {
  const sign = (payload: string): string => createHmac('sha256', key).update(payload).digest('base64url');
  const cookie = (req: IncomingMessage, value: string, maxAge: number): string => {
    const secure = isHttps(req);
    const attrs = [
      `${secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE}=${value}`,
      'Path=/',
      'HttpOnly',
      'SameSite=Strict',
      `Max-Age=${maxAge}`,
    ];
    if (secure) attrs.push('Secure');
    return attrs.join('; ');
  };
  return {
    issue(req, user) {
      const payload = Buffer.from(JSON.stringify({ u: user, exp: Math.floor(now() / 1000) + SESSION_TTL_S })).toString('base64url');
      return cookie(req, `${payload}.${sign(payload)}`, SESSION_TTL_S);
    },
    clear: (req) => cookie(req, '', 0),
    verify(req) {
      // The __Host- cookie only ever comes from an HTTPS page; prefer it when both are present.
      const value = readCookie(req.headers.cookie, SECURE_SESSION_COOKIE) ?? readCookie(req.headers.cookie, SESSION_COOKIE);
      if (!value) return null;
      const dot = value.indexOf('.');
      if (dot < 1) return null;
      const payload = value.slice(0, dot);
      if (!safeEqual(value.slice(dot + 1), sign(payload))) return null;
      let parsed: z.infer<typeof payloadSchema>;
      try {
        parsed = payloadSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
      } catch {
        return null;
      }
      return parsed.exp * 1000 > now() ? parsed.u : null;
    },
  };
}
