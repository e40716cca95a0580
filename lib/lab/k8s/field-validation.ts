import protobuf from 'protobufjs';
import type { KubeObject } from '../../k8s/models/object';
import { errors } from './errors';
import { builtinMessageType } from './protobuf';

/**
 * The apiserver's field validation of a built-in object (`fieldValidation=Strict|Warn|Ignore`; kubectl sends
 * Strict with its default `--validate=strict`): every field of the JSON body must be one the kind's schema has,
 * checked against the same generated.proto definitions the protobuf decoder and OpenAPI use. Custom resources
 * keep what they are sent (the lab's CRDs preserve unknown fields).
 */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Types whose JSON form is not an object of their proto fields: any value is left alone. */
const LEAVES = new Set([
  '.k8s.io.apimachinery.pkg.apis.meta.v1.Time',
  '.k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime',
  '.k8s.io.apimachinery.pkg.apis.meta.v1.Duration',
  '.k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1',
  '.k8s.io.apimachinery.pkg.runtime.RawExtension',
  '.k8s.io.apimachinery.pkg.api.resource.Quantity',
  '.k8s.io.apimachinery.pkg.util.intstr.IntOrString',
]);

/** JSON field name → proto field, with embedded structs' fields lifted into their parent (as JSON shows them). */
function jsonFields(type: protobuf.Type): Map<string, protobuf.Field> {
  const out = new Map<string, protobuf.Field>();
  for (const f of type.fieldsArray) {
    const sub = f.resolvedType instanceof protobuf.Type ? f.resolvedType : undefined;
    if (sub && f.options?.['(akb.go_inline)'] === true) for (const [k, v] of jsonFields(sub)) out.set(k, v);
    else out.set(f.name, f);
  }
  return out;
}

function unknownFields(type: protobuf.Type, value: unknown, path: string, out: string[]): void {
  if (LEAVES.has(type.fullName) || value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const fields = jsonFields(type);
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const at = path ? `${path}.${key}` : key;
    const field = fields.get(key);
    if (!field) {
      if (!(path === '' && (key === 'apiVersion' || key === 'kind'))) out.push(at);
      continue;
    }
    const sub = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    if (!sub || v === null) continue;
    if (field.map) for (const [k, item] of Object.entries(v as Record<string, unknown>)) unknownFields(sub, item, `${at}[${k}]`, out);
    else if (field.repeated && Array.isArray(v)) v.forEach((item, i) => unknownFields(sub, item, `${at}[${i}]`, out));
    else unknownFields(sub, v, at, out);
  }
}

/**
 * Checks `obj` as the kind at `apiVersion`; returns the warnings to send (Warn), throws 400 naming every unknown
 * field (Strict), as the apiserver's strict decoding error does.
 */
export function validateFields(obj: KubeObject, apiVersion: string, kind: string, mode: FieldValidation | undefined): string[] {
  if (mode === 'Ignore') return [];
  const type = builtinMessageType(apiVersion, kind);
  if (!type) return [];
  const unknown: string[] = [];
  unknownFields(type, obj, '', unknown);
  if (unknown.length === 0) return [];
  const list = unknown.map((f) => `unknown field "${f}"`);
  if (mode === 'Strict')
    throw errors.badRequest(
      `${kind} in version "${apiVersion.split('/').pop()}" cannot be handled as a ${kind}: strict decoding error: ${list.join(', ')}`,
    );
  return list;
}
