import { createVerify, randomBytes, X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { ApicError, missingToken, tokenTimeout } from './errors';
import type { ApicTree } from './tree';
import { rnOf } from '../../aci/models/dn';

/** A password-login session (WIRE.md A1.1-A1.3). */
export interface Session {
  token: string;
  user: string;
  createdAt: number;
  /** Unix ms after which the token is rejected unless refreshed. */
  expiresAt: number;
  /** Set when the login asked for `gui-token-request=yes`: every request must then echo it in `APIC-challenge`. */
  challenge?: string;
}

/** Who a request acts as, and how it proved it. */
export interface Principal {
  user: string;
  session?: Session;
}

export const loginBodySchema = z.object({
  aaaUser: z.object({ attributes: z.object({ name: z.string().min(1, 'aaaUser.attributes.name must not be empty'), pwd: z.string() }) }),
});

export const badCredentials = (): ApicError => new ApicError(401, '401', 'Username or password is incorrect - FAILED local authentication');

/** Parses a Cookie header; names are matched case-insensitively (clients send APIC-cookie and APIC-Cookie). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    out.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return out;
}

/** The token sessions of one controller. Token state is per controller: a restart logs everyone out. */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly lifetimeSec: () => number) {}

  create(user: string, withChallenge: boolean): Session {
    const now = Date.now();
    const session: Session = {
      token: randomBytes(96).toString('base64'),
      user,
      createdAt: now,
      expiresAt: now + this.lifetimeSec() * 1000,
      challenge: withChallenge ? randomBytes(24).toString('hex') : undefined,
    };
    this.sessions.set(session.token, session);
    return session;
  }

  /** The live session for a token, or undefined when unknown or expired (expired ones are dropped). */
  lookup(token: string | undefined): Session | undefined {
    if (!token) return undefined;
    const s = this.sessions.get(token);
    if (!s) return undefined;
    if (Date.now() >= s.expiresAt) {
      this.sessions.delete(token);
      return undefined;
    }
    return s;
  }

  /** Extends a session; the token string stays the same (the websocket URL embeds it). */
  refresh(s: Session): void {
    s.expiresAt = Date.now() + this.lifetimeSec() * 1000;
  }

  end(token: string): void {
    this.sessions.delete(token);
  }

  expireAll(): void {
    for (const s of this.sessions.values()) s.expiresAt = 0;
  }

  clear(): void {
    this.sessions.clear();
  }

  /** Tokens whose session has lapsed (to close their websockets), removing them. */
  sweepExpired(): string[] {
    const now = Date.now();
    const gone = [...this.sessions.values()].filter((s) => now >= s.expiresAt).map((s) => s.token);
    for (const t of gone) this.sessions.delete(t);
    return gone;
  }
}

export interface AuthRequest {
  method: string;
  /** Path plus `?query` exactly as received (no host). */
  pathWithQuery: string;
  body: string;
  cookieHeader: string | undefined;
  challengeHeader: string | undefined;
}

/**
 * Authenticates a request by session cookie or by request signature (WIRE.md A1.4). Throws the APIC 403 envelope
 * for a missing/expired token or a bad signature.
 */
export function authenticate(req: AuthRequest, sessions: SessionStore, tree: ApicTree): Principal {
  const cookies = parseCookies(req.cookieHeader);
  if (cookies.has('apic-request-signature')) return { user: verifySignedRequest(req, cookies, tree) };
  const token = cookies.get('apic-cookie');
  if (!token) throw missingToken();
  const session = sessions.lookup(token);
  if (!session) throw tokenTimeout();
  if (session.challenge !== undefined && req.challengeHeader !== session.challenge)
    throw new ApicError(403, '403', 'Token was invalid (Error: Invalid or missing APIC-challenge header)');
  return { user: session.user, session };
}

const CERT_DN_RE = /^uni\/userext\/(?:user|appuser)-([^/]+)\/usercert-[^/]+$/;

/**
 * Verifies an `APIC-Request-Signature`: RSA PKCS#1 v1.5 / SHA-256 over method + path-with-query + body, checked
 * against the PEM in the `aaaUserCert` named by `APIC-Certificate-DN`. Clients differ on whether they sign the
 * percent-decoded URL (acitoolkit, pyaci) or the raw one (ansible), so both are accepted.
 */
export function verifySignedRequest(req: AuthRequest, cookies: Map<string, string>, tree: ApicTree): string {
  const fail = (why: string): ApicError => new ApicError(403, '403', `Certificate authentication failed: ${why}`);
  const certDn = cookies.get('apic-certificate-dn');
  const signature = cookies.get('apic-request-signature');
  if (!certDn || !signature) throw fail('APIC-Certificate-DN and APIC-Request-Signature cookies are both required');
  if (cookies.get('apic-certificate-algorithm') !== 'v1.0') throw fail("APIC-Certificate-Algorithm must be 'v1.0'");
  const m = CERT_DN_RE.exec(certDn);
  const certMo = tree.get(certDn);
  if (!m || !certMo || certMo.className !== 'aaaUserCert' || !certMo.attrs['data']) throw fail(`no certificate at ${certDn}`);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certMo.attrs['data']);
  } catch {
    throw fail(`the certificate at ${certDn} is not valid PEM`);
  }
  const body = req.body === '{}' ? [req.body, ''] : [req.body];
  let decoded = req.pathWithQuery;
  try {
    decoded = decodeURIComponent(req.pathWithQuery);
  } catch {
    // keep the raw form only
  }
  const candidates = new Set([req.pathWithQuery, decoded].flatMap((p) => body.map((b) => req.method + p + b)));
  for (const payload of candidates) {
    const verifier = createVerify('RSA-SHA256');
    verifier.update(payload);
    if (verifier.verify(cert.publicKey, signature, 'base64')) return m[1]!;
  }
  throw fail('signature verification failed');
}

/**
 * Whether a user may write configuration: the lab's own admin, or a tree user holding the `admin` role with write
 * privilege (`uni/userext/user-X/userdomain-all/role-admin`, privType writePriv — the NKT service user layout).
 */
export function canWrite(tree: ApicTree, user: string, labAdmin: string): boolean {
  if (user === labAdmin) return true;
  return tree
    .descendants(`uni/userext/user-${user}`)
    .some((mo) => mo.className === 'aaaUserRole' && rnOf(mo.dn) === 'role-admin' && mo.attrs['privType'] === 'writePriv');
}

/** Password check: the lab credentials, or an `aaaUser` in the tree with a matching `pwd`. */
export function checkPassword(tree: ApicTree, name: string, pwd: string, lab: { user: string; password: string }): boolean {
  if (name === lab.user) return pwd === lab.password;
  const mo = tree.get(`uni/userext/user-${name}`);
  return (
    mo?.className === 'aaaUser' && mo.attrs['pwd'] !== undefined && mo.attrs['pwd'] === pwd && mo.attrs['accountStatus'] !== 'inactive'
  );
}
