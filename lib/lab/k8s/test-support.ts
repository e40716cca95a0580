/**
 * Helpers for tests against the lab Kubernetes API server over real sockets: plain fetch (deliberately not
 * client-node, so the server is checked against the wire facts) and a poll-until helper.
 */
import type { LabK8sServer } from './server';

export interface KubeResponse {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export async function kubeFetch(
  server: LabK8sServer,
  method: string,
  path: string,
  opts: { body?: unknown; contentType?: string; token?: string | null; accept?: string } = {},
): Promise<KubeResponse> {
  const token = opts.token === undefined ? server.token : opts.token;
  const res = await fetch(server.url + path, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(opts.body !== undefined ? { 'Content-Type': opts.contentType ?? 'application/json' } : {}),
      ...(opts.accept ? { Accept: opts.accept } : {}),
    },
    body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}

/** Reads a watch stream line by line (fetch + newline-delimited JSON), for assertions on raw events. */
export async function openWatch(
  server: LabK8sServer,
  path: string,
  accept?: string,
): Promise<{
  status: number;
  events: { type: string; object: Record<string, unknown> }[];
  ended: Promise<void>;
  abort: () => void;
}> {
  const controller = new AbortController();
  const res = await fetch(server.url + path, {
    headers: { Authorization: `Bearer ${server.token}`, ...(accept ? { Accept: accept } : {}) },
    signal: controller.signal,
  });
  const events: { type: string; object: Record<string, unknown> }[] = [];
  const ended = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buffer.slice(0, nl)) as { type: string; object: Record<string, unknown> });
          buffer = buffer.slice(nl + 1);
        }
      }
    } catch {
      // aborted by the test
    }
  })();
  return { status: res.status, events, ended, abort: () => controller.abort() };
}
