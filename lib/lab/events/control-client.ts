import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readLabFile } from './lab-dir';

/**
 * How a process reaches a running lab's control endpoint: its URL and the token it requires (written 0600 into the
 * lab directory next to `lab.json`, which names it). `akb lab event`, the bench and the tests all go through here.
 */
export interface LabControl {
  url: string;
  token: string;
}

/** The control endpoint of the lab started with `--lab-dir <dir>`. */
export async function readLabControl(dir: string): Promise<LabControl> {
  const file = await readLabFile(dir);
  const path = resolve(dir, file.controlTokenFile);
  let token: string;
  try {
    token = (await readFile(path, 'utf8')).trim();
  } catch (err) {
    throw new Error(`cannot read the lab control token ${path} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  return { url: file.controlUrl, token };
}

/**
 * One request to the control endpoint (`/events`, `/events/batch`, `/truth`, `/faults/<name>`), authenticated with its
 * token. A body is sent as JSON with POST unless another method is given.
 */
export function labControlRequest(control: LabControl, path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  const hasBody = init.body !== undefined;
  return fetch(`${control.url}${path}`, {
    method: init.method ?? (hasBody ? 'POST' : 'GET'),
    headers: { authorization: `Bearer ${control.token}`, ...(hasBody ? { 'content-type': 'application/json' } : {}) },
    ...(hasBody ? { body: JSON.stringify(init.body) } : {}),
  });
}
