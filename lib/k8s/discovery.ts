import type { KubeConfig } from '@kubernetes/client-node';
import { z } from 'zod';
import { getJson, KubeHttpError, type GetOptions } from './http';
import { groupVersionPath, type ClusterResource } from './resources';

const resourceListSchema = z.object({
  resources: z.array(z.looseObject({ name: z.string(), verbs: z.array(z.string()).optional() })),
});

/** Plurals served at one group-version; empty when the group-version does not exist (404). */
async function servedPlurals(kc: KubeConfig, group: string, version: string, get: GetOptions): Promise<Set<string>> {
  const path = groupVersionPath(group, version);
  let raw: unknown;
  try {
    raw = await getJson(kc, path, get);
  } catch (err) {
    if (err instanceof KubeHttpError && err.statusCode === 404) return new Set();
    throw err;
  }
  const parsed = resourceListSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`GET ${path}: not an APIResourceList (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  // Subresources (`pods/status`) are not collections; a resource without list+watch cannot be informed.
  return new Set(
    parsed.data.resources
      .filter((r) => !r.name.includes('/') && (r.verbs === undefined || (r.verbs.includes('list') && r.verbs.includes('watch'))))
      .map((r) => r.name),
  );
}

/**
 * Which version of each resource the server serves (first preferred version that discovery lists), or
 * null when the cluster lacks it — "not installed" is an answer, not an error. Always-present resources
 * are not asked about. One request per distinct group-version.
 */
export async function discoverResources(
  kc: KubeConfig,
  resources: readonly ClusterResource[],
  get: GetOptions = {},
): Promise<Map<string, string | null>> {
  const cache = new Map<string, Promise<Set<string>>>();
  const served = (group: string, version: string) => {
    const k = `${group}/${version}`;
    let p = cache.get(k);
    if (!p) {
      p = servedPlurals(kc, group, version, get);
      cache.set(k, p);
    }
    return p;
  };
  const out = new Map<string, string | null>();
  for (const r of resources) {
    if (!r.optional) {
      out.set(r.key, r.versions[0] ?? 'v1');
      continue;
    }
    let found: string | null = null;
    for (const v of r.versions) {
      if ((await served(r.group, v)).has(r.plural)) {
        found = v;
        break;
      }
    }
    out.set(r.key, found);
  }
  return out;
}
