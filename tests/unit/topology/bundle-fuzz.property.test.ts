import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../../lib/topology/build-graph';
import { BundleError, parseBundleJson } from '../../../lib/topology/bundle';

/**
 * Malformed bundles never crash `akb graph`: random damage to real bundles (a value replaced by something of another
 * type or an absurd one, a field deleted, the text truncated) is either still a valid bundle, whose graph builds,
 * or a BundleError naming a JSON path that exists in the damaged input. Nothing else may be thrown.
 */
const dir = fileURLToPath(new URL('../../fixtures/bundles/', import.meta.url));
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => readFileSync(`${dir}${f}`, 'utf8'));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path (as keys) to a value in the document, breadth-first, capped so huge bundles stay quick. */
function paths(doc: Json, cap = 4000): (string | number)[][] {
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

const absurd = fc.oneof(
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

type Damage = { kind: 'set'; at: number; value: Json } | { kind: 'delete'; at: number } | { kind: 'truncate'; fraction: number };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: absurd }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }),
);

function apply(text: string, damages: Damage[]): string {
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

/** `a.b[3].c` → does that path exist in the document (the error must point at something real)? */
function pathExists(text: string, path: string): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return false;
  }
  const keys = [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
  // The last key may be the missing field itself; its parent must exist.
  let v: unknown = doc;
  for (const k of keys.slice(0, -1)) {
    if (v === null || typeof v !== 'object' || !(k in (v as object))) return false;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v !== null && typeof v === 'object';
}

describe('malformed bundles', () => {
  it('are rejected with a BundleError naming a real path, or build a graph; nothing else is thrown', () => {
    let rejected = 0;
    fc.assert(
      fc.property(fc.nat(fixtures.length - 1), fc.array(damage, { minLength: 1, maxLength: 3 }), (which, damages) => {
        const text = apply(fixtures[which]!, damages);
        let bundle;
        try {
          bundle = parseBundleJson(text);
        } catch (err) {
          expect(err).toBeInstanceOf(BundleError);
          const e = err as BundleError;
          expect(e.detail.length).toBeGreaterThan(0);
          if (e.path) expect(pathExists(text, e.path), `${e.path} should exist in the input`).toBe(true);
          else expect(e.detail).toMatch(/not valid JSON|expected object/);
          rejected++;
          return;
        }
        expect(() => buildGraph(bundle)).not.toThrow();
      }),
      { numRuns: 300, seed: 20261202 },
    );
    // The damage was real: most runs must have been rejected.
    expect(rejected).toBeGreaterThan(100);
  });
});
