import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { safeEqual } from '../../node/safe-equal';
import { CSRF_HEADER } from '../../live/shared/provision';

/**
 * Cross-site protection of the provisioning routes, on top of UI authentication (which the live server's gate does
 * before any provisioning route runs): a state-changing request must come from the page's own origin (`Origin`
 * equal to the `Host` it was sent to, and no `Sec-Fetch-Site` other than same-origin) and carry the CSRF token of its
 * user in `x-akb-csrf`. The token is an HMAC of the user's identity under a key born with the process, so one user's
 * token is no other user's, and a cross-site page can neither read it (no CORS) nor guess it.
 */

export type AuthMode = 'none' | 'token' | 'basic' | 'header';

export interface Guard {
  /** Who the request is from, for the audit line: the basic user, the ingress header's value, `token` or `local`. */
  user(req: IncomingMessage): string;
  csrfToken(req: IncomingMessage): string;
  /** Null when a state-changing request may proceed, else why it is refused. */
  refuseWrite(req: IncomingMessage): string | null;
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function createGuard(mode: AuthMode, identityHeader = 'x-forwarded-user'): Guard {
  const key = randomBytes(32);
  const user = (req: IncomingMessage): string => {
    if (mode === 'basic') {
      const encoded = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header(req, 'authorization') ?? '')?.[1];
      const decoded = encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
      return decoded.slice(0, Math.max(0, decoded.indexOf(':'))) || 'unknown';
    }
    if (mode === 'header') return (header(req, identityHeader.toLowerCase()) ?? '').trim().slice(0, 256) || 'unknown';
    return mode === 'token' ? 'token' : 'local';
  };
  const csrfToken = (req: IncomingMessage): string => createHmac('sha256', key).update(user(req)).digest('base64url');
  return {
    user,
    csrfToken,
    refuseWrite(req) {
      const site = header(req, 'sec-fetch-site');
      if (site !== undefined && site !== 'same-origin' && site !== 'none') return `cross-site request refused (Sec-Fetch-Site: ${site})`;
      const origin = header(req, 'origin');
      if (origin !== undefined) {
        let host: string;
        try {
          host = new URL(origin).host;
        } catch {
          return 'cross-site request refused (unreadable Origin)';
        }
        if (host !== header(req, 'host')) return `cross-site request refused (Origin ${origin} is not this server)`;
      }
      const token = header(req, CSRF_HEADER);
      if (!token || !safeEqual(token, csrfToken(req)))
        return `missing or wrong CSRF token: send the token from GET session in ${CSRF_HEADER}`;
      return null;
    },
  };
}
