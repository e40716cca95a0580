import { errors, KubeApiError } from './errors';

/**
 * JSON merge patch (RFC 7386) and JSON patch (RFC 6902); strategic merge patch is in strategic-merge.ts.
 */
export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;
export type PatchType = (typeof PATCH_TYPES)[number];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * A JSON document's member: own properties only, so `__proto__` or `constructor` in a patch names a member of that
 * name (as in the JSON text), never Object.prototype. Without this, `/__proto__/x` polluted every object.
 */
function member(node: unknown, key: string): unknown {
  if (Array.isArray(node)) return /^(0|[1-9]\d*)$/.test(key) ? node[Number(key)] : undefined;
  return isPlainObject(node) && Object.hasOwn(node, key) ? node[key] : undefined;
}

/** Sets an own data property, even one named `__proto__` (plain assignment would replace the prototype). */
export function setMember(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setMember(result, key, mergePatch(member(result, key), value));
  }
  return result;
}

interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function pointer(path: string, index: number): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw errors.badRequest(`json patch operation ${index}: path "${path}" must start with "/"`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, tokens: string[], index: number): { parent: Record<string, unknown> | unknown[]; key: string } {
  let node: unknown = doc;
  for (const t of tokens.slice(0, -1)) {
    node = member(node, t);
    if (node === undefined) throw errors.badRequest(`json patch operation ${index}: path /${tokens.join('/')} does not exist`);
  }
  if (!Array.isArray(node) && !isPlainObject(node))
    throw errors.badRequest(`json patch operation ${index}: parent of /${tokens.join('/')} is not a container`);
  return { parent: node, key: tokens[tokens.length - 1] ?? '' };
}

function read(doc: unknown, tokens: string[], index: number): unknown {
  let node: unknown = doc;
  for (const t of tokens) {
    node = member(node, t);
    if (node === undefined) throw errors.badRequest(`json patch operation ${index}: path /${tokens.join('/')} does not exist`);
  }
  return node;
}

function remove(doc: unknown, tokens: string[], index: number): unknown {
  const { parent, key } = parentOf(doc, tokens, index);
  const value = read(doc, tokens, index);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
  return value;
}

function add(doc: unknown, tokens: string[], value: unknown, index: number, replace: boolean): unknown {
  if (tokens.length === 0) return structuredClone(value);
  const { parent, key } = parentOf(doc, tokens, index);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(i) || i < 0 || i > parent.length)
      throw errors.badRequest(`json patch operation ${index}: array index "${key}" out of range`);
    if (replace) parent[i] = structuredClone(value);
    else parent.splice(i, 0, structuredClone(value));
  } else {
    if (replace && !Object.hasOwn(parent, key))
      throw errors.badRequest(`json patch operation ${index}: replace of missing path /${tokens.join('/')}`);
    setMember(parent, key, structuredClone(value));
  }
  return doc;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw errors.badRequest('json patch body must be an array of operations');
  let doc: unknown = structuredClone(target);
  ops.forEach((raw: unknown, index) => {
    if (!isPlainObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw errors.badRequest(`json patch operation ${index}: needs string "op" and "path"`);
    }
    const op = raw as unknown as JsonPatchOp;
    const tokens = pointer(op.path, index);
    switch (op.op) {
      case 'add':
        doc = add(doc, tokens, op.value, index, false);
        break;
      case 'replace':
        read(doc, tokens, index);
        doc = add(doc, tokens, op.value, index, true);
        break;
      case 'remove':
        remove(doc, tokens, index);
        break;
      case 'move':
        doc = add(doc, tokens, remove(doc, pointer(op.from ?? '', index), index), index, false);
        break;
      case 'copy':
        doc = add(doc, tokens, read(doc, pointer(op.from ?? '', index), index), index, false);
        break;
      case 'test':
        if (JSON.stringify(read(doc, tokens, index)) !== JSON.stringify(op.value)) {
          throw new KubeApiError(422, 'Invalid', `json patch operation ${index}: test of ${op.path} failed`);
        }
        break;
      default:
        throw errors.badRequest(`json patch operation ${index}: unknown op "${op.op}" (add, remove, replace, move, copy, test)`);
    }
  });
  return doc;
}
