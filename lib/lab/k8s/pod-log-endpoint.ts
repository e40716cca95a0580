import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { errors } from './errors';
import type { LogLine } from './pod-logs';
import type { KubeStore } from './store';

/**
 * `GET …/pods/<name>/log` as kubelet answers it through the apiserver: text/plain, one line per log line,
 * `timestamps=true` prefixing each with its RFC 3339 time, `tailLines`/`sinceSeconds`/`sinceTime`/`limitBytes`
 * cutting it, and `follow=true` keeping the stream open for new lines until the pod is deleted or the client leaves.
 */
const flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1');
const count = (field: string, min: number) =>
  z
    .string()
    .regex(/^\d+$/, `${field} must be an integer`)
    .transform(Number)
    .refine((n) => n >= min, `${field} must be at least ${min}`)
    .optional();
const logQuery = z.object({
  container: z.string().optional(),
  follow: flag,
  previous: flag,
  timestamps: flag,
  tailLines: count('tailLines', 0),
  sinceSeconds: count('sinceSeconds', 1),
  sinceTime: z.iso.datetime({ offset: true, message: 'sinceTime must be an RFC 3339 time' }).optional(),
  limitBytes: count('limitBytes', 1),
});

export type PodLogQuery = z.infer<typeof logQuery>;

export function parseLogQuery(params: URLSearchParams): PodLogQuery {
  const parsed = logQuery.safeParse(Object.fromEntries(params));
  if (!parsed.success) throw errors.badRequest(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  if (parsed.data.sinceSeconds !== undefined && parsed.data.sinceTime !== undefined)
    throw errors.badRequest('at most one of sinceTime or sinceSeconds may be specified');
  return parsed.data;
}

function containerOf(pod: { metadata: { name: string }; spec?: unknown }, wanted: string | undefined): string {
  const spec = (pod.spec ?? {}) as { containers?: { name?: string }[]; initContainers?: { name?: string }[] };
  const names = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c) => String(c.name));
  if (wanted === undefined) {
    if (names.length === 1) return names[0] as string;
    throw errors.badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`);
  }
  if (!names.includes(wanted)) throw errors.badRequest(`container ${wanted} is not valid for pod ${pod.metadata.name}`);
  return wanted;
}

export function servePodLog(
  store: KubeStore,
  target: { namespace: string; name: string },
  q: PodLogQuery,
  res: ServerResponse,
  trackStream: (close: () => void, done: Promise<void>) => void,
): void {
  const pod = store.get('pods', target.name, target.namespace);
  const container = containerOf(pod, q.container);
  if (q.previous) throw errors.badRequest(`previous terminated container "${container}" in pod "${target.name}" not found`);
  const since = q.sinceTime ? Date.parse(q.sinceTime) : q.sinceSeconds ? Date.now() - q.sinceSeconds * 1000 : undefined;
  let lines = store.logs.read(target.namespace, target.name, container);
  if (since !== undefined) lines = lines.filter((l) => Date.parse(l.time) >= since);
  if (q.tailLines !== undefined) lines = q.tailLines === 0 ? [] : lines.slice(-q.tailLines);

  let budget = q.limitBytes ?? Infinity;
  let closed = false;
  const format = (l: LogLine): string => `${q.timestamps ? `${l.time} ` : ''}${l.text}\n`;
  const write = (l: LogLine): void => {
    if (closed || budget <= 0) return;
    const text = Buffer.from(format(l));
    const part = text.length > budget ? text.subarray(0, budget) : text;
    budget -= part.length;
    res.write(part);
    if (budget <= 0) close();
  };
  let stop = (): void => {};
  const close = (): void => {
    if (closed) return;
    closed = true;
    stop();
    res.end();
  };
  res.writeHead(200, {
    'Content-Type': 'text/plain',
    'Cache-Control': 'no-cache, private',
    ...(q.follow ? { 'Transfer-Encoding': 'chunked' } : {}),
  });
  if (q.follow) res.flushHeaders();
  lines.forEach(write);
  if (!q.follow || closed) return close();

  const unfollow = store.logs.follow(target.namespace, target.name, container, write);
  // The stream ends when the pod goes away, as kubelet's does when the container is removed.
  const unsubscribe = store.subscribe((e) => {
    if (
      e.type === 'DELETED' &&
      e.resource.plural === 'pods' &&
      e.resource.group === '' &&
      e.object.metadata.namespace === target.namespace &&
      e.object.metadata.name === target.name
    )
      setImmediate(close);
  });
  stop = () => {
    unfollow();
    unsubscribe();
  };
  res.on('close', close);
  trackStream(close, new Promise((resolve) => res.on('close', () => resolve())));
}
