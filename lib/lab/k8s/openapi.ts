import { createHash } from 'node:crypto';
import type { ResourceRegistry } from './registry';
import type { ResourceDef } from './resources';
import { SERVER_VERSION } from './discovery';

/**
 * Minimal OpenAPI v3 documents: only what kubectl's query-parameter verifier reads (WIRE.md B6.4). Each object
 * path has a PATCH operation tagged with `x-kubernetes-group-version-kind` that lists the `fieldValidation`
 * parameter, so `kubectl apply`/`create` with the default `--validate=strict` leave validation to the server
 * instead of downloading OpenAPI v2 schemas. There are no schemas: `kubectl explain` has nothing to show.
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
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion }, paths, components: { schemas: {} } };
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
