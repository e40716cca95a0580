/**
 * Strategic merge patch, the subset kubectl's client-side apply, `kubectl patch` and `kubectl edit` need for
 * built-in objects: lists of objects with a known patch merge key (containers by name, volumeMounts by mountPath,
 * ports by containerPort/port, …) are merged element by element; `$setElementOrder/<list>`, `$patch: delete` /
 * `replace`, `$retainKeys` and `$deleteFromPrimitiveList/<list>` directives are honoured. Without OpenAPI schemas
 * the merge key comes from the field name (the `patchMergeKey` tags of k8s.io/api), not from the object's type;
 * every other list is replaced, as in a JSON merge patch.
 */
import { setMember } from './patch';

type Obj = Record<string, unknown>;

const MERGE_KEYS: Record<string, readonly string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  volumes: ['name'],
  env: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  imagePullSecrets: ['name'],
  hostAliases: ['ip'],
  ports: ['containerPort', 'port'],
  conditions: ['type'],
  topologySpreadConstraints: ['topologyKey'],
  resourceClaims: ['name'],
  ownerReferences: ['uid'],
  finalizers: [],
};

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function mergeKeyFor(field: string, items: unknown[]): string | undefined {
  return (MERGE_KEYS[field] ?? []).find((key) => items.length > 0 && items.every((i) => isObj(i) && key in i));
}

function mergeList(target: unknown, patch: unknown[], key: string, order: unknown[] | undefined): unknown[] {
  const result = Array.isArray(target) ? [...target] : [];
  for (const element of patch as Obj[]) {
    const index = result.findIndex((t) => isObj(t) && t[key] === element[key]);
    if (element['$patch'] === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) result[index] = strategicMergePatch(result[index], element);
    else result.push(strategicMergePatch(undefined, element));
  }
  if (!order) return result;
  const rank = (item: unknown) => {
    const i = order.findIndex((o) => isObj(o) && isObj(item) && o[key] === item[key]);
    return i < 0 ? order.length : i;
  };
  return result
    .map((item, i) => ({ item, i }))
    .sort((a, b) => rank(a.item) - rank(b.item) || a.i - b.i)
    .map((x) => x.item);
}

export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return structuredClone(patch);
  if (patch['$patch'] === 'replace') {
    return Object.fromEntries(
      Object.entries(patch)
        .filter(([k]) => !k.startsWith('$'))
        .map(([k, v]) => [k, strategicMergePatch(undefined, v)]),
    );
  }
  const result: Obj = isObj(target) ? { ...target } : {};
  for (const [field, value] of Object.entries(patch)) {
    if (field.startsWith('$deleteFromPrimitiveList/') && Array.isArray(value)) {
      const list = field.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(result[list])) result[list] = (result[list] as unknown[]).filter((v) => !value.includes(v));
      continue;
    }
    if (field.startsWith('$')) continue;
    if (value === null) {
      delete result[field];
      continue;
    }
    const key = Array.isArray(value) ? mergeKeyFor(field, value) : undefined;
    const order = patch[`$setElementOrder/${field}`];
    // Own members only, set as own properties: a `__proto__` field is data, never the prototype (see patch.ts).
    const current = Object.hasOwn(result, field) ? result[field] : undefined;
    if (Array.isArray(value) && key) setMember(result, field, mergeList(current, value, key, Array.isArray(order) ? order : undefined));
    else setMember(result, field, strategicMergePatch(current, value));
  }
  const retain = patch['$retainKeys'];
  if (Array.isArray(retain)) for (const k of Object.keys(result)) if (!retain.includes(k)) delete result[k];
  return result;
}
