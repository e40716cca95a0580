/** Random damage to JSON documents (a value replaced by something of another type or an absurd one, a field deleted, the text truncated), for property tests over real bundles. */
import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path (as keys) to a value in the document, breadth-first, capped so huge bundles stay quick. */
export function paths(doc: Json, cap = 4000): (string | number)[][] {
  const out: (string | number)[][] = [];
  const queue: [Json, (string | number)[]][] = [[doc, []]];
  while (queue.length && out.length < cap) {
    const [v, p] = queue.shift()!;
    if (p.length) out.push(p);
    if (Array.isArray(v)) v.forEach((x, i) => queue.push([x, [...p, i]]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) queue.push([x, [...p, k]]);
  }
  return out;
}

export const absurd = fc.oneof(
  fc.constantFrom<Json>(
    null,
    true,
    [],
    {},
    '',
    '1e400',
    '-1',
    '999999999999999999999',
    '10.0.0.300',
    '::::',
    'eth1/99999',
    '\u0000',
    'x'.repeat(5000),
  ),
  fc.double().map((n) => n as Json),
  fc.integer().map((n) => n as Json),
  fc.string().map((s) => s as Json),
);

export type Damage = { kind: 'set'; at: number; value: Json } | { kind: 'delete'; at: number } | { kind: 'truncate'; fraction: number };

export const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: absurd }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }),
);

export function apply(text: string, damages: Damage[]): string {
  const doc = JSON.parse(text) as Json;
  for (const d of damages) {
    if (d.kind === 'truncate') return JSON.stringify(doc).slice(0, Math.floor(JSON.stringify(doc).length * d.fraction));
    const all = paths(doc);
    const p = all[d.at % all.length]!;
    let parent = doc as Record<string | number, Json>;
    for (const k of p.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
    const last = p[p.length - 1]!;
    if (d.kind === 'delete' && Array.isArray(parent)) parent.splice(last as number, 1);
    else if (d.kind === 'delete') delete parent[last];
    else parent[last] = d.value;
  }
  return JSON.stringify(doc);
}
