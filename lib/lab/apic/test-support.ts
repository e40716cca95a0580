/**
 * Helpers for tests that talk to a lab APIC over real sockets with plain fetch — deliberately independent of the
 * APIC client in lib/aci, so the server is checked against the wire facts, not against our own client.
 */
import type { LabApic } from './server';

export interface WireResponse {
  status: number;
  body: Record<string, unknown> & {
    totalCount?: string;
    imdata?: Array<Record<string, { attributes: Record<string, string>; children?: unknown[] }>>;
  };
  headers: Headers;
}

export async function apicFetch(
  apic: LabApic,
  method: string,
  path: string,
  opts: { cookie?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<WireResponse> {
  const res = await fetch(apic.url + path, {
    method,
    headers: { ...(opts.cookie ? { Cookie: opts.cookie } : {}), ...(opts.headers ?? {}) },
    body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : { html: text }, headers: res.headers };
}

/** Logs in with the lab credentials; returns the token and a ready `Cookie` header value. */
export async function labLogin(
  apic: LabApic,
  user = apic.credentials.user,
  password = apic.credentials.password,
): Promise<{ token: string; cookie: string }> {
  const res = await apicFetch(apic, 'POST', '/api/aaaLogin.json', { body: { aaaUser: { attributes: { name: user, pwd: password } } } });
  if (res.status !== 200) throw new Error(`login failed: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  const token = res.body.imdata![0]!['aaaLogin']!.attributes['token']!;
  return { token, cookie: `APIC-cookie=${token}` };
}

/** The attributes of each imdata item, in order. */
export function attrsOf(body: WireResponse['body']): Array<Record<string, string>> {
  return (body.imdata ?? []).map((item) => Object.values(item)[0]!.attributes);
}
