import type { KubeConfig } from '@kubernetes/client-node';
import { z } from 'zod';
import { KubeHttpError, requestJson, type RequestCounter } from '../../../lib/k8s/http';
import type { KubeObject } from '../../../lib/topology/bundle-types';
import { collectionUrl, objectUrl, type ObjectRef, type ResourceInfo } from './object-ref';

/**
 * The provider's Kubernetes API client: discovery (which kinds are served, under which plural, namespaced or
 * not), reads, server-side apply (real or `dryRun=All`) under one field manager, JSON merge patches and deletes.
 * Plain JSON over the kubeconfig's auth and TLS (lib/k8s/http.ts); objects come back exactly as the server sent them.
 */

export const FIELD_MANAGER = 'akb';

const resourceList = z.object({
  resources: z.array(z.looseObject({ name: z.string(), kind: z.string(), namespaced: z.boolean() })),
});
const listSchema = z.object({ items: z.array(z.looseObject({ metadata: z.looseObject({ name: z.string() }) })).nullable() });

export interface ApplyResult {
  object: KubeObject;
  /** 201: the apply created the object. */
  created: boolean;
}

export class KubeClient {
  readonly counter: RequestCounter = { requests: 0 };
  readonly #discovery = new Map<string, Promise<Map<string, ResourceInfo> | undefined>>();

  constructor(
    readonly kc: KubeConfig,
    private readonly opts: { signal?: AbortSignal; timeoutMs?: number } = {},
  ) {}

  get server(): string {
    return this.kc.getCurrentCluster()?.server ?? '(no server)';
  }

  #req(method: 'GET' | 'PATCH' | 'DELETE', path: string, body?: unknown, contentType?: string) {
    return requestJson(this.kc, method, path, {
      counter: this.counter,
      signal: this.opts.signal,
      timeoutMs: this.opts.timeoutMs,
      ...(body !== undefined ? { body, contentType } : {}),
    });
  }

  /** Kinds served at a group-version (undefined: not served at all), cached until `forget`. */
  async #served(group: string, version: string): Promise<Map<string, ResourceInfo> | undefined> {
    const key = `${group}/${version}`;
    let p = this.#discovery.get(key);
    if (!p) {
      p = (async () => {
        try {
          const { body } = await this.#req('GET', group ? `/apis/${group}/${version}` : `/api/${version}`);
          const parsed = resourceList.parse(body);
          return new Map(
            parsed.resources.filter((r) => !r.name.includes('/')).map((r) => [r.kind, { plural: r.name, namespaced: r.namespaced }]),
          );
        } catch (err) {
          if (err instanceof KubeHttpError && err.statusCode === 404) return undefined;
          throw err;
        }
      })();
      this.#discovery.set(key, p);
      p.catch(() => this.#discovery.delete(key));
    }
    return p;
  }

  /** How a kind is served, or undefined when it is not (yet: its CRD or API server may still be coming). */
  async resourceInfo(ref: Pick<ObjectRef, 'group' | 'version' | 'kind'>): Promise<ResourceInfo | undefined> {
    const info = (await this.#served(ref.group, ref.version))?.get(ref.kind);
    if (!info) this.#discovery.delete(`${ref.group}/${ref.version}`);
    return info;
  }

  /** The group's preferred version (`v1` for the core group), or undefined when the group is not served. */
  async preferredVersion(group: string): Promise<string | undefined> {
    if (group === '') return 'v1';
    try {
      const { body } = await this.#req('GET', `/apis/${group}`);
      return z.object({ preferredVersion: z.object({ version: z.string() }) }).parse(body).preferredVersion.version;
    } catch (err) {
      if (err instanceof KubeHttpError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  async get(ref: ObjectRef, info: ResourceInfo): Promise<KubeObject | undefined> {
    try {
      return (await this.#req('GET', objectUrl(ref, info))).body as KubeObject;
    } catch (err) {
      if (err instanceof KubeHttpError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  async list(ref: Pick<ObjectRef, 'group' | 'version' | 'namespace'>, info: ResourceInfo, labelSelector?: string): Promise<KubeObject[]> {
    const q = labelSelector ? `?labelSelector=${encodeURIComponent(labelSelector)}` : '';
    const { body } = await this.#req('GET', `${collectionUrl(ref, info)}${q}`);
    return (listSchema.parse(body).items ?? []) as KubeObject[];
  }

  /** Server-side apply as `akb`; `dryRun` answers what the object would become without changing it. */
  async apply(obj: KubeObject, ref: ObjectRef, info: ResourceInfo, o: { dryRun?: boolean; force?: boolean } = {}): Promise<ApplyResult> {
    const q = new URLSearchParams({ fieldManager: FIELD_MANAGER });
    if (o.force) q.set('force', 'true');
    if (o.dryRun) q.set('dryRun', 'All');
    const { status, body } = await this.#req('PATCH', `${objectUrl(ref, info)}?${q}`, obj, 'application/apply-patch+yaml');
    return { object: body as KubeObject, created: status === 201 };
  }

  async mergePatch(ref: ObjectRef, info: ResourceInfo, patch: unknown): Promise<KubeObject> {
    const q = new URLSearchParams({ fieldManager: FIELD_MANAGER });
    return (await this.#req('PATCH', `${objectUrl(ref, info)}?${q}`, patch, 'application/merge-patch+json')).body as KubeObject;
  }

  /** Deletes the object; 'absent' when it was already gone. */
  async delete(ref: ObjectRef, info: ResourceInfo): Promise<'deleted' | 'absent'> {
    try {
      await this.#req('DELETE', objectUrl(ref, info));
      return 'deleted';
    } catch (err) {
      if (err instanceof KubeHttpError && err.statusCode === 404) return 'absent';
      throw err;
    }
  }
}

/** The fields of an apply conflict (`.spec.asNumber`) and who holds them, from the server's 409 Status. */
export function conflictsOf(err: unknown): Array<{ field: string; message: string }> | undefined {
  if (!(err instanceof KubeHttpError) || err.statusCode !== 409) return undefined;
  const causes = err.status?.details?.causes ?? [];
  return causes.filter((c) => c.field).map((c) => ({ field: c.field!, message: c.message ?? 'conflict' }));
}
