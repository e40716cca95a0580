'use client';

import { CSRF_HEADER, PROVISION_API, type ProvisionSession } from '../../../lib/live/shared/provision';

/**
 * The wizard's calls to the provisioning API: same-origin fetches (the session cookie or basic credentials go with
 * them), every POST with the CSRF token of `GET session`. Errors carry the server's message, which names the field.
 */

let session: Promise<ProvisionSession> | undefined;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function parse<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new ApiError(res.status, body.error ?? `${res.status} ${res.statusText}`);
  return body;
}

export function getSession(): Promise<ProvisionSession> {
  session ??= fetch(`${PROVISION_API}/session`, { credentials: 'same-origin' })
    .then((r) => parse<ProvisionSession>(r))
    .catch((err: unknown) => {
      session = undefined;
      throw err;
    });
  return session;
}

export async function apiGet<T>(path: string): Promise<T> {
  return parse<T>(await fetch(`${PROVISION_API}/${path}`, { credentials: 'same-origin', headers: { accept: 'application/json' } }));
}

export async function apiPost<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const { csrfToken } = await getSession();
  const res = await fetch(`${PROVISION_API}/${path}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', [CSRF_HEADER]: csrfToken },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  return parse<T>(res);
}
