import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../../k8s/models/object';
import { errors } from './errors';
import type { ResourceDef } from './resources';
import type { KubeStore, StoreEvent } from './store';
import { toTable, type IncludeObject } from './table';

/**
 * One watch stream (WIRE.md B6.2): newline-delimited JSON events, headers flushed at once, resumable from any
 * resourceVersion still in the store's window; an older one gets a single ERROR 410 event and the stream ends.
 * With selectors, an object that starts/stops matching arrives as ADDED/DELETED, as from a real apiserver.
 */
export interface WatchRequest {
  def: ResourceDef;
  namespace: string | undefined;
  matches: (obj: KubeObject) => boolean;
  /** `""`/`"0"`: start with synthetic ADDED events for the current objects. */
  resourceVersion: string | undefined;
  timeoutSeconds: number | undefined;
  bookmarks: boolean;
  bookmarkIntervalMs: number;
  table: IncludeObject | undefined;
  /** Puts an object into the requested version's shape. */
  present: (obj: KubeObject) => KubeObject;
}

type WireEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** Parses the `resourceVersion` query parameter of a watch; 400 when it is not a number. */
export function watchStartVersion(rv: string | undefined): number | undefined {
  if (rv === undefined || rv === '' || rv === '0') return undefined;
  if (!/^\d+$/.test(rv)) throw errors.badRequest(`resourceVersion: Invalid value: "${rv}": must be a decimal resourceVersion`);
  return Number(rv);
}

/** Streams events to `res` until the timeout, the client going away, or `close()` (server stop). */
export function serveWatch(store: KubeStore, w: WatchRequest, res: ServerResponse): { close: () => void } {
  const from = watchStartVersion(w.resourceVersion);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();

  let firstTable = true;
  const send = (type: WireEventType, object: unknown): void => {
    let payload = object;
    if (w.table && (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')) {
      payload = toTable(w.def, [object as KubeObject], {}, w.table, firstTable);
      firstTable = false;
    }
    res.write(`${JSON.stringify({ type, object: payload })}\n`);
  };

  const inScope = (obj: KubeObject): boolean => w.namespace === undefined || obj.metadata.namespace === w.namespace;
  const matchNow = (obj: KubeObject | undefined): boolean => !!obj && inScope(obj) && w.matches(obj);
  const deliver = (e: StoreEvent): void => {
    if (e.resource.group !== w.def.group || e.resource.plural !== w.def.plural) return;
    const now = matchNow(e.object);
    const before = e.type === 'MODIFIED' ? matchNow(e.previous) : now;
    let type: WireEventType | undefined;
    if (e.type === 'MODIFIED') type = now && before ? 'MODIFIED' : now ? 'ADDED' : before ? 'DELETED' : undefined;
    else type = now ? e.type : undefined;
    if (type) send(type, w.present(e.object));
  };

  const timers: NodeJS.Timeout[] = [];
  let unsubscribe = (): void => {};
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    timers.forEach(clearTimeout);
    timers.forEach(clearInterval);
    res.end();
  };
  res.on('close', close);

  if (from === undefined) {
    for (const obj of store.list(w.def, { namespace: w.namespace }).items) if (w.matches(obj)) send('ADDED', w.present(obj));
  } else {
    const backlog = store.eventsSince(from);
    if (!backlog) {
      const status = errors.expired(`too old resource version: ${from} (${store.oldestResumableVersion})`).toStatus();
      send('ERROR', status);
      close();
      return { close };
    }
    backlog.forEach(deliver);
  }
  // Replay and subscription happen in the same tick, so no event falls between them.
  unsubscribe = store.subscribe((event) => {
    if (!store.faults.loseWatchEvents) deliver(event);
  });

  // Real apiservers end a watch after timeoutSeconds, or a random 30-60 min without it.
  const timeoutMs = (w.timeoutSeconds ?? 1800 * (1 + Math.random())) * 1000;
  timers.push(setTimeout(close, timeoutMs));
  if (w.bookmarks) {
    const apiVersion = w.present({ metadata: { name: '' } }).apiVersion;
    timers.push(
      setInterval(
        () => send('BOOKMARK', { kind: w.def.kind, apiVersion, metadata: { resourceVersion: store.resourceVersion } }),
        w.bookmarkIntervalMs,
      ),
    );
  }
  return { close };
}
