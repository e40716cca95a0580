/**
 * Who made a request, as the security gate established it. Routes read it with `principalOf(req)`; a
 * route behind the gate never runs for a request without one (open routes see null when unauthenticated).
 */
import type { IncomingMessage } from 'node:http';

export interface Principal {
  /** The user: the proxy's header value, the basic user, `token` for the shared token, `anonymous` without auth. */
  readonly user: string;
  /** How they proved it: their own credentials, a session cookie from the login form, or no auth configured. */
  readonly via: 'token' | 'basic' | 'header' | 'session' | 'none';
}

const principals = new WeakMap<IncomingMessage, Principal>();

export function setPrincipal(req: IncomingMessage, principal: Principal): void {
  principals.set(req, principal);
}

/** The authenticated caller of `req`, or null when the gate let it through unauthenticated (probes, login). */
export function principalOf(req: IncomingMessage): Principal | null {
  return principals.get(req) ?? null;
}

export const ANONYMOUS: Principal = Object.freeze({ user: 'anonymous', via: 'none' });
