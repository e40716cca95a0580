import { z } from 'zod';

/** Password login (WIRE.md A1.1-A1.3): aaaLogin once, aaaRefresh before expiry, aaaLogout on close. */

export interface PasswordAuthOptions {
  type: 'password';
  /** User name; `apic#DOMAIN\\user` for a login domain. */
  user: string;
  password: string;
}

export const LOGIN_PATH = '/api/aaaLogin.json';
export const REFRESH_PATH = '/api/aaaRefresh.json';
export const LOGOUT_PATH = '/api/aaaLogout.json';

/** JSON.stringify escapes `\` and `"`, which is exactly what login-domain names need. */
export function loginBody(user: string, password: string): string {
  return JSON.stringify({ aaaUser: { attributes: { name: user, pwd: password } } });
}

export function logoutBody(user: string): string {
  return JSON.stringify({ aaaUser: { attributes: { name: user } } });
}

const loginResponseSchema = z.object({
  imdata: z
    .array(
      z.object({
        aaaLogin: z.object({
          attributes: z.object({ token: z.string().min(1), refreshTimeoutSeconds: z.string().regex(/^\d+$/) }),
        }),
      }),
    )
    .min(1),
});

export interface SessionGrant {
  token: string;
  refreshTimeoutSeconds: number;
}

/** Reads token and lifetime from an aaaLogin/aaaRefresh answer; the error names the missing field, never the token. */
export function parseLoginResponse(body: string): SessionGrant {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Error('APIC login answer is not JSON');
  }
  const parsed = loginResponseSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`APIC login answer lacks imdata[0].aaaLogin.attributes.{token,refreshTimeoutSeconds} (bad: ${where})`);
  }
  const attrs = parsed.data.imdata[0]!.aaaLogin.attributes;
  return { token: attrs.token, refreshTimeoutSeconds: Number(attrs.refreshTimeoutSeconds) };
}

/**
 * When to refresh a grant: at half its lifetime, as acitoolkit does, which leaves a whole half-lifetime for a slow
 * or failed-over refresh. Never sooner than 500 ms, so a tiny lab lifetime cannot spin.
 */
export function refreshDelayMs(refreshTimeoutSeconds: number): number {
  return Math.max(500, (refreshTimeoutSeconds * 1000) / 2);
}

/** The token in the Cookie header form every APIC accepts. */
export function sessionCookie(token: string): string {
  return `APIC-cookie=${token}`;
}
