import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { labControlRequest, type Lab } from '../../lib/lab';
import { kubectlFor, type KubectlRunner } from '../support/kubectl';
import { cleanup, startTestLab } from './lab-runtime-support';

/**
 * The lab's hygiene (it runs inside akb with `npm start`), each finding reproduced against the running lab:
 * its control endpoint took any local caller, web pages included; its Kubernetes API's JSON, merge, strategic and
 * server-side-apply patches wrote through `__proto__` into Object.prototype. Both now fail.
 */
let lab: Lab;
let home: string;
let kubectl: KubectlRunner;

beforeAll(async () => {
  // TLS: kubectl sends its bearer token only over https.
  lab = await startTestLab({ k8s: { tls: true } });
  home = await mkdtemp(join(tmpdir(), 'akb-security-lab-'));
  await writeFile(join(home, 'kubeconfig'), lab.kubeconfigYaml());
  kubectl = kubectlFor(join(home, 'kubeconfig'), home);
}, 60_000);

afterAll(async () => {
  await cleanup();
  await rm(home, { recursive: true, force: true });
});

/** A raw request, so the test sets Host and Origin as a browser (or an attacker's page) would. */
function raw(path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  const url = new URL(lab.control.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: body ? 'POST' : 'GET', headers, setHost: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += String(c)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Paths inside a JSON value whose object has a prototype other than Object's or Array's. */
function foreignPrototypes(value: unknown, path = '$'): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const proto: unknown = Object.getPrototypeOf(value);
  const own = proto === Object.prototype || proto === Array.prototype || proto === null ? [] : [path];
  return [...own, ...Object.entries(value).flatMap(([k, v]) => foreignPrototypes(v, `${path}.${k}`))];
}

const host = () => new URL(lab.control.url).host;
const scale = { kind: 'scale-deployment', namespace: 'shop', name: 'frontend', replicas: 3 };

describe('the lab control endpoint', () => {
  it('refuses a caller without its token, or with another one, and changes nothing', async () => {
    const generation = lab.world().generation;
    const none = await raw('/events', { host: host(), 'content-type': 'application/json' }, JSON.stringify(scale));
    expect(none.status).toBe(401);
    expect((await raw('/truth', { host: host(), authorization: `Bearer ${'0'.repeat(48)}` })).status).toBe(401);
    expect(lab.world().generation).toBe(generation);
  });

  it('refuses a request from a web page even with the token (Origin, Sec-Fetch-Site)', async () => {
    const auth = { host: host(), authorization: `Bearer ${lab.control.token}`, 'content-type': 'text/plain' };
    const generation = lab.world().generation;
    const fromPage = await raw('/events', { ...auth, origin: 'https://evil.example' }, JSON.stringify(scale));
    expect(fromPage.status).toBe(403);
    expect(fromPage.text).toMatch(/cross-site/);
    expect((await raw('/truth', { ...auth, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect(lab.world().generation).toBe(generation);
  });

  it('refuses a DNS-rebinding Host', async () => {
    const port = new URL(lab.control.url).port;
    const rebound = await raw('/truth', { host: `rebind.evil.example:${port}`, authorization: `Bearer ${lab.control.token}` });
    expect(rebound.status).toBe(403);
  });

  it('serves the token holder, as akb lab event, the bench and the tests do', async () => {
    const res = await labControlRequest(lab.control, '/events', { body: scale });
    expect(res.status).toBe(200);
    expect((await labControlRequest(lab.control, '/truth')).status).toBe(200);
  });
});

describe('the lab Kubernetes API', () => {
  const node = () => lab.world().nodes[0]!.name;
  const polluted = () => Object.hasOwn(Object.prototype, 'polluted');
  // Pollution is process-wide: undo it after each case, so each case shows its own.
  afterEach(() => {
    delete (Object.prototype as Record<string, unknown>).polluted;
  });

  it.each([
    ['json', '[{"op":"add","path":"/__proto__/polluted","value":"yes"}]'],
    ['json', '[{"op":"add","path":"/metadata/__proto__/polluted","value":"yes"}]'],
    ['json', '[{"op":"add","path":"/constructor/prototype/polluted","value":"yes"}]'],
    ['merge', '{"__proto__":{"polluted":"yes"},"metadata":{"__proto__":{"polluted":"yes"}}}'],
    ['strategic', '{"metadata":{"labels":{"__proto__":{"polluted":"yes"}}}}'],
  ])('takes a kubectl %s patch %s without reaching Object.prototype', async (type, patch) => {
    // The lab answers an error for some of these (no such path); what matters is that nothing was polluted.
    await kubectl('patch', 'node', node(), '--type', type, '-p', patch).catch(() => undefined);
    expect(polluted()).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Nor was the stored object given another prototype (a merge that assigns `__proto__` does that).
    const stored = lab.k8s.store.list('nodes').items.find((n) => n.metadata.name === node());
    expect(foreignPrototypes(stored)).toEqual([]);
  });

  it('takes a server-side apply naming __proto__ without reaching Object.prototype', async () => {
    const manifest = join(home, 'proto.json');
    await writeFile(
      manifest,
      '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"proto","namespace":"default"},"data":{"a":"b"},"__proto__":{"polluted":"yes"}}',
    );
    await kubectl('apply', '--server-side', '-f', manifest).catch(() => undefined);
    expect(polluted()).toBe(false);
  });
});
