/**
 * What the lab's containers have written to stdout: per pod and container, in order, with the time each line was
 * written (kubelet's CRI log keeps that time; `timestamps=true` shows it). The lab's world writes here (start-up
 * lines, the CNI daemons' BGP messages); `pods/log` reads and follows it. Bounded per container, like log rotation.
 */
export interface LogLine {
  /** RFC 3339 with nanoseconds, as kubelet prints it. */
  time: string;
  text: string;
}

const MAX_LINES = 2000;

function key(namespace: string, pod: string, container: string): string {
  return `${namespace}/${pod}/${container}`;
}

/** `2026-12-04T20:43:28.123000000Z`: Date has milliseconds; the rest of Go's nine digits are zeros. */
function nanoTime(at: Date): string {
  return at.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export class PodLogs {
  private readonly lines = new Map<string, LogLine[]>();
  private readonly followers = new Map<string, Set<(line: LogLine) => void>>();

  append(namespace: string, pod: string, container: string, text: string, at = new Date()): void {
    const k = key(namespace, pod, container);
    const list = this.lines.get(k) ?? [];
    for (const part of text.split('\n')) {
      const line = { time: nanoTime(at), text: part };
      list.push(line);
      for (const f of this.followers.get(k) ?? []) f(line);
    }
    if (list.length > MAX_LINES) list.splice(0, list.length - MAX_LINES);
    this.lines.set(k, list);
  }

  read(namespace: string, pod: string, container: string): LogLine[] {
    return [...(this.lines.get(key(namespace, pod, container)) ?? [])];
  }

  /** Calls `fn` with each line appended from now on; returns how to stop. */
  follow(namespace: string, pod: string, container: string, fn: (line: LogLine) => void): () => void {
    const k = key(namespace, pod, container);
    const set = this.followers.get(k) ?? new Set();
    set.add(fn);
    this.followers.set(k, set);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.followers.delete(k);
    };
  }

  /** A deleted pod's logs go with it (kubelet removes the container logs). */
  forget(namespace: string, pod: string): void {
    const prefix = `${namespace}/${pod}/`;
    for (const k of [...this.lines.keys()]) if (k.startsWith(prefix)) this.lines.delete(k);
  }
}
