import { z } from 'zod';
import type { KubeObject } from '../../k8s/models/object';
import { errors, type StatusCause } from './errors';
import { groupVersion, type ResourceDef } from './resources';

/** The envelope every object body must have; the rest is resource-specific and kept as sent. */
const objectSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.looseObject({
    name: z.string().optional(),
    generateName: z.string().optional(),
    namespace: z.string().optional(),
    resourceVersion: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  }),
});

/** Parses a request body into an object, or 400 naming the offending field and what is expected. */
export function parseObjectBody(body: unknown): KubeObject {
  const parsed = objectSchema.safeParse(body);
  if (!parsed.success) {
    const causes: StatusCause[] = parsed.error.issues.map((i) => ({
      reason: 'FieldValueInvalid',
      field: i.path.map(String).join('.') || '<body>',
      message: i.message,
    }));
    throw errors.badRequest(`invalid object: ${causes.map((c) => `${c.field}: ${c.message}`).join('; ')}`, causes);
  }
  return parsed.data as KubeObject;
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Name rules of the apiserver's ValidateObjectMeta (DNS subdomain), 422 with `details.causes[].field`. */
export function validateMeta(def: ResourceDef, obj: KubeObject): void {
  const name = obj.metadata.name;
  const causes: StatusCause[] = [];
  if (!name)
    causes.push({ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' });
  else if (name.length > 253 || !NAME.test(name)) {
    causes.push({
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
      message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    });
  }
  if (def.namespaced && !obj.metadata.namespace)
    causes.push({ reason: 'FieldValueRequired', field: 'metadata.namespace', message: 'Required value' });
  if (causes.length) throw errors.invalid(def.kind, def.group, name ?? '', causes);
}

/** The body's apiVersion/kind must name the resource of the URL (when given at all). */
export function checkKind(def: ResourceDef, obj: KubeObject): void {
  if (obj.kind !== undefined && obj.kind !== def.kind) {
    throw errors.badRequest(`the kind "${obj.kind}" of the body does not match the resource ${def.plural} (kind ${def.kind})`);
  }
  if (obj.apiVersion !== undefined && !def.versions.some((v) => groupVersion(def.group, v) === obj.apiVersion)) {
    throw errors.badRequest(
      `the apiVersion "${obj.apiVersion}" of the body is not served for ${def.plural} (${def.versions.map((v) => groupVersion(def.group, v)).join(', ')})`,
    );
  }
}
