import protobuf from 'protobufjs';
import { builtinMessageType, GROUP_OF_PACKAGE } from './protobuf';

/**
 * OpenAPI v3 component schemas of the built-in kinds, derived from the same generated.proto schemas the protobuf
 * decoder uses (proto/): every message a kind reaches becomes `io.k8s.…` with its fields' types and the Kubernetes
 * field documentation, the apimachinery types take their JSON forms (Time is a date-time string, Quantity a string,
 * IntOrString int-or-string), embedded Go structs are flattened, and each kind carries its
 * `x-kubernetes-group-version-kind`. What `kubectl explain` reads.
 */
type Schema = Record<string, unknown>;
const META = '.k8s.io.apimachinery.pkg.apis.meta.v1';

/** `.k8s.io.api.core.v1.Pod` → `io.k8s.api.core.v1.Pod`, the names the apiserver's OpenAPI uses. */
export function schemaName(type: protobuf.Type): string {
  return `io.k8s.${type.fullName.replace(/^\.k8s\.io\./, '')}`;
}

/** Go doc comments as the apiserver's OpenAPI has them: lines of a paragraph joined, paragraphs on their own lines. */
function describe(comment: string | null | undefined): string | undefined {
  const text = (comment ?? '')
    .trim()
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, ' '))
    .join('\n\n');
  return text === '' ? undefined : text;
}

/** The JSON forms of apimachinery's special types, inlined where they are used (as the apiserver's refs resolve to). */
function specialSchema(type: protobuf.Type): Schema | undefined {
  switch (type.fullName) {
    case `${META}.Time`:
    case `${META}.MicroTime`:
      return { type: 'string', format: 'date-time' };
    case `${META}.Duration`:
      return { type: 'string' };
    case `${META}.FieldsV1`:
    case '.k8s.io.apimachinery.pkg.runtime.RawExtension':
      return { type: 'object' };
    case '.k8s.io.apimachinery.pkg.api.resource.Quantity':
      return { type: 'string', 'x-kubernetes-int-or-string': true };
    case '.k8s.io.apimachinery.pkg.util.intstr.IntOrString':
      return { type: 'string', format: 'int-or-string', 'x-kubernetes-int-or-string': true };
    default:
      return undefined;
  }
}

const SCALARS: Record<string, Schema> = {
  string: { type: 'string' },
  bool: { type: 'boolean' },
  int32: { type: 'integer', format: 'int32' },
  int64: { type: 'integer', format: 'int64' },
  double: { type: 'number', format: 'double' },
  float: { type: 'number', format: 'float' },
  bytes: { type: 'string', format: 'byte' },
};

function valueSchema(field: protobuf.Field, reach: (t: protobuf.Type) => void): Schema {
  const sub = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
  if (!sub) return { ...(SCALARS[field.type] ?? { type: 'string' }) };
  const special = specialSchema(sub);
  if (special) return special;
  reach(sub);
  return { $ref: `#/components/schemas/${schemaName(sub)}` };
}

function properties(type: protobuf.Type, reach: (t: protobuf.Type) => void): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const field of type.fieldsArray) {
    const sub = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    if (sub && field.options?.['(akb.go_inline)'] === true) {
      Object.assign(out, properties(sub, reach));
      continue;
    }
    const value = valueSchema(field, reach);
    const description = describe(field.comment);
    const doc = description ? { description } : {};
    if (field.map) out[field.name] = { ...doc, type: 'object', additionalProperties: value };
    else if (field.repeated) out[field.name] = { ...doc, type: 'array', items: value.$ref ? { allOf: [value], default: {} } : value };
    else if (value.$ref) out[field.name] = { ...doc, allOf: [value], default: {} };
    else out[field.name] = { ...doc, ...value };
  }
  return out;
}

function gvk(type: protobuf.Type): Schema {
  const pkg = (type.parent as protobuf.Namespace).fullName.replace(/^\./, '');
  const version = pkg.split('.').pop() as string;
  const group = GROUP_OF_PACKAGE[pkg.split('.').slice(-2, -1)[0] as string] ?? '';
  return { 'x-kubernetes-group-version-kind': [{ group, kind: type.name, version }] };
}

/** `components.schemas` for the given kinds (apiVersion + kind), with every message they reach. */
export function builtinSchemas(kinds: { apiVersion: string; kind: string }[]): Record<string, Schema> {
  const schemas: Record<string, Schema> = {};
  const roots = new Set<protobuf.Type>();
  const pending: protobuf.Type[] = [];
  const reach = (t: protobuf.Type): void => {
    if (schemas[schemaName(t)] === undefined && !pending.includes(t)) pending.push(t);
  };
  for (const k of kinds) {
    const type = builtinMessageType(k.apiVersion, k.kind);
    if (type) {
      roots.add(type);
      reach(type);
    }
  }
  for (let t = pending.shift(); t; t = pending.shift()) {
    const name = schemaName(t);
    if (schemas[name]) continue;
    const description = describe(t.comment);
    schemas[name] = { ...(description ? { description } : {}), type: 'object', properties: properties(t, reach) };
    if (roots.has(t)) {
      const props = schemas[name].properties as Record<string, Schema>;
      props.apiVersion = { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' };
      props.kind = { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' };
      Object.assign(schemas[name], gvk(t));
    }
  }
  return schemas;
}
