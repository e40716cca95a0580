import { createHash } from 'node:crypto';
import type { ResourceRegistry } from './registry';
import type { ResourceDef } from './resources';
import { SERVER_VERSION } from './discovery';
import { builtinSchemas } from './openapi-schemas';
import { groupVersion } from './resources';

/**
 * OpenAPI v3 documents per group-version (WIRE.md B6.4). Each object path has a PATCH operation tagged with
 * `x-kubernetes-group-version-kind` that lists the `fieldValidation` parameter, so `kubectl apply`/`create` with
 * the default `--validate=strict` leave validation to the server instead of downloading OpenAPI v2. The
 * components are the kinds' schemas: built-in ones from Kubernetes' own definitions (openapi-schemas.ts), custom
 * resources from their CRD's `openAPIV3Schema`; `kubectl explain` reads them.
 */
function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function gvDocument(registry: ResourceRegistry, group: string, version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const query = (name: string) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
  for (const def of registry.resourcesAt(group, version)) {
    const base = `/${gvPath(group, version)}${def.namespaced ? '/namespaces/{namespace}' : ''}/${def.plural}/{name}`;
    paths[base] = {
      patch: patchOperation(def, version, [query('dryRun'), query('fieldManager'), query('fieldValidation'), query('force')]),
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths,
    components: { schemas: { ...builtinsAt(registry, group, version), ...customSchemas(registry, group, version) } },
  };
}

/** Built-in schemas never change while the server runs: computed once per group-version. */
const builtinCache = new Map<string, Record<string, unknown>>();
function builtinsAt(registry: ResourceRegistry, group: string, version: string): Record<string, unknown> {
  const key = gvPath(group, version);
  let schemas = builtinCache.get(key);
  if (!schemas) {
    const kinds = registry
      .resourcesAt(group, version)
      .filter((d) => !d.custom)
      .map((d) => ({ apiVersion: groupVersion(d.group, version), kind: d.kind }));
    schemas = builtinSchemas(kinds);
    builtinCache.set(key, schemas);
  }
  return schemas;
}

/** A custom resource's schema as its CRD declares it, named as the apiserver names them (reversed group). */
function customSchemas(registry: ResourceRegistry, group: string, version: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of registry.resourcesAt(group, version).filter((d) => d.custom)) {
    const name = `${group.split('.').reverse().join('.')}.${version}.${def.kind}`;
    out[name] = {
      ...(def.schemas?.[version] ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }),
      'x-kubernetes-group-version-kind': [{ group, kind: def.kind, version }],
    };
  }
  return out;
}

function patchOperation(def: ResourceDef, version: string, parameters: unknown[]): unknown {
  return {
    operationId: `patch${def.kind}`,
    parameters,
    responses: { '200': { description: 'OK' }, '201': { description: 'Created' } },
    'x-kubernetes-action': 'patch',
    'x-kubernetes-group-version-kind': { group: def.group, version, kind: def.kind },
  };
}

/** `/openapi/v3` (the index) or `/openapi/v3/<gv path>`; undefined for unknown group-versions. */
export function openApiV3(registry: ResourceRegistry, rest: string[]): unknown | undefined {
  const gvs = registry.all().flatMap((d) => d.versions.map((v) => ({ group: d.group, version: v })));
  const unique = [...new Map(gvs.map((gv) => [gvPath(gv.group, gv.version), gv])).entries()];
  if (rest.length === 0) {
    const paths = Object.fromEntries(
      unique.map(([path, gv]) => {
        const hash = createHash('sha512')
          .update(JSON.stringify(gvDocument(registry, gv.group, gv.version)))
          .digest('hex')
          .slice(0, 32)
          .toUpperCase();
        return [path, { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` }];
      }),
    );
    return { paths };
  }
  const match = unique.find(([path]) => path === rest.join('/'));
  return match && gvDocument(registry, match[1].group, match[1].version);
}
