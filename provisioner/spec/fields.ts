import { z } from 'zod';
import { specSchema } from './schema';

/**
 * Every field of the spec with its title, help text, default, type and choices, read from the spec schema itself
 * (its `.meta()` and defaults, through zod's JSON Schema export), so the wizard's labels, help and defaults have one
 * source: the schema `akb plan` validates with. Array items are written `[]` (`fabric.anchorLeaves[].ipv4`).
 */
export interface SchemaField {
  path: string;
  title?: string;
  description?: string;
  default?: unknown;
  type?: string;
  enum?: string[];
  required: boolean;
}

interface JsonSchema {
  type?: string;
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

function walk(s: JsonSchema, path: string, required: boolean, out: SchemaField[], parent?: SchemaField): void {
  const variants = s.oneOf ?? s.anyOf;
  if (variants) {
    // A discriminated union (placement): the fields of every variant, the discriminator's choices merged.
    const merged = new Map<string, SchemaField>();
    const sub: SchemaField[] = [];
    for (const v of variants) walk(v, path, required, sub, parent);
    for (const f of sub) {
      const seen = merged.get(f.path);
      if (seen?.enum && f.enum) seen.enum = [...new Set([...seen.enum, ...f.enum])];
      else if (!seen) merged.set(f.path, { ...f, required: false });
    }
    out.push(...merged.values());
    return;
  }
  const field: SchemaField = { path, required };
  // The two families of an address or subnet take their object's title: "Pod subnet (IPv4)".
  const family = /\.(ipv4|ipv6)$/.exec(path)?.[1];
  const title = s.title ?? (family && parent?.title ? `${parent.title} (${family === 'ipv4' ? 'IPv4' : 'IPv6'})` : undefined);
  const description = s.description ?? (family ? parent?.description : undefined);
  if (title) field.title = title;
  if (description) field.description = description;
  if (s.default !== undefined) field.default = s.default;
  if (s.type) field.type = s.type;
  if (s.enum) field.enum = s.enum.map(String);
  if (s.const !== undefined) field.enum = [String(s.const)];
  if (path) out.push(field);
  if (s.type === 'object' && s.properties) {
    for (const [key, child] of Object.entries(s.properties))
      walk(child, path ? `${path}.${key}` : key, (s.required ?? []).includes(key), out, field);
  }
  if (s.type === 'array' && s.items?.type === 'object') walk(s.items, `${path}[]`, true, out, field);
}

let cached: SchemaField[] | undefined;

export function specFields(): SchemaField[] {
  cached ??= (() => {
    const json = z.toJSONSchema(specSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    const out: SchemaField[] = [];
    walk(json, '', true, out);
    return out;
  })();
  return cached;
}
