/**
 * Host and Origin checks: who a request says it is for, and which page sent it.
 *
 * - `Origin` (websocket upgrades and state-changing requests, every auth mode): a browser always sends it,
 *   so a page on another site that opens `/ws` or POSTs to akb is recognised and refused (cross-site
 *   websocket hijacking, CSRF). It must name akb itself (the request's Host) or a configured origin.
 * - `Host` (auth mode `none`): DNS rebinding points an attacker's name at 127.0.0.1, which makes the attacker's
 *   page same-origin with akb; only the Host header still shows the attacker's name. Without credentials to
 *   protect akb, only loopback names and the configured hosts are answered.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { canonicalIp, inCidr } from '../../../net/ip';

/** `localhost`, `*.localhost` (RFC 6761 keeps them on this machine), 127.0.0.0/8 and ::1. */
export function isLoopbackHost(host: string): boolean {
  const name = host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const ip = canonicalIp(name);
  return ip !== null && (ip === '::1' || inCidr(ip, '127.0.0.0/8'));
}

/** The host name of a Host header without its port (`[::1]:3000` → `::1`), lower-case; null when malformed. */
export function hostName(header: string | undefined): string | null {
  if (!header) return null;
  try {
    return new URL(`http://${header}`).hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  } catch {
    return null;
  }
}

/** Builds the `none`-mode Host check: loopback names, the configured hosts, and the address akb listens on. */
export function hostCheck(allowedHosts: readonly string[], listenHost: string): (req: IncomingMessage) => boolean {
  const allowed = new Set([...allowedHosts, listenHost].map((h) => h.toLowerCase().replace(/^\[(.*)\]$/, '$1')));
  // A wildcard listen address is not a name anyone should be using in a browser.
  allowed.delete('0.0.0.0');
  allowed.delete('::');
  return (req) => {
    const name = hostName(req.headers.host);
    return name !== null && (isLoopbackHost(name) || allowed.has(name));
  };
}

/**
 * Whether the request's Origin may talk to akb: absent (not a browser, or a same-origin GET), akb's own
 * origin (the scheme's default port normalised), or one of `allowedOrigins`. `Origin: null` (sandboxed
 * frames, file: pages) is refused.
 */
export function originAllowed(req: IncomingMessage, allowedOrigins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (allowedOrigins.some((allowed) => sameOrigin(allowed, url.origin))) return true;
  const host = req.headers.host;
  if (!host) return false;
  try {
    // Compared as hosts in the origin's own scheme: a TLS-terminating proxy may not say X-Forwarded-Proto.
    return new URL(`${url.protocol}//${host}`).host === url.host;
  } catch {
    return false;
  }
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** Whether the browser reached us over HTTPS: directly, or through a TLS-terminating proxy that says so. */
export function isHttps(req: IncomingMessage): boolean {
  if ((req.socket as Partial<TLSSocket>).encrypted) return true;
  const proto = req.headers['x-forwarded-proto'];
  return (Array.isArray(proto) ? proto[0] : proto)?.split(',')[0]?.trim().toLowerCase() === 'https';
}
