/**
 * Security headers on every answer akb gives (pages, API, probes, refusals), set before any route runs.
 *
 * The CSP keeps the page to its own origin: scripts, styles, the view worker, and the websocket
 * (`connect-src 'self'` covers ws/wss to the same host). `frame-ancestors 'none'` stops other sites framing
 * akb (clickjacking). Inline scripts stay allowed: Next.js bootstraps every page with inline `<script>`s
 * and its prerendered pages cannot carry a per-request nonce; what the CSP still prevents is loading or
 * sending anything from or to another origin, plugins, `<base>` hijacks and form posts elsewhere.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isHttps } from './hosts';

export function contentSecurityPolicy(dev: boolean): string {
  return [
    "default-src 'self'",
    // Development mode's React Refresh evaluates code; production never does.
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function setSecurityHeaders(req: IncomingMessage, res: ServerResponse, csp: string): void {
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  // Over plain HTTP a browser ignores HSTS, and sending it there could pin a name that has no TLS yet.
  if (isHttps(req)) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
}
